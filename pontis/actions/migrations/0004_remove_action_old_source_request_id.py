from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("actions", "0003_action_source_request"),
    ]

    operations = [
        migrations.RemoveField(model_name="action", name="old_source_request_id"),
    ]
