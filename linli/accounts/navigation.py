"""Role-aware navigation. Apps register their menu items and role home pages from their
AppConfig.ready(), so this module never imports an app above it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from linli.accounts.models import Role, RoleAssignment, User

# Which home page wins when a person holds several roles.
ROLE_PRIORITY = [
    Role.ADMIN,
    Role.LEADER,
    Role.DISPATCHER,
    Role.PROGRAMME_STAFF,
    Role.GRID_LEADER,
    Role.GRID_WORKER,
    Role.RESPONDER,
    Role.RESIDENT,
]


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    order: int = 100


_items: list[NavItem] = []
_homes: dict[str, str] = {}


def register_nav_item(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def register_role_home(role: str, url_name: str) -> None:
    _homes[role] = url_name


def user_roles(user: User) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached: set[str] | None = getattr(user, "_linli_role_names", None)
    if cached is None:
        cached = set(
            RoleAssignment.objects.active().filter(user=user).values_list("role", flat=True)
        )
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._linli_role_names = cached  # type: ignore[attr-defined]
    return cached


def navigation_for(user: User) -> list[dict[str, str]]:
    roles = user_roles(user)
    items = []
    for item in _items:
        if roles & item.roles:
            try:
                items.append({"label": str(item.label), "url": reverse(item.url_name)})
            except NoReverseMatch:
                continue
    return items


def home_url_for(user: User) -> str:
    roles = user_roles(user)
    for role in ROLE_PRIORITY:
        if role in roles and role in _homes:
            return reverse(_homes[role])
    return reverse("accounts:me")
