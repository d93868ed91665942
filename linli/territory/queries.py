"""Reads across the territory models for the browsing pages: the region tree with its
totals, a grid's staff and estates, estates and residents of a region, a resident's home.

Callers pass in regions and querysets already scoped by `permissions`; nothing here
decides who may see what.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from linli.accounts.models import Role, RoleAssignment, User
from linli.territory.models import (
    Building,
    Courtyard,
    Estate,
    Region,
    Resident,
    ResidentQuerySet,
    subtree_q,
)

GRID_STAFF = (Role.GRID_LEADER, Role.GRID_WORKER)
# Regions on the overview page: the user's top regions and this many levels below them;
# deeper levels open on demand.
OVERVIEW_DEPTH = 2


@dataclass
class RegionCounts:
    grids: int = 0
    households: int = 0
    population: int = 0
    estates: int = 0


@dataclass
class TreeNode:
    region: Region
    counts: RegionCounts
    children: list[TreeNode] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        """Whether there are levels below this node that were not loaded."""
        return not self.children and self.region.level < Region.Level.GRID


def subtree_counts(paths: Sequence[str]) -> dict[int, RegionCounts]:
    """Totals of the grids below each region inside `paths`, keyed by region id.

    One query reads every grid's figures; each grid adds to every region on its path,
    so any node of the tree can be looked up without another query."""
    totals: dict[int, RegionCounts] = defaultdict(RegionCounts)
    if not paths:
        return totals
    rows = (
        Region.objects.grids()
        .within_any(list(paths))
        .order_by()
        .values("path", "households", "population")
        .annotate(estate_count=Count("estates"))
    )
    for row in rows:
        for region_id in row["path"].strip("/").split("/"):
            counts = totals[int(region_id)]
            counts.grids += 1
            counts.households += row["households"]
            counts.population += row["population"]
            counts.estates += row["estate_count"]
    return totals


def region_tree(roots: Iterable[Region], depth: int) -> list[TreeNode]:
    """The regions below each root down to `depth` levels, with totals (two queries)."""
    roots = list(roots)
    if not roots:
        return []
    paths = [r.path for r in roots]
    deepest = max(r.level for r in roots) + depth
    regions = (
        Region.objects.within_any(paths)
        .filter(level__lte=deepest)
        .defer("geometry")
        .order_by("level", "code")
    )
    totals = subtree_counts(paths)
    nodes: dict[int, TreeNode] = {}
    for region in regions:
        nodes[region.pk] = TreeNode(region, totals.get(region.pk, RegionCounts()))
        parent = nodes.get(region.parent_id) if region.parent_id else None
        if parent is not None:
            parent.children.append(nodes[region.pk])
    return [nodes[r.pk] for r in sorted(roots, key=lambda r: r.code) if r.pk in nodes]


def ancestors(region: Region) -> list[Region]:
    """The regions above `region`, outermost first."""
    ids = region.ancestor_ids()[:-1]
    return list(Region.objects.filter(pk__in=ids).defer("geometry").order_by("level"))


def grid_staff(grids: Sequence[Region]) -> dict[int, list[RoleAssignment]]:
    """Grid leaders and grid workers of each grid, keyed by grid id: those assigned to the
    grid itself and grid leaders assigned to the community above it."""
    ids = {g.pk for g in grids} | {g.parent_id for g in grids if g.parent_id}
    assignments = (
        RoleAssignment.objects.active()
        .filter(region_id__in=ids, role__in=GRID_STAFF)
        .select_related("user")
        .order_by("role", "user__name")
    )
    by_region: dict[int, list[RoleAssignment]] = defaultdict(list)
    for a in assignments:
        by_region[a.region_id].append(a)
    staff: dict[int, list[RoleAssignment]] = {}
    for grid in grids:
        own = by_region.get(grid.pk, [])
        above = [a for a in by_region.get(grid.parent_id or 0, []) if a.role == Role.GRID_LEADER]
        staff[grid.pk] = sorted(
            own + above, key=lambda a: (a.role != Role.GRID_LEADER, a.user.name)
        )
    return staff


def _count_of(model: type[Estate] | type[Resident]) -> Coalesce:
    counted = (
        model.objects.filter(grid=OuterRef("pk"))
        .order_by()
        .values("grid")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def grids_with_counts(grids: Iterable[Region] | Sequence[str]) -> list[Region]:
    """Grids (given, or all grids inside the given paths) annotated with `estate_count`
    and `resident_count`, in code order."""
    items = list(grids)
    qs = Region.objects.grids().select_related("parent")
    if items and isinstance(items[0], str):
        qs = qs.within_any([str(p) for p in items])
    else:
        qs = qs.filter(pk__in=[r.pk for r in items if isinstance(r, Region)])
    return list(
        qs.defer("geometry")
        .annotate(estate_count=_count_of(Estate), resident_count=_count_of(Resident))
        .order_by("code")
    )


def estates_within(
    region: Region, *, search: str = "", property_mode: str = ""
) -> QuerySet[Estate]:
    """Estates in the grids below `region`, optionally by name and property mode."""
    qs = Estate.objects.filter(subtree_q([region.path], "grid__path")).select_related(
        "grid", "property_company"
    )
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(address__contains=search))
    if property_mode:
        qs = qs.filter(property_mode=property_mode)
    return qs.order_by("code")


@dataclass
class EstateDetail:
    estate: Estate
    courtyards: Sequence[Courtyard]
    buildings: Sequence[Building]


def estate_detail(estate: Estate) -> EstateDetail:
    courtyards = list(
        estate.courtyards.annotate(building_count=Count("buildings")).order_by("name")
    )
    buildings = list(
        estate.buildings.select_related("courtyard")
        .annotate(dwelling_count=Count("dwellings"))
        .order_by("number")
    )
    # Natural order: 2号楼 before 10号楼.
    buildings.sort(key=lambda b: (len(b.number), b.number))
    return EstateDetail(estate, courtyards, buildings)


def residents_within(
    residents: ResidentQuerySet, region: Region, *, search: str = ""
) -> ResidentQuerySet:
    """Residents (already scoped to the viewer) living below `region`, by name."""
    qs = residents.filter(subtree_q([region.path], "grid__path"))
    if search:
        qs = qs.filter(name__contains=search)
    return qs.select_related("grid", "dwelling__building__estate").order_by(
        "grid__code", "name", "pk"
    )


@dataclass
class ResidentHome:
    """What a resident sees of their place: their record, grid, its staff and estate."""

    record: Resident | None
    grid: Region | None
    staff: list[RoleAssignment]
    estate: Estate | None


def resident_home(user: User) -> ResidentHome:
    record = (
        Resident.objects.filter(user=user)
        .select_related("grid__parent", "dwelling__building__estate")
        .first()
    )
    grid: Region | None = record.grid if record else None
    if grid is None:
        assignment = (
            RoleAssignment.objects.active()
            .filter(user=user, role=Role.RESIDENT, region__level=Region.Level.GRID)
            .select_related("region__parent")
            .first()
        )
        grid = assignment.region if assignment else None
    estate = None
    if record is not None and record.dwelling is not None:
        estate = record.dwelling.building.estate
    staff = grid_staff([grid])[grid.pk] if grid is not None else []
    return ResidentHome(record, grid, staff, estate)
