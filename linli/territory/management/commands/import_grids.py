from django.core.management.base import CommandParser

from linli.territory.imports import ImportKind, InputCrs
from linli.territory.imports.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import grids from a GeoJSON FeatureCollection (properties code, name, parent_code), "
        "all or nothing."
    )
    kind = ImportKind.GRIDS

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--crs",
            choices=InputCrs.values,
            default=InputCrs.WGS84,
            help="coordinate system of the file (gcj02 for AMap/Tencent/WeChat coordinates)",
        )
