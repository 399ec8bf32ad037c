from django.db import migrations, models


def mark_links_with_drafts(apps, schema_editor):
    """Links that may already have a draft keep having it deleted on submission: every unanswered link of a
    questionnaire that has drafts (a draft's key is a digest of the token, which cannot be matched here)."""
    Draft = apps.get_model("feedback", "Draft")
    Invitation = apps.get_model("feedback", "Invitation")
    Invitation.objects.filter(answered_at__isnull=True,
                              questionnaire_id__in=Draft.objects.values("questionnaire_id")).update(draft_kept=True)


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="draft_kept",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_links_with_drafts, migrations.RunPython.noop),
    ]
