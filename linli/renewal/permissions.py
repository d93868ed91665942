"""Who may read and change renovation records. Role × region scoping comes from
linli.territory.permissions; this module says which roles count and applies it to each kind
of record. Missing and forbidden records both answer 404.

- Housing-bureau staff (programme staff) and admins edit inside their region.
- Community and street offices (dispatchers), leaders and programme staff read their region.
- Residents read only the public page of the estate they live in.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from linli.accounts.models import Role, User
from linli.renewal.models import (
    MergedCourtyard,
    RenovationProject,
    SmartFacility,
    StreetProject,
)
from linli.renewal.models.alleys import StreetProjectQuerySet
from linli.renewal.models.facilities import SmartFacilityQuerySet
from linli.renewal.models.merges import MergedCourtyardQuerySet
from linli.renewal.models.projects import RenovationProjectQuerySet
from linli.renewal.queries import Scope
from linli.territory.models import Estate, Region, RegionQuerySet, Resident, subtree_q
from linli.territory.permissions import region_paths

EDIT_ROLES = frozenset({Role.PROGRAMME_STAFF, Role.ADMIN})
READ_ROLES = frozenset({Role.PROGRAMME_STAFF, Role.DISPATCHER, Role.LEADER, Role.ADMIN})


def read_paths(user: User) -> list[str]:
    return region_paths(user, READ_ROLES)


def edit_paths(user: User) -> list[str]:
    return region_paths(user, EDIT_ROLES)


def _inside(path: str, paths: list[str]) -> bool:
    return any(path.startswith(p) for p in paths)


def can_read_renewal(user: User) -> bool:
    return bool(read_paths(user))


def can_edit_renewal(user: User) -> bool:
    return bool(edit_paths(user))


def can_read_region(user: User, region: Region) -> bool:
    return _inside(region.path, read_paths(user))


def can_edit_region(user: User, region: Region) -> bool:
    return _inside(region.path, edit_paths(user))


def editable_districts(user: User) -> RegionQuerySet:
    """Districts in which the user may create projects and alleys."""
    return Region.objects.filter(level=Region.Level.DISTRICT).within_any(edit_paths(user))


def readable_districts(user: User) -> RegionQuerySet:
    paths = read_paths(user)
    inside = Region.objects.filter(level=Region.Level.DISTRICT).within_any(paths)
    # Someone below district level reads the district their region lies in.
    above = Q(pk__in=[])
    for path in paths:
        above |= Q(level=Region.Level.DISTRICT, pk__in=[int(p) for p in path.strip("/").split("/")])
    return inside | Region.objects.filter(above)


# Projects


def visible_projects(user: User) -> RenovationProjectQuerySet:
    return RenovationProject.objects.within_paths(read_paths(user))


def get_project_for(user: User, code: str, *, write: bool = False) -> RenovationProject:
    paths = edit_paths(user) if write else read_paths(user)
    project = RenovationProject.objects.select_related("district").filter(code=code).first()
    if project is None:
        raise Http404("No such project")
    if write:
        allowed = _inside(project.district.path, paths)
    else:
        allowed = RenovationProject.objects.within_paths(paths).filter(pk=project.pk).exists()
    if not allowed:
        raise Http404("No such project")
    return project


def can_edit_project(user: User, project: RenovationProject) -> bool:
    return _inside(project.district.path, edit_paths(user))


# Estates


def visible_estates(user: User) -> QuerySet[Estate]:
    return Estate.objects.filter(subtree_q(read_paths(user), "grid__path"))


def editable_estates(user: User) -> QuerySet[Estate]:
    return Estate.objects.filter(subtree_q(edit_paths(user), "grid__path"))


def get_estate_for(user: User, code: str, *, write: bool = False) -> Estate:
    estate = Estate.objects.select_related("grid").filter(code=code).first()
    paths = edit_paths(user) if write else read_paths(user)
    if estate is None or not _inside(estate.grid.path, paths):
        raise Http404("No such estate")
    return estate


def lives_in(user: User, estate: Estate) -> bool:
    if not user.is_authenticated:
        return False
    return Resident.objects.filter(user=user, dwelling__building__estate=estate).exists()


def get_public_estate_for(user: User, code: str) -> Estate:
    """The estate's public renovation page: office readers of its region and its residents."""
    estate = Estate.objects.select_related("grid").filter(code=code).first()
    if estate is None:
        raise Http404("No such estate")
    if _inside(estate.grid.path, read_paths(user)) or lives_in(user, estate):
        return estate
    raise Http404("No such estate")


# Merges, facilities and alleys


def visible_merged_courtyards(user: User) -> MergedCourtyardQuerySet:
    return MergedCourtyard.objects.within_paths(read_paths(user))


def visible_facilities(user: User) -> SmartFacilityQuerySet:
    return SmartFacility.objects.within_paths(read_paths(user))


def get_facility_for(user: User, device_key: str, *, write: bool = False) -> SmartFacility:
    paths = edit_paths(user) if write else read_paths(user)
    facility = (
        SmartFacility.objects.within_paths(paths)
        .select_related("estate__grid")
        .filter(device_key=device_key)
        .first()
    )
    if facility is None:
        raise Http404("No such facility")
    return facility


def visible_alleys(user: User) -> StreetProjectQuerySet:
    return StreetProject.objects.within_paths(read_paths(user))


def get_alley_for(user: User, pk: int, *, write: bool = False) -> StreetProject:
    alley = StreetProject.objects.select_related("district", "subdistrict").filter(pk=pk).first()
    if alley is None:
        raise Http404("No such alley")
    region = alley.subdistrict or alley.district
    paths = edit_paths(user) if write else read_paths(user)
    if write:
        allowed = _inside(alley.district.path, paths) or _inside(region.path, paths)
    else:
        allowed = StreetProject.objects.within_paths(paths).filter(pk=pk).exists()
    if not allowed:
        raise Http404("No such alley")
    return alley


def scope_for(user: User, scope: Scope) -> Scope:
    """The figures a reader may see: a region inside their own (theirs by default)."""
    paths = read_paths(user)
    if not paths:
        raise Http404("No renovation figures for this user")
    if scope.region is None:
        if paths == ["/"]:
            return scope
        return Scope(Region.objects.get(path=paths[0]), scope.year)
    if not _inside(scope.region.path, paths):
        raise Http404("No such region")
    return scope
