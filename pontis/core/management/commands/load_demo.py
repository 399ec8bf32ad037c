"""``manage.py load_demo``: build a realistic facility from the seed documents.

Runs every loader registered with ``pontis.core.registry.demo_loader`` in order (foundation 10, actions 20,
intake 30, experts 40, events 50), each in its own transaction so a failing loader leaves the earlier ones in
place and nothing half-written of its own. Every loader is idempotent: running the command twice duplicates nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pontis.core import registry


class Command(BaseCommand):
    help = "Load the demonstration data of every app (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--only", metavar="NAME", action="append",
                            help="Run only this loader (repeatable). Known names are listed by --list.")
        parser.add_argument("--list", action="store_true", help="List the registered loaders and stop.")

    def handle(self, *args, only=None, list=False, **options):
        loaders = registry.demo_loaders()
        if list:
            for name, _func in loaders:
                self.stdout.write(name)
            return
        if only:
            known = {name for name, _f in loaders}
            unknown = sorted(set(only) - known)
            if unknown:
                raise CommandError(f"Unknown demo loader(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
            loaders = [(name, func) for name, func in loaders if name in only]
        if not loaders:
            self.stdout.write("No demo loader is registered.")
            return
        for name, func in loaders:
            with transaction.atomic():
                result = func(self.stdout)
            # A loader may print its own lines and/or answer a one-line summary of what it created.
            self.stdout.write(self.style.SUCCESS(f"{name}: {result if result else 'done'}"))
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Password for every demo user: Pontis-demo-2026"))
