"""Drop the old ``intake_request.action_id`` column, on databases that still have it.

The link between a request and its Action is now ``actions.Action.source_request`` (actions depends on intake,
not the other way round). Databases created before that change still carry the old column; new ones never had
it (0001 no longer creates it). The actions migration that copies the old link into the new one declares
``run_before`` this one, so the data is copied before the column goes, without intake depending on actions.
"""

from django.db import migrations


def drop_old_action_column(apps, schema_editor):
    Request = apps.get_model("intake", "Request")
    table = Request._meta.db_table
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    if "action_id" not in columns:
        return
    if connection.vendor == "sqlite":
        # SQLite cannot drop a UNIQUE / REFERENCES column in place: rebuild the table from the model's fields,
        # which no longer include the link (Django's own way of changing a SQLite table).
        schema_editor._remake_table(Request)
    else:
        schema_editor.execute(
            "ALTER TABLE %s DROP COLUMN %s CASCADE" % (schema_editor.quote_name(table), schema_editor.quote_name("action_id"))
        )


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_old_action_column, migrations.RunPython.noop),
    ]
