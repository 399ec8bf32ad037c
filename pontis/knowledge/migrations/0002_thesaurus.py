"""The thesaurus is reference data: a fresh installation has it (pontis/knowledge/data/thesaurus.yaml)."""

from django.db import migrations

from pontis.knowledge.thesaurus import load_thesaurus


def load(apps, schema_editor):
    load_thesaurus(apps)  # reads the historical models through ``apps``


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial"), ("core", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
