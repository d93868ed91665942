from linli.territory.imports import ImportKind
from linli.territory.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import estates, courtyards and buildings from an .xlsx ledger, sheets 小区 / 楼院 / 楼栋, all or nothing."
    kind = ImportKind.ESTATES
