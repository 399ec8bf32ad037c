"""Shared body of the two import commands."""

import json

from django.core.management.base import BaseCommand, CommandError

from pontis.experts.services.imports import ImportFileError, read_rows


class ImportCommand(BaseCommand):
    importer = None

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV (UTF-8) or XLSX file")
        parser.add_argument("--partial", action="store_true", help="import the good rows even if some rows are bad")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, path, partial, **options):
        try:
            rows = read_rows(path)
            report = type(self).importer(rows, partial=partial)
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}")
        except ImportFileError as exc:
            raise CommandError(str(exc.message))
        if options.get("json"):
            self.stdout.write(json.dumps(report, default=str, indent=2))
        else:
            for item in report["errors"]:
                self.stderr.write(f"row {item['row']}: error: " + "; ".join(map(str, item["messages"])))
            for item in report["warnings"]:
                self.stdout.write(f"row {item['row']}: warning: " + "; ".join(map(str, item["messages"])))
            self.stdout.write(
                f"{report['total']} rows: {report['created']} created, {report['updated']} updated, "
                f"{report['unchanged']} unchanged, {len(report['errors'])} with errors, {len(report['warnings'])} warnings.")
        if report["errors"] and not partial:
            raise CommandError("Nothing was imported because some rows are not valid (use --partial to import the good rows).")
