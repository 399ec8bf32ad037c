"""Rebuild ``search_text`` from the expert's own words only (names, e-mail, institution, biography, CV text,
references): taxonomy labels are no longer copied into it; the roster search matches terms against the translated
labels of the profile's themes and topics instead (selectors.roster_search).

Batches of 2,000 profiles by id, each in its own transaction (the migration itself is not atomic), on SQLite and
PostgreSQL alike; only rows whose text changes are written. Reversing leaves the column as it is (the previous
code searched it the same way; labels came from the screens or the import).
"""

import unicodedata

from django.db import migrations, transaction

BATCH = 2000
FIELDS = ("given_name", "family_name", "email", "institution_name", "biography", "cv_text", "references")


def fold(text):
    # A copy of pontis.experts.models.fold as it is now: a migration must not change with the app's code.
    text = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def rebuild(apps, schema_editor):
    ExpertProfile = apps.get_model("experts", "ExpertProfile")
    db = schema_editor.connection.alias
    profiles = ExpertProfile.objects.using(db)
    last = 0
    while True:
        with transaction.atomic(using=db):
            rows = list(profiles.filter(pk__gt=last).order_by("pk").values_list("pk", "search_text", "anonymised_at", *FIELDS)[:BATCH])
            if not rows:
                return
            changed = []
            for pk, old, anonymised_at, *values in rows:
                # An anonymised profile keeps an empty search text (placeholder name only): unsearchable as before.
                text = "" if anonymised_at else fold(" ".join(v for v in values if v))[:200000]
                if text != old:
                    changed.append(ExpertProfile(pk=pk, search_text=text))
            profiles.bulk_update(changed, ["search_text"], batch_size=500)
            last = rows[-1][0]


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("experts", "0003_matching_indexes")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]
