"""Who works where in the demo city, read once for the work-order demo step: grids with
their staff and residents, and the people and units that may take each category there."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from linli.accounts.models import (
    DemoLogin,
    Organization,
    OrganizationMembership,
    ResponderKind,
    Role,
    RoleAssignment,
)
from linli.territory.models import Region, subtree_q
from linli.workorders.demo.life import Staff, Target
from linli.workorders.models import Category
from linli.workorders.permissions import UNIT_RESPONDER_KIND

INDIVIDUAL_KINDS = frozenset({ResponderKind.VOLUNTEER, ResponderKind.PARTY_MEMBER})
DEMO_WEIGHT = 6  # demo accounts appear this many times among the candidates they qualify for


@dataclass(frozen=True)
class Grid:
    pk: int
    code: str
    name: str
    path: str
    ids: tuple[int, ...]  # city, district, subdistrict, community, grid
    lng: float
    lat: float


@dataclass
class Cast:
    grids: list[Grid]
    grid_workers: dict[int, int]
    grid_leaders: dict[int, int]  # community id → user
    dispatchers: dict[int, int]  # region id (city, subdistrict) → user
    residents: dict[int, list[int]]  # grid id → resident users
    responders: list[tuple[int, str, str]]  # (user, kind, region path)
    units: list[tuple[int, str, str, list[int]]]  # (org, responder kind, area path, members)
    demo_users: frozenset[int] = frozenset()
    _targets: dict[tuple[str, tuple[str, ...]], list[Target]] = field(default_factory=dict)
    _claimants: dict[tuple[str, tuple[str, ...]], list[int]] = field(default_factory=dict)
    _by_path: dict[str, tuple[list[Any], list[Any]]] = field(default_factory=dict)

    @classmethod
    def load(cls, city: Region) -> Cast:
        grids = []
        for r in (
            Region.objects.filter(subtree_q([city.path], "path"), level=Region.Level.GRID)
            .order_by("code")
            .values("pk", "code", "name", "path", "centroid_lng", "centroid_lat")
        ):
            ids = tuple(int(p) for p in r["path"].strip("/").split("/"))
            if len(ids) == 5 and r["centroid_lng"] is not None and r["centroid_lat"] is not None:
                grids.append(
                    Grid(r["pk"], r["code"], r["name"], r["path"], ids, r["centroid_lng"], r["centroid_lat"])
                )  # fmt: skip
        cast = cls(grids, {}, {}, {}, defaultdict(list), [], [])
        roles = (
            RoleAssignment.objects.active()
            .filter(subtree_q([city.path], "region__path"))
            .order_by("pk")
            .values_list(
                "user_id", "role", "responder_kind", "region_id", "region__path", "region__level"
            )
        )
        for user, role, kind, region, path, level in roles:
            if role == Role.GRID_WORKER:
                cast.grid_workers.setdefault(region, user)
            elif role == Role.GRID_LEADER:
                cast.grid_leaders.setdefault(region, user)
            elif role == Role.DISPATCHER and level in (Region.Level.CITY, Region.Level.SUBDISTRICT):
                cast.dispatchers.setdefault(region, user)
            elif role == Role.RESIDENT and level == Region.Level.GRID:
                cast.residents[region].append(user)
            elif role == Role.RESPONDER and kind:
                cast.responders.append((user, kind, path))
        responder_kind = {user: kind for user, kind, _ in cast.responders}
        members: dict[int, list[int]] = defaultdict(list)
        for org, user in OrganizationMembership.objects.order_by("pk").values_list(
            "organization_id", "user_id"
        ):
            if user in responder_kind:
                members[org].append(user)
        for org, kind, path in Organization.objects.order_by("pk").values_list(
            "pk", "kind", "service_area__path"
        ):
            unit_kind = UNIT_RESPONDER_KIND.get(Organization.Kind(kind))
            staff = [u for u in members.get(org, []) if responder_kind[u] == unit_kind]
            if unit_kind is not None and staff and path.startswith(city.path):
                cast.units.append((org, unit_kind, path, staff))
        cast.demo_users = frozenset(DemoLogin.objects.values_list("user_id", flat=True))
        return cast

    def _weight(self, user: int) -> int:
        return DEMO_WEIGHT if user in self.demo_users else 1

    def _around(
        self, grid: Grid
    ) -> tuple[list[tuple[int, str, str, list[int]]], list[tuple[int, str, str]]]:
        """Units and responders whose region holds the grid (the grid's ancestors' paths)."""
        if not self._by_path:
            for unit in self.units:
                self._by_path.setdefault(unit[2], ([], []))[0].append(unit)
            for responder in self.responders:
                self._by_path.setdefault(responder[2], ([], []))[1].append(responder)
        units: list[tuple[int, str, str, list[int]]] = []
        people: list[tuple[int, str, str]] = []
        for depth in range(1, len(grid.ids) + 1):
            path = "/" + "/".join(str(i) for i in grid.ids[:depth]) + "/"
            found = self._by_path.get(path)
            if found:
                units += found[0]
                people += found[1]
        return units, people

    def targets(self, grid: Grid, category: Category) -> list[Target]:
        kinds = tuple(category.responder_kinds or ResponderKind.values)
        key = (grid.path, kinds)
        if key not in self._targets:
            found: list[Target] = []
            units, people = self._around(grid)
            for org, kind, _path, staff in units:
                if kind in kinds:
                    for member in staff:
                        w = self._weight(member)
                        found += [Target(org, None, member)] * w + [Target(org, member, member)] * w
            for user, kind, _path in people:
                if kind in kinds and kind in INDIVIDUAL_KINDS:
                    found += [Target(None, user, user)] * self._weight(user)
            self._targets[key] = found
        return self._targets[key]

    def claimants(self, grid: Grid, category: Category) -> list[int]:
        kinds = tuple(category.responder_kinds or ResponderKind.values)
        key = (grid.path, kinds)
        if key not in self._claimants:
            _, people = self._around(grid)
            self._claimants[key] = [
                user
                for user, kind, _path in people
                if kind in kinds
                for _ in range(self._weight(user))
            ]
        return self._claimants[key]

    def staff(self, grid: Grid, rng: random.Random) -> Staff:
        _, _, subdistrict, community, pk = grid.ids
        city = grid.ids[0]
        dispatcher = self.dispatchers.get(subdistrict) or self.dispatchers[city]
        residents = self.residents.get(pk, [])
        demo = [r for r in residents if r in self.demo_users]
        requester = None
        if residents:
            requester = demo[0] if demo and rng.random() < 0.5 else rng.choice(residents)
        return Staff(
            grid_worker=self.grid_workers[pk],
            supervisor=self.grid_leaders.get(community, dispatcher),
            dispatcher=dispatcher,
            requester=requester,
            targets=partial(self.targets, grid),
            claimants=partial(self.claimants, grid),
        )
