from pontis.experts.services.imports import import_deployments

from ._importing import ImportCommand


class Command(ImportCommand):
    help = "Import historical expert deployments from a CSV or XLSX file (see docs/import.md)."
    importer = staticmethod(import_deployments)
