"""The KPI definitions, in code: how an order's events make its facts, which counters an
order contributes, and how the rates, averages and score follow from summed counters.

Pure functions, no database: the incremental hook, the rebuild and the tests all use
these. docs/kpis.md states every formula in words.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from linli.workorders.models import OPEN_STATES, Action, OrderState, Satisfaction
from linli.workorders.models.kpis import COUNTER_FIELDS

S = OrderState
HANDLED_STATES = frozenset({S.HANDLED, S.CLOSED, S.RATED})
CLOSED_STATES = frozenset({S.CLOSED, S.RATED})
# Filed orders that are not due for closing: parked (挂账, as 金华 leaves 缓办 out) or cancelled.
NOT_DUE_STATES = frozenset({S.PARKED, S.CANCELLED})
SATISFIED = frozenset({Satisfaction.SATISFIED, Satisfaction.FAIRLY})
# Actions that start the handling clock; their events carry the deadline they set.
CLOCK_ACTIONS = frozenset({Action.DISPATCH, Action.CLAIM, Action.RESUME})
# The first of these after the first dispatch is the response (签收 or 退单).
REACTIONS = frozenset({Action.ACCEPT, Action.CLAIM, Action.RETURN})
STATE_COUNTERS = {s.value: f"state_{s.value}" for s in OrderState}
INDEX = {name: i for i, name in enumerate(COUNTER_FIELDS)}
WIDTH = len(COUNTER_FIELDS)

Vector = tuple[int, ...]
ZERO: Vector = (0,) * WIDTH


class Flag(enum.IntFlag):
    FILED = 1
    DISPATCHED = 2  # dispatched or claimed at least once
    ON_SPOT = 4
    REACTED = 8  # the first dispatch has had its response
    RESPONDED = 16  # ... within KPI_RESPONSE_HOURS
    ON_TIME = 32  # the last handling was at or before the deadline then in force
    REWORKED = 64
    EXTENDED = 128
    RETURNED = 256
    ESCALATED = 512
    REOPENED = 1024
    OVERDUE = 2048


NO_FLAGS = Flag(0)


@dataclass
class Facts:
    """What the KPIs know of one order after some of its events."""

    created_at: datetime
    state: str = ""
    flags: Flag = NO_FLAGS
    first_dispatch_at: datetime | None = None
    first_accept_at: datetime | None = None
    deadline_at: datetime | None = None
    handled_at: datetime | None = None
    closed_at: datetime | None = None
    rating: str = ""
    rated_resolved: bool | None = None
    unit_id: int | None = None
    person_id: int | None = None

    def has(self, flag: Flag) -> bool:
        return bool(self.flags & flag)


@dataclass(frozen=True)
class Step:
    """The parts of an event the KPIs read."""

    action: str
    to_state: str
    at: datetime
    actor_id: int | None
    data: Mapping[str, Any]


def response_limit() -> timedelta:
    return timedelta(hours=settings.KPI_RESPONSE_HOURS)


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) and value else None


def advance(facts: Facts, step: Step) -> Facts:
    """The facts after one more event (in place; returns `facts`)."""
    action, at, f = step.action, step.at, facts
    if action == Action.FILE:
        f.flags |= Flag.FILED
    elif action == Action.RESOLVE_ON_SPOT:
        f.flags |= Flag.FILED | Flag.ON_SPOT | Flag.ON_TIME
        f.unit_id, f.person_id = None, step.actor_id
        f.handled_at = f.closed_at = at
    elif action == Action.DISPATCH:
        f.unit_id, f.person_id = step.data.get("to_unit"), step.data.get("to_user")
    elif action in (Action.ACCEPT, Action.CLAIM):
        f.person_id = step.actor_id
        if action == Action.CLAIM:
            f.unit_id = None
        if f.first_accept_at is None:
            f.first_accept_at = at
    elif action == Action.RETURN:
        f.flags |= Flag.RETURNED
    elif action == Action.APPROVE_RETURN:
        f.deadline_at = None
    elif action == Action.APPROVE_EXTENSION:
        f.flags |= Flag.EXTENDED
        f.deadline_at = _when(step.data.get("deadline_at")) or f.deadline_at
    elif action == Action.HANDLE:
        f.handled_at = at
        late = f.deadline_at is not None and at > f.deadline_at
        f.flags = (f.flags | Flag.OVERDUE) & ~Flag.ON_TIME if late else f.flags | Flag.ON_TIME
    elif action == Action.CLOSE:
        f.closed_at = at
    elif action == Action.REWORK:
        f.flags |= Flag.REWORKED
        f.handled_at = None
    elif action == Action.RATE:
        f.rating = str(step.data.get("satisfaction") or "")
        f.rated_resolved = bool(step.data.get("resolved"))
    elif action == Action.REOPEN:
        f.flags |= Flag.REOPENED
        f.handled_at = f.closed_at = f.deadline_at = None
    elif action == Action.ESCALATE:
        f.flags |= Flag.ESCALATED
    elif action == Action.MARK_OVERDUE:
        f.flags |= Flag.OVERDUE
    if action in (Action.DISPATCH, Action.CLAIM):
        f.flags |= Flag.DISPATCHED
        if f.first_dispatch_at is None:
            f.first_dispatch_at = at
    if action in CLOCK_ACTIONS:
        f.deadline_at = _when(step.data.get("deadline_at"))
    if action in REACTIONS and f.first_dispatch_at is not None and not f.has(Flag.REACTED):
        f.flags |= Flag.REACTED
        if at - f.first_dispatch_at <= response_limit():
            f.flags |= Flag.RESPONDED
    f.state = step.to_state
    return f


def _seconds(end: datetime | None, start: datetime | None) -> int:
    if end is None or start is None:
        return 0
    return max(0, int((end - start).total_seconds()))


def contributions(f: Facts) -> Vector:
    """The counters one order adds to every sum it belongs to (see docs/kpis.md)."""
    v = [0] * WIDTH

    def put(name: str, value: bool | int) -> None:
        v[INDEX[name]] = int(value)

    state = f.state
    due_handle = f.has(Flag.DISPATCHED) or f.has(Flag.ON_SPOT)
    handled = due_handle and state in HANDLED_STATES
    due_close = f.has(Flag.FILED) and state not in NOT_DUE_STATES
    closed = state in CLOSED_STATES
    rated = bool(f.rating)
    overdue = f.has(Flag.OVERDUE)
    accepted = f.first_accept_at is not None and f.first_dispatch_at is not None
    handle_timed = handled and f.first_dispatch_at is not None and f.handled_at is not None
    put("reported", 1)
    if state in STATE_COUNTERS:
        put(STATE_COUNTERS[state], 1)
    put("filed", f.has(Flag.FILED))
    put("due_response", f.has(Flag.DISPATCHED))
    put("responded", f.has(Flag.DISPATCHED) and f.has(Flag.RESPONDED))
    put("due_handle", due_handle)
    put("handled", handled)
    put("handled_on_time", handled and f.has(Flag.ON_TIME))
    put("due_close", due_close)
    put("closed", closed)
    put("closed_on_time", closed and f.has(Flag.ON_TIME))
    put("reworked", due_close and f.has(Flag.REWORKED))
    put("extended", due_handle and f.has(Flag.EXTENDED))
    put("returned", f.has(Flag.RETURNED))
    put("escalated", f.has(Flag.ESCALATED))
    put("overdue", overdue)
    put("overdue_open", overdue and state in OPEN_STATES)
    put("overdue_pending", overdue and due_handle and not handled and state in OPEN_STATES)
    put("on_spot", f.has(Flag.ON_SPOT))
    put("rated", rated)
    put("resolved", rated and f.rated_resolved is True)
    put("satisfied", rated and f.rating in SATISFIED)
    put("dissatisfied", rated and f.rating == Satisfaction.DISSATISFIED)
    put("reopened", f.has(Flag.REOPENED))
    put("accept_n", accepted)
    put("accept_seconds", _seconds(f.first_accept_at, f.first_dispatch_at) if accepted else 0)
    put("handle_n", handle_timed)
    put("handle_seconds", _seconds(f.handled_at, f.first_dispatch_at) if handle_timed else 0)
    put("close_n", closed and f.closed_at is not None)
    put("close_seconds", _seconds(f.closed_at, f.created_at) if closed else 0)
    return tuple(v)


def subtract(a: Vector, b: Vector) -> Vector:
    return tuple(x - y for x, y in zip(a, b, strict=True))


def add(a: Vector, b: Vector) -> Vector:
    return tuple(x + y for x, y in zip(a, b, strict=True))


# Rates: (numerator, denominator); each numerator counts a subset of its denominator's
# orders, so every rate lies in 0..1.
RATES: dict[str, tuple[str, str]] = {
    "filing_rate": ("filed", "reported"),
    "response_rate": ("responded", "due_response"),
    "resolution_rate": ("resolved", "rated"),
    "satisfaction_rate": ("satisfied", "rated"),
    "handle_rate": ("handled", "due_handle"),
    "on_time_handle_rate": ("handled_on_time", "due_handle"),
    "close_rate": ("closed", "due_close"),
    "on_time_close_rate": ("closed_on_time", "due_close"),
    "rework_rate": ("reworked", "due_close"),
    "extension_rate": ("extended", "due_handle"),
    "overdue_pending_rate": ("overdue_pending", "due_handle"),
}
# Rates where less is better: the score counts (1 − rate).
LOWER_IS_BETTER = frozenset({"rework_rate", "extension_rate", "overdue_pending_rate"})
AVERAGES: dict[str, tuple[str, str]] = {
    "avg_accept_hours": ("accept_seconds", "accept_n"),
    "avg_handle_hours": ("handle_seconds", "handle_n"),
    "avg_close_hours": ("close_seconds", "close_n"),
}
# 成都金牛's published weighting (REFERENCE.md §1.6): a deployment sets its own.
DEFAULT_WEIGHTS: dict[str, float] = {
    "handle_rate": 30,
    "on_time_handle_rate": 20,
    "rework_rate": 20,
    "overdue_pending_rate": 20,
    "extension_rate": 10,
}
RATE_LABELS = {
    "filing_rate": _("Filing rate"),
    "response_rate": _("Response rate"),
    "resolution_rate": _("Resolution rate"),
    "satisfaction_rate": _("Satisfaction rate"),
    "handle_rate": _("Handling rate"),
    "on_time_handle_rate": _("On-time handling rate"),
    "close_rate": _("Closing rate"),
    "on_time_close_rate": _("On-time closing rate"),
    "rework_rate": _("Rework rate"),
    "extension_rate": _("Extension rate"),
    "overdue_pending_rate": _("Overdue pending rate"),
}


def validate_weights(weights: Any) -> dict[str, float]:
    """KPI_WEIGHTS as a clean dict; ImproperlyConfigured naming what is wrong."""
    if not isinstance(weights, Mapping) or not weights:
        raise ImproperlyConfigured("KPI_WEIGHTS must be a non-empty mapping of rate → weight")
    clean: dict[str, float] = {}
    for name, weight in weights.items():
        if name not in RATES:
            known = ", ".join(sorted(RATES))
            raise ImproperlyConfigured(f"KPI_WEIGHTS: unknown rate {name!r} (known: {known})")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise ImproperlyConfigured(f"KPI_WEIGHTS: the weight of {name} must be a number ≥ 0")
        clean[name] = float(weight)
    if sum(clean.values()) <= 0:
        raise ImproperlyConfigured("KPI_WEIGHTS: the weights must not all be 0")
    return clean


def weights() -> dict[str, float]:
    """The deployment's weights: settings.KPI_WEIGHTS (a mapping, or JSON text from the
    environment), or the defaults when it is empty."""
    value: Any = getattr(settings, "KPI_WEIGHTS", None)
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else None
        except ValueError as exc:
            raise ImproperlyConfigured(f"KPI_WEIGHTS is not valid JSON: {exc}") from exc
    return validate_weights(value or DEFAULT_WEIGHTS)


def check_settings(**_: Any) -> list[Error]:
    """System check: KPI_WEIGHTS and KPI_RESPONSE_HOURS make sense."""
    errors = []
    try:
        weights()
    except ImproperlyConfigured as exc:
        errors.append(Error(str(exc), id="workorders.E101"))
    if getattr(settings, "KPI_RESPONSE_HOURS", 0) <= 0:
        errors.append(Error("KPI_RESPONSE_HOURS must be at least 1", id="workorders.E102"))
    return errors


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def score(rates: Mapping[str, float | None], w: Mapping[str, float] | None = None) -> float | None:
    """0–100: the weighted mean of the rates that have a value (1 − rate where less is
    better). None when none of the weighted rates has a value."""
    w = weights() if w is None else w
    total = got = 0.0
    for name, weight in w.items():
        value = rates.get(name)
        if value is None or weight == 0:
            continue
        total += weight
        got += weight * (1 - value if name in LOWER_IS_BETTER else value)
    return round(100 * got / total, 2) if total else None


def figures(sums: Mapping[str, int]) -> dict[str, Any]:
    """Rates, averages and score from summed counters."""
    out: dict[str, Any] = {
        name: ratio(sums.get(n, 0), sums.get(d, 0)) for name, (n, d) in RATES.items()
    }
    for name, (total, count) in AVERAGES.items():
        n = sums.get(count, 0)
        out[name] = round(sums.get(total, 0) / n / 3600, 2) if n else None
    out["score"] = score(out)
    return out


def as_dict(vector: Vector) -> dict[str, int]:
    return dict(zip(COUNTER_FIELDS, vector, strict=True))
