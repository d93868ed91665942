from linli.territory.imports import ImportKind
from linli.territory.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import residents from an .xlsx ledger, sheet 实有人口, all or nothing."
    kind = ImportKind.PEOPLE
