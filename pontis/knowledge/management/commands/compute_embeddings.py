"""Compute the meaning vectors of every library item, published Action and request (after an upgrade, a bulk import
or a change of encoder). Unchanged texts are not encoded again, so it can run any number of times."""

import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compute the missing or outdated meaning vectors, in batches; remove those of deleted items."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", dest="kinds", metavar="KIND",
                            help="Only this kind (repeatable): case_study, practice, shared_deliverable, publication, "
                                 "action or request.")
        parser.add_argument("--batch-size", type=int, default=64, help="Texts encoded at once (default 64).")
        parser.add_argument("--force", action="store_true", help="Encode every text again, changed or not.")

    def handle(self, *args, kinds=None, batch_size=64, force=False, **options):
        from pontis.knowledge import meaning

        kinds = kinds or list(meaning.KINDS)
        unknown = sorted(set(kinds) - set(meaning.KINDS))
        if unknown:
            raise CommandError(f"Unknown kind: {', '.join(unknown)}. Use: {', '.join(meaning.KINDS)}.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        enc = meaning.encoder()
        if enc is None:
            self.stdout.write("Search by meaning is off (PONTIS_MEANING_ENCODER=off): nothing to compute.")
            return
        started = time.monotonic()
        totals = {"encoded": 0, "unchanged": 0, "removed": 0}
        for kind in kinds:
            counts = meaning.embeddings_backfill(kind, batch_size=batch_size, force=force)
            for key, value in counts.items():
                totals[key] += value
            self.stdout.write(f"{kind}: {counts['encoded']} encoded, {counts['unchanged']} unchanged, "
                              f"{counts['removed']} removed")
        self.stdout.write(self.style.SUCCESS(
            f"{totals['encoded']} encoded, {totals['unchanged']} unchanged, {totals['removed']} removed with "
            f"{enc.name} in {time.monotonic() - started:.1f} s"))
