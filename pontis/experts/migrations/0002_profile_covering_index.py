"""PostgreSQL-only indexes; other databases do without them and give the same results, only slower at scale.

- a narrow covering index for matching: candidates' status and last deployment are read by an index-only scan
  instead of visiting thousands of wide profile rows;
- a trigram index on ``search_text`` so that the roster's ``contains`` search (LIKE '%term%') is indexed. It needs
  the pg_trgm extension; where it cannot be created (no privilege), search still works by scanning.
"""

from django.db import migrations, transaction

NAME = "experts_profile_match_cover"
TRGM = "experts_profile_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON experts_expertprofile (id, status) INCLUDE (last_deployed_on)")
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS {TRGM} ON experts_expertprofile USING gin (search_text gin_trgm_ops)")
        except Exception:  # noqa: BLE001 - without the extension, search falls back to a scan
            pass


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM}")


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
