from linli.territory.imports import ImportKind
from linli.territory.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import the region tree (city to communities) from an .xlsx ledger, sheet 行政区划, all or nothing."
    kind = ImportKind.REGIONS
