from pontis.experts.services.imports import import_roster

from ._importing import ImportCommand


class Command(ImportCommand):
    help = "Import or update expert profiles from a CSV or XLSX file (see docs/import.md)."
    importer = staticmethod(import_roster)
