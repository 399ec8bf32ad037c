"""``taxonomy_text``: each profile's thematic areas and topics as tokens (" th4 tp33 tp39 "), so that a search
term matching a translated label is a LIKE on an indexed column, like the expert's own words in ``search_text``
(see pontis.experts.models, the note above SEARCH_TEXT_FIELDS).

The column is filled in batches of 2,000 profiles by id, each in its own transaction (the migration itself is not
atomic), on SQLite and PostgreSQL alike; anonymised profiles keep it empty. On PostgreSQL it gets a trigram index
when the pg_trgm extension is there (migration 0002 creates it where it can). The token format is written out
here: a migration must not change with the app's code.
"""

from django.db import migrations, models, transaction

BATCH = 2000
TRGM = "experts_profile_taxonomy_trgm"


def fill(apps, schema_editor):
    ExpertProfile = apps.get_model("experts", "ExpertProfile")
    db = schema_editor.connection.alias
    profiles = ExpertProfile.objects.using(db)
    themes = ExpertProfile.themes.through.objects.using(db)
    topics = ExpertProfile.topics.through.objects.using(db)
    last = 0
    while True:
        with transaction.atomic(using=db):
            rows = list(profiles.filter(pk__gt=last).order_by("pk").values_list("pk", "anonymised_at")[:BATCH])
            if not rows:
                return
            ids = [pk for pk, anonymised_at in rows if not anonymised_at]
            tokens = {}
            for pid, theme_id in themes.filter(expertprofile_id__in=ids).values_list("expertprofile_id",
                                                                                     "thematicarea_id"):
                tokens.setdefault(pid, ([], []))[0].append(theme_id)
            for pid, topic_id in topics.filter(expertprofile_id__in=ids).values_list("expertprofile_id", "topic_id"):
                tokens.setdefault(pid, ([], []))[1].append(topic_id)
            changed = []
            for pid, (theme_ids, topic_ids) in tokens.items():
                words = [f"th{i}" for i in sorted(theme_ids)] + [f"tp{i}" for i in sorted(topic_ids)]
                changed.append(ExpertProfile(pk=pid, taxonomy_text=f" {' '.join(words)} "))
            profiles.bulk_update(changed, ["taxonomy_text"], batch_size=500)
            last = rows[-1][0]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return  # without the extension, search falls back to a scan (same results)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM} ON experts_expertprofile USING gin (taxonomy_text gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("experts", "0005_profile_indexes")]

    operations = [
        migrations.AddField(model_name="expertprofile", name="taxonomy_text",
                            field=models.TextField(blank=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
