"""``manage.py load_thesaurus``: create or update the thesaurus from pontis/knowledge/data/thesaurus.yaml."""

from django.core.management.base import BaseCommand
from django.db import transaction

from pontis.knowledge.thesaurus import load_thesaurus


class Command(BaseCommand):
    help = ("Load or refresh the thesaurus (a concept per thematic area and topic, and the migration-policy concepts, "
            "with their labels in five languages). Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--prune", action="store_true",
                            help="also remove alternative labels that are not in the file (those added by staff)")

    def handle(self, *args, prune=False, **options):
        with transaction.atomic():
            counts = load_thesaurus(prune=prune)
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
