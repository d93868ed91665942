"""Dispatch recommendations: who should take an order, best first, each with the reasons
for its rank in words ("擅长该类问题 · 距离 350 米 · 在办 2 单 · 满意率 96%").

A person's score adds four parts (100 at most):
- skill (40): one of their skills is the order's category or a class above it;
- distance (25): from their service point to the order, falling to nothing at 8 km
  (5 less when the order lies beyond the radius they serve);
- load (20): halves with every LOAD_HALF open orders they hold;
- rating (15): their satisfaction rate (满意 + 基本满意 of their rated orders), pulled towards
  PRIOR_RATE while they have few ratings, so one lucky rating does not top the list.

Made for a megacity's 100,000 responders: a spatial prefilter on 1/100-degree cells of the
service points (a covering expression index, `ResponderProfile.Meta.indexes`) finds those
within 500 m, 1, 3 or 8 km — the smallest circle holding MIN_POOL of them; load and ratings
are precomputed (`DispatchStats`); and who may be dispatched to is read with their names,
figures and skills in one query (`permissions.dispatchable_users`). In a city centre that is
two queries; a sparse suburb fetches up to three circles; too few anywhere adds those with
no service point. Units (departments, property companies …) are ranked by whether the
category names their kind, how closely their service area fits the order, load and rating
(`recommend_units`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, Func, IntegerField, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.models import Organization, ResponderKind, Role, RoleAssignment, User
from linli.territory.models import Region
from linli.workorders.classes import classes_of
from linli.workorders.models import Category, ResponderProfile, WorkOrder
from linli.workorders.models.responders import CELLS_PER_DEGREE
from linli.workorders.permissions import (
    UNIT_RESPONDER_KIND,
    dispatchable_units,
    dispatchable_users,
)

SKILL_POINTS = 40.0
DISTANCE_POINTS = 25.0
LOAD_POINTS = 20.0
RATING_POINTS = 15.0
BEYOND_RADIUS_PENALTY = 5.0
# Search within the first radius; widen to the next while fewer than MIN_POOL (or `limit`)
# responders are found. In a city centre 500 m holds hundreds; in the suburbs it widens.
SEARCH_RADII_M = (500, 1000, 3000, 8000)
MIN_POOL = 40
LOAD_HALF = 3
PRIOR_RATE, PRIOR_WEIGHT = 0.8, 3
# Units ranked at most.
MAX_CANDIDATES = 3000
# Units: how closely a service area fits, by its level (a grid's unit fits best).
UNIT_FIT: dict[int, float] = {
    Region.Level.GRID: 1.0,
    Region.Level.COMMUNITY: 1.0,
    Region.Level.SUBDISTRICT: 0.75,
    Region.Level.DISTRICT: 0.5,
    Region.Level.CITY: 0.25,
}
_M_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Recommendation:
    """One responder (a person, or a unit with is_unit) and why it ranks where it does."""

    responder_id: int
    name: str
    kind: str  # a ResponderKind value (what a unit counts as, for units)
    score: float
    reasons: tuple[str, ...]
    is_unit: bool = False
    distance_m: float | None = None
    open_orders: int = 0
    satisfaction_rate: float | None = None
    skilled: bool = False

    @property
    def reason_text(self) -> str:
        return " · ".join(self.reasons)

    @property
    def kind_label(self) -> str:
        return str(ResponderKind(self.kind).label)


def _load_points(open_orders: int) -> float:
    return LOAD_POINTS * LOAD_HALF / (LOAD_HALF + open_orders)


def _rating_points(rated: int, satisfied: int) -> float:
    return RATING_POINTS * (satisfied + PRIOR_RATE * PRIOR_WEIGHT) / (rated + PRIOR_WEIGHT)


def _distance_text(metres: float) -> str:
    if metres < 1000:
        return _("%(metres)d m away") % {"metres": round(metres, -1)}
    return _("%(km).1f km away") % {"km": metres / 1000}


def _common_reasons(open_orders: int, rated: int, satisfied: int) -> list[str]:
    reasons = [
        _("Open orders: %(count)d") % {"count": open_orders} if open_orders else _("No open orders")
    ]
    if rated:
        reasons.append(_("%(rate)d%% satisfied") % {"rate": round(100 * satisfied / rated)})
    else:
        reasons.append(_("No ratings yet"))
    return reasons


def _cell_of(value: float) -> int:
    """The cell a coordinate falls in, as the database computes the index expression:
    SQLite's cast truncates, PostgreSQL's rounds to the nearest."""
    scaled = value * CELLS_PER_DEGREE
    return round(scaled) if connection.vendor == "postgresql" else math.trunc(scaled)


def _cells(lng: float, lat: float, radius_m: float) -> tuple[list[int], tuple[int, int]]:
    """Latitude cells (listed) and the longitude cell range covering a circle."""
    dlat = radius_m / _M_PER_DEGREE
    dlng = radius_m / (_M_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    lat_cells = list(range(_cell_of(lat - dlat), _cell_of(lat + dlat) + 1))
    return lat_cells, (_cell_of(lng - dlng), _cell_of(lng + dlng))


@dataclass
class _Candidate:
    profile_id: int
    user_id: int
    kind: str
    lng: float | None
    lat: float | None
    radius_m: int
    distance_m: float | None = None
    name: str = ""
    open_orders: int | None = None
    rated: int | None = None
    satisfied: int | None = None


# Read from the profile alone (the cell index, then the table row): no joins per candidate.
_FIELDS = ("pk", "user_id", "kind", "lng", "lat", "service_radius_m")
# Read for those who may be dispatched to, through their role row.
_PERSON_FIELDS = (
    "user__name",
    "user__dispatch_stats__open_orders",
    "user__dispatch_stats__rated_orders",
    "user__dispatch_stats__satisfied_orders",
)


def _profiles(order: WorkOrder) -> QuerySet[ResponderProfile]:
    found = ResponderProfile.objects.filter(is_active=True)
    if kinds := order.category.responder_kinds:
        found = found.filter(kind__in=kinds)
    return found


class _Cell(Func):
    """`service_cell` with the multiplier written into the SQL: the index holds the literal,
    and a bound parameter in its place would not match it (the database would scan)."""

    template = f"CAST((%(expressions)s * {CELLS_PER_DEGREE}) AS integer)"
    output_field = IntegerField()


def distance_m(lng0: float, lat0: float, lng: float, lat: float) -> float:
    """Metres from (lng0, lat0) to a nearby point: equirectangular, within 0.01 % of the
    great-circle distance at these ranges and several times cheaper over thousands."""
    dx = (lng - lng0) * _M_PER_DEGREE * math.cos(math.radians(lat0))
    return math.hypot(dx, (lat - lat0) * _M_PER_DEGREE)


def _placed(order: WorkOrder, radius_m: float) -> list[_Candidate]:
    """Responders of an allowed kind taking orders, with a service point within `radius_m`."""
    lat_cells, lng_range = _cells(order.lng, order.lat, radius_m)
    rows = (
        _profiles(order)
        .alias(lat_cell=_Cell("lat"), lng_cell=_Cell("lng"))
        .filter(lat_cell__in=lat_cells, lng_cell__range=lng_range)
        .values_list(*_FIELDS)
    )
    near = []
    for pk, user_id, kind, lng, lat, radius in rows:
        metres = distance_m(order.lng, order.lat, lng, lat)
        if metres <= radius_m:
            near.append(_Candidate(pk, user_id, kind, lng, lat, radius, metres))
    return near


def _nearby(order: WorkOrder, pool: int) -> list[_Candidate]:
    """Responders within the smallest of SEARCH_RADII_M that holds `pool` of them (all within
    the largest when none does). Fetching a wider circle and keeping its inner part gives the
    same answer as fetching the inner circle: the first fetch (1 km) serves 500 m too."""
    fetched_radius, found = SEARCH_RADII_M[1], _placed(order, SEARCH_RADII_M[1])
    while True:
        for radius in SEARCH_RADII_M:
            if radius > fetched_radius:
                break
            inner = [c for c in found if (c.distance_m or 0.0) <= radius]
            if len(inner) >= pool:
                return inner
        if fetched_radius == SEARCH_RADII_M[-1]:
            return found
        fetched_radius = next(r for r in SEARCH_RADII_M if r > fetched_radius)
        found = _placed(order, fetched_radius)


def _unplaced(order: WorkOrder) -> list[_Candidate]:
    """Responders with no service point on file who serve the order's area (a department's
    staff for the whole district, say, or someone with no profile yet): offered after those
    nearby when too few are near. A profile marked not taking orders keeps them out."""
    chain = [int(pk) for pk in order.region_path.strip("/").split("/")]
    roles = RoleAssignment.objects.active().filter(role=Role.RESPONDER, region_id__in=chain)
    if kinds := order.category.responder_kinds:
        roles = roles.filter(responder_kind__in=kinds)
    roles = roles.exclude(user__responder_profile__is_active=False).exclude(
        user__responder_profile__lat__isnull=False
    )
    found: dict[int, _Candidate] = {}
    for user_id, kind, profile_id, radius in roles.values_list(
        "user_id",
        "responder_kind",
        "user__responder_profile",
        "user__responder_profile__service_radius_m",
    )[:MAX_CANDIDATES]:
        found.setdefault(
            user_id, _Candidate(profile_id or 0, user_id, kind, None, None, radius or 0)
        )
    return list(found.values())


def _skill_match(category: Category) -> Q:
    """Skills (rows of the profile–category table) in the category or a class above it.
    The classes come from the process's category map: no join up the tree per candidate."""
    return Q(category_id__in=sorted({category.pk, *classes_of(category.pk)}))


def _skilled(order: WorkOrder, profile_ids: list[int]) -> set[int]:
    """Profiles with a skill in the order's category or a class above it."""
    skills = ResponderProfile.skills.through.objects.filter(
        _skill_match(order.category), responderprofile_id__in=profile_ids
    )
    return set(skills.values_list("responderprofile_id", flat=True))


def _has_skill(order: WorkOrder) -> Exists:
    """Whether the user of a role row has such a skill (read with who may be dispatched to,
    so a ranking needs no query of its own for skills)."""
    through = ResponderProfile.skills.through
    return Exists(
        through.objects.filter(
            _skill_match(order.category), responderprofile__user_id=OuterRef("user_id")
        )
    )


def recommend_responders(
    order: WorkOrder, *, limit: int = 10, by: User | None = None
) -> list[Recommendation]:
    """The best `limit` persons to dispatch `order` to, best first. With `by`, anyone `by`
    may dispatch to; otherwise those serving the order's area. Two to five queries."""
    found = _nearby(order, max(limit, MIN_POOL))
    if len(found) < limit:
        found += _unplaced(order)
    if not found:
        return []
    allowed = dispatchable_users(
        by=by,
        order=order,
        user_ids=[c.user_id for c in found],
        fields=_PERSON_FIELDS,
        annotations={"skilled": _has_skill(order)},
    )
    found = [c for c in found if c.user_id in allowed]
    skilled = set()
    for c in found:
        c.name, c.open_orders, c.rated, c.satisfied, has_skill = allowed[c.user_id]  # type: ignore[assignment]
        if has_skill:
            skilled.add(c.user_id)
    scored = [(_score(c, c.user_id in skilled), c) for c in found]
    scored.sort(key=lambda p: (-p[0], p[1].distance_m is None, p[1].distance_m, p[1].user_id))
    # Reasons (translated strings) only for those shown.
    return [_recommend(c, c.user_id in skilled, score) for score, c in scored[:limit]]


def _score(candidate: _Candidate, skilled: bool) -> float:
    score = _load_points(candidate.open_orders or 0)
    score += _rating_points(candidate.rated or 0, candidate.satisfied or 0)
    if skilled:
        score += SKILL_POINTS
    if (distance := candidate.distance_m) is not None:
        score += DISTANCE_POINTS * max(0.0, 1 - distance / SEARCH_RADII_M[-1])
        if distance > candidate.radius_m:
            score -= BEYOND_RADIUS_PENALTY
    return round(score, 1)


def _recommend(candidate: _Candidate, skilled: bool, score: float) -> Recommendation:
    open_orders = candidate.open_orders or 0
    rated, satisfied = candidate.rated or 0, candidate.satisfied or 0
    reasons = [_("Skilled in this category")] if skilled else []
    distance = candidate.distance_m
    if distance is None:
        reasons.append(_("No service point on file"))
    else:
        reasons.append(_distance_text(distance))
        if distance > candidate.radius_m:
            reasons.append(_("Beyond the radius they serve"))
    return Recommendation(
        responder_id=candidate.user_id,
        name=candidate.name,
        kind=candidate.kind,
        score=score,
        reasons=(*reasons, *_common_reasons(open_orders, rated, satisfied)),
        distance_m=None if distance is None else round(distance),
        open_orders=open_orders,
        satisfaction_rate=satisfied / rated if rated else None,
        skilled=skilled,
    )


_UNIT_FIELDS = (
    "pk",
    "name",
    "kind",
    "service_area__name",
    "service_area__level",
    "service_area__path",
    "dispatch_stats__open_orders",
    "dispatch_stats__rated_orders",
    "dispatch_stats__satisfied_orders",
)


@dataclass
class _UnitCandidate:
    pk: int
    name: str
    kind: str
    area: str
    area_level: int
    area_path: str
    open_orders: int | None
    rated: int | None
    satisfied: int | None


def recommend_units(
    order: WorkOrder, *, limit: int = 5, by: User | None = None
) -> list[Recommendation]:
    """The best `limit` units for `order`, best first: those serving its area (and, with
    `by`, any unit in `by`'s regions), of a kind the category allows. One query."""
    rows = dispatchable_units(by=by, order=order).order_by().values_list(*_UNIT_FIELDS)
    named = set(order.category.responder_kinds)
    ranked = [_rank_unit(order, _UnitCandidate(*row), named) for row in rows[:MAX_CANDIDATES]]
    ranked.sort(key=lambda r: (-r.score, r.name, r.responder_id))
    return ranked[:limit]


def _rank_unit(order: WorkOrder, unit: _UnitCandidate, named: set[str]) -> Recommendation:
    kind = UNIT_RESPONDER_KIND[Organization.Kind(unit.kind)]
    open_orders = unit.open_orders or 0
    rated, satisfied = unit.rated or 0, unit.satisfied or 0
    fit = UNIT_FIT.get(unit.area_level, 0.25) if order.region_path.startswith(unit.area_path) else 0
    score = DISTANCE_POINTS * fit + _load_points(open_orders) + _rating_points(rated, satisfied)
    reasons = []
    if kind in named:
        score += SKILL_POINTS
        reasons.append(_("Handles this category"))
    reasons.append(_("Serves %(area)s") % {"area": unit.area})
    return Recommendation(
        responder_id=unit.pk,
        name=unit.name,
        kind=str(kind),
        score=round(score, 1),
        reasons=(*reasons, *_common_reasons(open_orders, rated, satisfied)),
        is_unit=True,
        open_orders=open_orders,
        satisfaction_rate=satisfied / rated if rated else None,
        skilled=kind in named,
    )
