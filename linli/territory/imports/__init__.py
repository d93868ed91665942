"""Territory imports, all or nothing: grids from GeoJSON; the region tree, estates and
residents from Excel ledgers. Each import checks the whole file first and raises
`ImportFailed` (with every problem by sheet/feature, row and column) before writing
anything; a clean file is written in one transaction with one audit entry.

    summary = run_import(ImportKind.GRIDS, file=f, actor=user, crs="gcj02")
"""

from __future__ import annotations

from typing import BinaryIO

from django.db import IntegrityError, transaction
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
from linli.territory.imports.estates import read_estates, write_estates
from linli.territory.imports.geojson import InputCrs
from linli.territory.imports.grids import read_grids, write_grids
from linli.territory.imports.people import read_people, write_people
from linli.territory.imports.regions import read_regions, write_regions

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
    """Import one file of `kind`: check the whole file, then write it all or nothing.
    Raises ImportFailed, having written nothing."""
    import_kind = ImportKind(kind)
    try:
        with transaction.atomic():
            summary = _read_and_write(
                import_kind, file, crs=crs, actor=actor, track=track, source=source
            )
            if dry_run:
                # The counts come from a real write that is then rolled back.
                transaction.set_rollback(True)
                summary.dry_run = True
            return summary
    except IntegrityError as exc:
        # Someone else wrote the same codes between our check and our write.
        raise file_problem(
            _(
                "The stored data changed while the file was being imported; nothing was written. Try again."
            )
        ) from exc


def _read_and_write(
    kind: ImportKind,
    file: BinaryIO,
    *,
    crs: str,
    actor: User | None,
    track: Tracker,
    source: str,
) -> ImportSummary:
    if kind == ImportKind.GRIDS:
        grids = read_grids(file.read(), crs=crs)
        return write_grids(grids, actor=actor, track=track, source=source)
    if kind == ImportKind.REGIONS:
        return write_regions(read_regions(file), actor=actor, track=track, source=source)
    if kind == ImportKind.ESTATES:
        return write_estates(read_estates(file), actor=actor, track=track, source=source)
    return write_people(read_people(file), actor=actor, track=track, source=source)
