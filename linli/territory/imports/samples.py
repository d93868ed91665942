"""Downloadable templates, one per kind of import: an .xlsx with the sheets, headers and
example rows the importer reads (plus a sheet explaining each column), or a small
example GeoJSON FeatureCollection for grids."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Font

from linli.lib.ledger import SheetSpec, template_workbook
from linli.territory.imports import estates, people, regions
from linli.territory.imports.base import FORMATS, ImportKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON = "application/geo+json"

SPECS: dict[str, tuple[SheetSpec, ...]] = {
    ImportKind.REGIONS: (regions.SPEC,),
    ImportKind.ESTATES: estates.SPECS,
    ImportKind.PEOPLE: (people.SPEC,),
}
# Sheets whose single example row cannot show how they work get several instead.
EXAMPLE_ROWS: dict[str, list[list[object]]] = {regions.SHEET: regions.EXAMPLE_ROWS}


@dataclass(frozen=True)
class TemplateFile:
    filename: str
    content_type: str
    content: bytes


def _square(lng: float, lat: float, size: float) -> list[list[list[float]]]:
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size]]
    return [[[round(x, 6), round(y, 6)] for x, y in [*ring, ring[0]]]]


def grid_example() -> bytes:
    """Two neighbouring grids of one community in 淇滨区, sharing an edge."""
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": f"410611001001G0{i + 1}",
                "name": f"朝阳社区第{i + 1}网格",
                "parent_code": "410611001001",
                "kind": "general",
                "households": 420,
                "population": 1260,
            },
            "geometry": {
                "type": "Polygon",
                "coordinates": _square(114.29 + i * 0.004, 35.74, 0.004),
            },
        }
        for i in range(2)
    ]
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def workbook_template(specs: tuple[SheetSpec, ...]) -> bytes:
    book = load_workbook(io.BytesIO(template_workbook(specs)))
    for name, rows in EXAMPLE_ROWS.items():
        if name in book.sheetnames:
            book[name].delete_rows(2)
            for row in rows:
                book[name].append(row)
    notes = book.create_sheet(_("Instructions"))
    notes.append([_("Sheet"), _("Column"), _("Required"), _("Example")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for spec in specs:
        for column in spec.columns:
            required = _("yes") if column.required else _("no")
            notes.append([spec.name, column.header, required, str(column.example)])
    notes.append([])
    notes.append(
        [
            _(
                "Keep the sheet names and header rows as they are. Codes may be typed as text or numbers. Nothing is imported unless every row is correct; the report names each problem by sheet, row and column."
            )
        ]
    )
    for letter, width in zip("ABCD", (12, 16, 8, 24), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_file(kind: str) -> TemplateFile:
    """The template for `kind` (an ImportKind value); KeyError for an unknown kind."""
    if kind == ImportKind.GRIDS:
        return TemplateFile("grids-template.geojson", GEOJSON, grid_example())
    content = workbook_template(SPECS[kind])
    return TemplateFile(f"{kind}-template.{FORMATS[kind]}", XLSX, content)
