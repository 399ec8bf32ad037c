"""``Action.source_request``: the one link between a request and its Action, a one-to-one to intake.Request.

Before, the link was stored twice: ``Action.source_request_id`` (a plain integer) and ``intake.Request.action``
(a one-to-one from intake to actions, which made intake depend on actions). This migration renames the integer
out of the way, adds the real one-to-one, copies the link from both old places (the one-to-one wins where the
two disagree; a request is linked to at most one Action); 0004 drops the integer. intake's 0002 drops its old
column afterwards (``run_before``).
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    Request = apps.get_model("intake", "Request")
    connection = schema_editor.connection
    request_table = Request._meta.db_table
    existing_requests = set(Request.objects.values_list("pk", flat=True))
    links: dict[int, int] = {}  # action id -> request id
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, request_table)}
        if "action_id" in columns:  # a database created before this change
            cursor.execute("SELECT id, action_id FROM %s WHERE action_id IS NOT NULL" % connection.ops.quote_name(request_table))
            for request_id, action_id in cursor.fetchall():
                links[action_id] = request_id
    taken = set(links.values())
    for action_id, request_id in Action.objects.filter(old_source_request_id__isnull=False).values_list(
            "pk", "old_source_request_id"):
        if action_id in links or request_id in taken or request_id not in existing_requests:
            continue
        links[action_id] = request_id
        taken.add(request_id)
    for action_id, request_id in links.items():
        Action.objects.filter(pk=action_id).update(source_request_id=request_id)


def copy_links_back(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    for action_id, request_id in Action.objects.filter(source_request__isnull=False).values_list("pk", "source_request_id"):
        Action.objects.filter(pk=action_id).update(old_source_request_id=request_id)


class Migration(migrations.Migration):

    dependencies = [
        ("actions", "0002_actioncodecounter_action_approved_on_and_more"),
        ("intake", "0001_initial"),
    ]
    run_before = [
        ("intake", "0002_drop_request_action_column"),
    ]

    operations = [
        migrations.RenameField(model_name="action", old_name="source_request_id", new_name="old_source_request_id"),
        migrations.AddField(
            model_name="action",
            name="source_request",
            field=models.OneToOneField(blank=True, editable=False, null=True,
                                       on_delete=django.db.models.deletion.PROTECT, related_name="action",
                                       to="intake.request", verbose_name="request"),
        ),
        migrations.RunPython(copy_links, copy_links_back),
        # The integer is dropped in 0004: PostgreSQL does not alter a table with pending deferred-constraint
        # events in the same transaction as the copy.
    ]
