"""Territory imports, all or nothing: grids from GeoJSON; the region tree, estates and
residents from Excel ledgers. Each import checks the whole file first and raises
`ImportFailed` (with every problem by sheet/feature, row and column) before writing
anything; a clean file is written in one transaction with one audit entry.

    summary = run_import(ImportKind.GRIDS, file=f, actor=user, crs="gcj02")
"""

from __future__ import annotations

from typing import BinaryIO

from django.db import IntegrityError
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.lib.ledger import ImportFailed, ImportProblem
from linli.territory.imports.base import (
    FORMATS,
    ImportKind,
    ImportSummary,
    Tally,
    Tracker,
    file_problem,
    no_tracking,
)
from linli.territory.imports.estates import import_estates
from linli.territory.imports.geojson import InputCrs
from linli.territory.imports.grids import import_grids
from linli.territory.imports.people import import_people
from linli.territory.imports.regions import import_regions

__all__ = [
    "FORMATS",
    "ImportFailed",
    "ImportKind",
    "ImportProblem",
    "ImportSummary",
    "InputCrs",
    "Tally",
    "Tracker",
    "run_import",
]


def run_import(
    kind: str,
    *,
    file: BinaryIO,
    actor: User | None,
    crs: str = InputCrs.WGS84,
    dry_run: bool = False,
    track: Tracker = no_tracking,
    source: str = "",
) -> ImportSummary:
    """Import one file of `kind`. Raises ImportFailed, having written nothing."""
    try:
        if kind == ImportKind.GRIDS:
            return import_grids(
                file, actor=actor, crs=crs, dry_run=dry_run, track=track, source=source
            )
        importer = {
            ImportKind.REGIONS: import_regions,
            ImportKind.ESTATES: import_estates,
            ImportKind.PEOPLE: import_people,
        }[ImportKind(kind)]
        return importer(file, actor=actor, dry_run=dry_run, track=track, source=source)
    except IntegrityError as exc:
        # Someone else wrote the same codes between our check and our write.
        raise file_problem(
            _(
                "The stored data changed while the file was being imported; nothing was written. Try again."
            )
        ) from exc
