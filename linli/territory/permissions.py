"""Role × region: what each person may see and do in the territory. The one place where
scoping is decided; every view, export and API call goes through these functions.

A role held in a region reaches that region and everything below it. A resident sees
only their own record; superusers act as admins of the whole city.
"""

from __future__ import annotations

from django.http import Http404

from linli.accounts.models import Role, RoleAssignment, User
from linli.territory.models import Region, RegionQuerySet, Resident, ResidentQuerySet

# Roles that may look at the territory (regions, grids, estates) of their region.
TERRITORY_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.DISPATCHER,
        Role.PROGRAMME_STAFF,
        Role.LEADER,
        Role.ADMIN,
    }
)
# Roles that may list the people of their region (always masked at first).
PEOPLE_ROLES = frozenset(
    {Role.GRID_WORKER, Role.GRID_LEADER, Role.DISPATCHER, Role.LEADER, Role.ADMIN}
)
# Roles whose work needs a person's phone or ID number; each unmasked view is logged.
REVEAL_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER, Role.DISPATCHER, Role.ADMIN})
# Roles that may import and edit the territory.
EDIT_ROLES = frozenset({Role.ADMIN})


def role_assignments(user: User) -> list[RoleAssignment]:
    """The user's active roles, cached on the user object for the request."""
    cached: list[RoleAssignment] | None = getattr(user, "_linli_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.active().filter(user=user).select_related("region"))
        user._linli_roles = cached  # type: ignore[attr-defined]
    return cached


def region_paths(user: User, roles: frozenset[str]) -> list[str]:
    """Paths of the regions in which the user holds any of `roles` (outermost only)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser and Role.ADMIN in roles:
        return ["/"]
    paths = sorted({a.region.path for a in role_assignments(user) if a.role in roles})
    outermost: list[str] = []
    for path in paths:
        if not any(path.startswith(p) for p in outermost):
            outermost.append(path)
    return outermost


def has_role(user: User, roles: frozenset[str]) -> bool:
    return bool(region_paths(user, roles))


def visible_regions(user: User) -> RegionQuerySet:
    return Region.objects.within_any(region_paths(user, TERRITORY_ROLES))


def top_regions(user: User) -> RegionQuerySet:
    """The outermost regions a user may browse: where their territory tree starts."""
    paths = region_paths(user, TERRITORY_ROLES)
    if paths == ["/"]:
        return Region.objects.filter(level=Region.Level.CITY)
    return Region.objects.filter(path__in=paths)


def get_region_for(user: User, code: str) -> Region:
    """The region with `code` if the user may see it; 404 for missing and forbidden alike."""
    region = visible_regions(user).filter(code=code).first()
    if region is None:
        raise Http404("No such region")
    return region


def can_edit_territory(user: User) -> bool:
    return has_role(user, EDIT_ROLES)


def visible_residents(user: User) -> ResidentQuerySet:
    paths = region_paths(user, PEOPLE_ROLES)
    scoped = Resident.objects.in_region_paths(paths)
    if user.is_authenticated:
        scoped = scoped | Resident.objects.filter(user=user)
    return scoped


def get_resident_for(user: User, pk: int) -> Resident:
    resident = visible_residents(user).select_related("grid").filter(pk=pk).first()
    if resident is None:
        raise Http404("No such resident")
    return resident


def can_reveal(user: User, resident: Resident) -> bool:
    """Whether the user may see the resident's phone and ID number unmasked."""
    if resident.user_id is not None and resident.user_id == user.pk:
        return True
    return any(resident.grid.path.startswith(p) for p in region_paths(user, REVEAL_ROLES))


def can_list_people(user: User, region: Region) -> bool:
    """Whether the user may list the people living in `region` (always masked at first)."""
    return any(region.path.startswith(p) for p in region_paths(user, PEOPLE_ROLES))


# Grid staff whose work phone offices and the residents of their grid may look up.
GRID_STAFF_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})


def can_reveal_staff_phone(user: User, assignment: RoleAssignment) -> bool:
    """A grid worker's or grid leader's phone: for anyone who may browse that region, and
    for the residents living in it (their own record or resident role lies inside it)."""
    if assignment.role not in GRID_STAFF_ROLES or not user.is_authenticated:
        return False
    region = assignment.region
    if any(region.path.startswith(p) for p in region_paths(user, TERRITORY_ROLES)):
        return True
    homes = [*region_paths(user, frozenset({Role.RESIDENT}))]
    homes += Resident.objects.filter(user=user).values_list("grid__path", flat=True)
    return any(home.startswith(region.path) for home in homes)
