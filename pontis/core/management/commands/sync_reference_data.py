from django.core.management.base import BaseCommand
from django.db import transaction

from pontis.core.reference import load_reference_data


class Command(BaseCommand):
    help = "Load or refresh the shipped reference data (themes, topics, countries, instruments...). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--keep-edits", action="store_true", help="add what is missing, keep edited labels")

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = load_reference_data(force=not options["keep_edits"])
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
