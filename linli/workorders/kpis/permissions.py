"""Who may read which KPIs: leaders, dispatchers, grid leaders (the community office) and
administrators, for the regions where they hold the role and everything below; units and
people of those regions. Missing and forbidden give the same 404."""

from __future__ import annotations

from django.http import Http404

from linli.accounts.models import Organization, Role, RoleAssignment, User
from linli.territory.models import Region, subtree_q
from linli.territory.permissions import region_paths

KPI_ROLES = frozenset({Role.LEADER, Role.DISPATCHER, Role.GRID_LEADER, Role.ADMIN})


def kpi_paths(user: User) -> list[str]:
    return region_paths(user, KPI_ROLES)


def _inside(paths: list[str], path: str) -> bool:
    return any(path.startswith(p) for p in paths)


def can_read_kpis(user: User) -> bool:
    return bool(kpi_paths(user))


def top_kpi_regions(user: User) -> list[Region]:
    """Where the user's KPI pages start: the outermost regions they may read."""
    paths = kpi_paths(user)
    if paths == ["/"]:
        return list(Region.objects.filter(level=Region.Level.CITY).order_by("code"))
    return list(Region.objects.filter(path__in=paths).order_by("path"))


def get_kpi_region_for(user: User, code: str) -> Region:
    paths = kpi_paths(user)
    region = Region.objects.filter(code=code).first()
    if region is None or not _inside(paths, region.path):
        raise Http404("No such region")
    return region


def get_kpi_unit_for(user: User, pk: int) -> Organization:
    """A unit whose service area lies inside the user's regions."""
    unit = Organization.objects.select_related("service_area").filter(pk=pk).first()
    if unit is None or not _inside(kpi_paths(user), unit.service_area.path):
        raise Http404("No such unit")
    return unit


def get_kpi_person_for(user: User, pk: int) -> User:
    """A person who works in the user's regions: holds a role in one, or belongs to a unit
    serving one."""
    paths = kpi_paths(user)
    person = User.objects.filter(pk=pk).first()
    if person is None or not paths:
        raise Http404("No such person")
    roles = RoleAssignment.objects.active().filter(user=person).exclude(role=Role.RESIDENT)
    places = list(roles.values_list("region__path", flat=True))
    places += Organization.objects.filter(members=person).values_list(
        "service_area__path", flat=True
    )
    if not any(_inside(paths, place) for place in places):
        raise Http404("No such person")
    return person


def visible_units(user: User, region: Region) -> list[int]:
    """Ids of units serving inside `region` (the region's unit table)."""
    if not _inside(kpi_paths(user), region.path):
        return []
    return list(
        Organization.objects.filter(subtree_q([region.path], "service_area__path")).values_list(
            "pk", flat=True
        )
    )
