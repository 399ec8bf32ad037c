"""``manage.py export_iati OUT.xml``: write the IATI activity file (standard 2.03) and say what was left out.

The same file as ``GET /api/v1/iati/activities.xml``: the Actions the facility marks public, and those withdrawn
since (as cancelled), each checked in three layers. An Action that fails a check is left out, never silently: each
one is printed with what to fix. ``-`` writes the file to the standard output (the report then goes to stderr).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from pontis.reports.iati import publish
from pontis.reports.iati.messages import FIELD_LABELS


class Command(BaseCommand):
    help = "Write the IATI activity file of the published Actions; print the Actions left out and why."

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT.xml", help="File to write ('-' for the standard output).")

    def handle(self, *args, out, **options):
        try:
            published = publish.refresh()
        except DatabaseError as exc:
            raise CommandError(f"Could not read the Actions: {exc}") from exc
        report = self.stderr if out == "-" else self.stdout
        if out == "-":
            sys.stdout.buffer.write(published.content)
        else:
            try:
                with open(out, "wb") as handle:
                    handle.write(published.content)
            except OSError as exc:
                raise CommandError(f"Could not write {out}: {exc.strerror or exc}") from exc
        publish.remember(published)
        withdrawn = sum(1 for outcome in published.included if outcome.withdrawn)
        report.write(f"{len(published.included)} activities written to {out}"
                     + (f" ({withdrawn} withdrawn, as cancelled)" if withdrawn else "") + ".")
        if not published.left_out:
            report.write("No Action was left out.")
            return
        report.write(self.style.WARNING(f"{len(published.left_out)} Action(s) left out, with what to fix:"))
        for outcome in published.left_out:
            report.write(f"- {outcome.action.code} ({outcome.identifier}):")
            for problem in outcome.problems:
                field = str(FIELD_LABELS.get(problem["field"], problem["field"]))
                message = problem["messages"].get("en") or next(iter(problem["messages"].values()), "")
                report.write(f"    {field}: {message}")
