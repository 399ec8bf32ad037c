"""Indexes for matching at 100,000 experts, the same on SQLite and PostgreSQL.

- speakers of a language at a level, with the profile id in the index (index-only on PostgreSQL);
- the topic and theme link tables by topic/theme first, then profile: candidates are found from the Action's
  topics (Django's automatic link tables only index the profile side first).
"""

from django.db import migrations, models

LINK_INDEXES = [
    ("experts_topic_link_by_topic", "experts_expertprofile_topics", "topic_id, expertprofile_id"),
    ("experts_theme_link_by_theme", "experts_expertprofile_themes", "thematicarea_id, expertprofile_id"),
]


def create(apps, schema_editor):
    for name, table, columns in LINK_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def drop(apps, schema_editor):
    for name, _table, _columns in LINK_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("experts", "0002_profile_covering_index")]

    operations = [
        migrations.RemoveIndex(model_name="expertlanguage", name="experts_exp_languag_b13ddb_idx"),
        migrations.AddIndex(model_name="expertlanguage",
                            index=models.Index(fields=["language", "level", "profile"], name="experts_lang_level_profile")),
        migrations.RunPython(create, drop),
    ]
