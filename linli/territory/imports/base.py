"""What every territory import shares: the kinds, the summary it returns, progress
reporting, and the one audit entry written per import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.models import User
from linli.accounts.services import record_audit
from linli.lib.ledger import ImportFailed, ImportProblem
from linli.territory.models import Region

T = TypeVar("T")


class ImportKind(models.TextChoices):
    GRIDS = "grids", gettext_lazy("Grids (GeoJSON)")
    REGIONS = "regions", gettext_lazy("Region tree (Excel)")
    ESTATES = "estates", gettext_lazy("Estates, courtyards and buildings (Excel)")
    PEOPLE = "people", gettext_lazy("Residents (Excel)")


# The file format each kind reads; its template is offered in the same format.
FORMATS: dict[str, str] = {
    ImportKind.GRIDS: "geojson",
    ImportKind.REGIONS: "xlsx",
    ImportKind.ESTATES: "xlsx",
    ImportKind.PEOPLE: "xlsx",
}

# What each kind's file holds, shown on the import page beside its template.
DESCRIPTIONS: dict[str, Promise] = {
    ImportKind.GRIDS: gettext_lazy(
        "A GeoJSON FeatureCollection of Polygon or MultiPolygon features. Properties: code, "
        "name, parent_code (the 12-digit code of the community or village); optional kind "
        "(general or dedicated), households and population. Grids with a stored code are "
        "updated."
    ),
    ImportKind.REGIONS: gettext_lazy(
        "Sheet 行政区划: 区划代码, 名称, 层级 (市/区县/街道乡镇/社区村), 上级代码 and optional "
        "类型. Codes have 12 digits and start with their parent's digits."
    ),
    ImportKind.ESTATES: gettext_lazy(
        "Sheet 小区 with each estate's code, name and grid code, build year, buildings, "
        "households, floor area and property mode; optional sheets 楼院 (courtyards) and 楼栋 "
        "(buildings)."
    ),
    ImportKind.PEOPLE: gettext_lazy(
        "Sheet 实有人口: name, gender, birth date, ID number, mobile number, residency, grid "
        "code, and optionally the estate, building, unit and room of the dwelling."
    ),
}


class Tracker(Protocol):
    """Wraps the rows being written, to show progress (tqdm in the commands)."""

    def __call__(self, items: Sequence[T], label: str) -> Iterable[T]: ...


def no_tracking(items: Sequence[T], label: str) -> Iterable[T]:
    return items


@dataclass
class Tally:
    label: str | Promise
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportSummary:
    kind: str
    tallies: list[Tally] = field(default_factory=list)
    dry_run: bool = False

    def as_data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "counts": {
                str(t.label): {"created": t.created, "updated": t.updated, "unchanged": t.unchanged}
                for t in self.tallies
            },
        }

    def __str__(self) -> str:
        parts = [
            _("%(label)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {
                "label": t.label,
                "created": t.created,
                "updated": t.updated,
                "unchanged": t.unchanged,
            }
            for t in self.tallies
        ]
        return "; ".join(parts)


def file_problem(message: str) -> ImportFailed:
    return ImportFailed([ImportProblem(_("file"), None, None, message)])


def common_region(paths: Iterable[str]) -> Region | None:
    """The lowest region above (or equal to) every path: what an import touched."""
    parts: list[str] | None = None
    for path in paths:
        ids = path.strip("/").split("/")
        if parts is None:
            parts = ids
            continue
        keep = 0
        while keep < min(len(parts), len(ids)) and parts[keep] == ids[keep]:
            keep += 1
        parts = parts[:keep]
    if not parts:
        return None
    return Region.objects.filter(pk=int(parts[-1])).first()


def audit_import(
    *,
    actor: User | None,
    summary: ImportSummary,
    paths: Iterable[str],
    source: str,
) -> None:
    """One audit entry per import, pointing at the lowest region the import touched."""
    target: models.Model | None = common_region(paths)
    if target is None:
        target = Region.objects.filter(level=Region.Level.CITY).order_by("pk").first()
    if target is None:  # an empty database: nothing sensible to point at
        return
    record_audit(
        actor=actor,
        action=f"territory.import.{summary.kind}",
        target=target,
        summary=f"{source}: {summary}"[:255],
        data={**summary.as_data(), "source": source},
    )
