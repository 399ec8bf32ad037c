"""python manage.py import_actions PATH [--partial] — see docs/import.md ("## import_actions")."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pontis.actions.services.imports import COLUMNS, action_import, import_lookups, parse_row
from pontis.core.uploads import check_archive


def read_rows(path: Path) -> list[dict]:
    """Rows as dicts keyed by the lower-cased header, from CSV (UTF-8, with or without BOM) or XLSX."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        with path.open("rb") as handle:
            check_archive(handle)  # the upload rule's archive limits, before openpyxl opens the file
        sheet = load_workbook(path, read_only=True, data_only=True).active
        values = list(sheet.iter_rows(values_only=True))
        if not values:
            return []
        header = [str(h or "").strip().lower() for h in values[0]]
        return [dict(zip(header, row, strict=False)) for row in values[1:] if any(v not in (None, "") for v in row)]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        reader.fieldnames = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        return [row for row in reader if any((v or "").strip() for v in row.values() if isinstance(v, str))]


class Command(BaseCommand):
    help = "Import Actions from a CSV or XLSX file (validated first; nothing imported if a row is bad unless --partial)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--partial", action="store_true", help="Import the good rows and report the bad ones.")

    def handle(self, *args, path, partial=False, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            rows = read_rows(file)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not a traceback
            raise CommandError(f"Cannot read {file}: {exc}")
        if rows:
            missing = [c for c in COLUMNS if c not in rows[0]]
            if missing:
                raise CommandError("Missing columns: " + ", ".join(missing))
        lookups = import_lookups()
        good, bad, seen = [], [], {}
        for number, raw in enumerate(rows, start=2):  # row 1 is the header
            data, errors = parse_row(raw, **lookups)
            if data and data["code"] in seen:
                errors = [f"code {data['code']} repeats row {seen[data['code']]}"]
                data = None
            if data:
                seen[data["code"]] = number
                good.append((number, data))
            else:
                bad.append((number, errors))
        for number, errors in bad:
            self.stderr.write(f"row {number}: " + "; ".join(str(e) for e in errors))
        if bad and not partial:
            raise CommandError(f"{len(bad)} bad row(s); nothing imported. Fix them or use --partial.")
        created = updated = 0
        with transaction.atomic():
            for number, data in good:
                action, was_created, notes = action_import(data=data)
                created += was_created
                updated += not was_created
                for note in notes:
                    self.stdout.write(f"row {number}: {note}")
        self.stdout.write(self.style.SUCCESS(
            f"{created} Action(s) created, {updated} updated, {len(bad)} row(s) skipped."))
