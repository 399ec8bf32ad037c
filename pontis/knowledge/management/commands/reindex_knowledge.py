"""Rebuild every search document of the library and the portal's Actions (after an upgrade or a bulk import)."""

import time

from django.core.management.base import BaseCommand

from pontis.knowledge.search.index import rebuild_all


class Command(BaseCommand):
    help = "Rebuild the search documents of every published library item and published Action."

    def handle(self, *args, **options):
        started = time.monotonic()
        written = rebuild_all()
        total = sum(written.values())
        for kind, count in written.items():
            self.stdout.write(f"{kind}: {count} documents")
        self.stdout.write(self.style.SUCCESS(f"{total} documents in {time.monotonic() - started:.1f} s"))
