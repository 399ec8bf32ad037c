"""Load the questionnaire templates shipped in pontis/feedback/data/templates.yaml (safe to run again)."""

from django.core.management.base import BaseCommand

from pontis.feedback.services.templates import templates_load


class Command(BaseCommand):
    help = "Create the shipped questionnaire templates that are missing (--refresh rewrites the existing ones)."

    def add_arguments(self, parser):
        parser.add_argument("--refresh", action="store_true",
                            help="Rewrite the shipped templates' questions from the file (staff edits are lost).")

    def handle(self, *args, refresh=False, **options):
        done = templates_load(refresh=refresh)
        self.stdout.write(self.style.SUCCESS(f"{done} questionnaire templates created or rewritten."))
