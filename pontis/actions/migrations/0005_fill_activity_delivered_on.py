"""Give every delivered (or reported) activity its actual delivery date, which now stops the 90-day clock.

The date comes from the audit row of the move to "delivered" (its day in the facility's time zone), else from the
activity's end date, else its start date. Actions whose clock was never stopped get the earliest such date.
"""

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    Activity = apps.get_model("actions", "Activity")
    Action = apps.get_model("actions", "Action")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    missing = list(Activity.objects.filter(status__in=["delivered", "reported"], delivered_on__isnull=True))
    if not missing:
        return
    content_type = ContentType.objects.filter(app_label="actions", model="activity").first()
    delivered_at = {}
    if content_type is not None:
        for event in (AuditEvent.objects.filter(content_type=content_type, action="transition",
                                                object_id__in=[str(a.pk) for a in missing])
                      .order_by("at")):
            if (event.changes or {}).get("status", [None, None])[1] == "delivered":
                delivered_at.setdefault(event.object_id, timezone.localdate(event.at))
    touched = set()
    for activity in missing:
        day = delivered_at.get(str(activity.pk)) or activity.end_date or activity.start_date
        if day is None:
            continue
        Activity.objects.filter(pk=activity.pk).update(delivered_on=day)
        touched.add(activity.action_id)
    for action in Action.objects.filter(pk__in=touched, launched_on__isnull=True):
        first = (Activity.objects.filter(action=action, status__in=["delivered", "reported"], delivered_on__isnull=False)
                 .order_by("delivered_on").values_list("delivered_on", flat=True).first())
        if first:
            Action.objects.filter(pk=action.pk).update(launched_on=first)


class Migration(migrations.Migration):

    dependencies = [
        ("actions", "0004_remove_action_old_source_request_id"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
