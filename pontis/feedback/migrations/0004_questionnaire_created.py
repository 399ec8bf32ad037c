"""An index for the questionnaire lists, newest first. The questionnaire table is small (one row per questionnaire,
not per response), so building the index is quick on every database."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0003_response_summaries"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="questionnaire",
            index=models.Index(fields=["created_at", "id"], name="questionnaire_created"),
        ),
    ]
