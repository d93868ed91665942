"""The work-order lifecycle as one explicit table: for every action, the states it may start
from, the state it leads to, and who may take it.

    reported ─file→ filed ─dispatch→ dispatched ─accept→ accepted ─handle→ handled ─close→ closed ─rate→ rated
        │             │  └claim (open to claiming)────────────↗   │    ↑      │               │
        │decline      │cancel       return ↘   ↙ return          │park/resume │rework → dispatched
        ↓             ↓               returned                      ↓    │      │
     declined     cancelled    approve_return → filed            parked ─handle┘
                               refuse_return  → dispatched
    rated ─reopen (dissatisfied, once)→ filed
    reported/filed ─resolve_on_spot (grid worker, with evidence)→ closed

Actions with no target state (request/approve/refuse extension, park requests, escalate,
remind, support, mark_overdue) write an event and leave the state as it is.

Who may act is expressed as *relations* between a person and an order (requester, assignee,
grid worker of the order's grid, dispatcher of a region containing it …). Working out which
relations a person has is the job of `linli.workorders.permissions`; this module knows
nothing of users or the database, so that replaying an order's history needs nothing else.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from linli.workorders.models import (
    Action,
    OrderEvent,
    OrderState,
    PendingRequest,
    Satisfaction,
    WorkOrder,
)


class ActionRefused(ValidationError):
    """An action that may not be taken now, with a message fit to show the person."""


class Actor(enum.Enum):
    """How a person (or the system) stands to an order."""

    REQUESTER = "requester"  # the person who asked (their own order)
    ASSIGNEE = "assignee"  # the person it is dispatched to, or a member of the unit
    CLAIMANT = "claimant"  # a responder near it, of a kind the category allows
    SUPPORTER = "supporter"  # anyone signed in other than the requester ("me too")
    GRID_WORKER = "grid_worker"  # grid worker of a region containing the order's grid
    GRID_LEADER = "grid_leader"
    DISPATCHER = "dispatcher"  # dispatcher / shift supervisor of a region containing it
    LEADER = "leader"
    ADMIN = "admin"
    SYSTEM = "system"  # the deadline sweep and automatic steps (no person)


S = OrderState
A = Actor

GRID_STAFF = frozenset({A.GRID_WORKER, A.GRID_LEADER})
# Who files, dispatches, checks and closes: the grid's staff and the dispatch centre.
HANDLERS = GRID_STAFF | {A.DISPATCHER, A.ADMIN}
# Who approves returns' alternatives, extensions and parking: the shift supervisor's work.
SUPERVISORS = frozenset({A.GRID_LEADER, A.DISPATCHER, A.ADMIN})
# Orders someone may still support or escalate.
LIVE_STATES = frozenset({S.FILED, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.PARKED, S.HANDLED})

Guard = Callable[[WorkOrder], str | None]


def _no_pending(order: WorkOrder) -> str | None:
    if order.pending_request:
        return _("A request for %(what)s is already waiting for approval.") % {
            "what": PendingRequest(order.pending_request).label
        }
    return None


def _pending(kind: PendingRequest) -> Guard:
    def guard(order: WorkOrder) -> str | None:
        if order.pending_request != kind:
            return _("There is no request for %(what)s waiting for approval.") % {
                "what": kind.label
            }
        return None

    return guard


def _open_to_claiming(order: WorkOrder) -> str | None:
    if not order.category.open_to_claiming:
        return _("Orders of this category are dispatched, not claimed.")
    return None


def _may_reopen(order: WorkOrder) -> str | None:
    if order.reopened:
        return _("An order can be reopened only once.")
    if order.satisfaction != Satisfaction.DISSATISFIED:
        return _("Only an order rated dissatisfied can be reopened.")
    return None


def _not_overdue(order: WorkOrder) -> str | None:
    return _("The order is already marked overdue.") if order.overdue else None


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[str]
    target: OrderState | None  # None: the state does not change
    actors: frozenset[Actor]
    guard: Guard | None = None
    needs_note: bool = False  # a reason or result must be given
    needs_photo: bool = False  # evidence must be attached


def _t(
    action: Action,
    sources: Iterable[str],
    target: OrderState | None,
    actors: Iterable[Actor],
    **extra: object,
) -> tuple[Action, Transition]:
    return action, Transition(action, frozenset(sources), target, frozenset(actors), **extra)  # type: ignore[arg-type]


TRANSITIONS: dict[Action, Transition] = dict(
    [
        # Creation: the first event of every order (from no state).
        _t(Action.REPORT, {""}, S.REPORTED, set()),
        _t(Action.FILE, {S.REPORTED}, S.FILED, HANDLERS | {A.SYSTEM}),
        _t(Action.DECLINE, {S.REPORTED}, S.DECLINED, HANDLERS, needs_note=True),
        _t(Action.CANCEL, {S.REPORTED, S.FILED}, S.CANCELLED, {A.REQUESTER, A.DISPATCHER, A.ADMIN}),
        _t(
            Action.RESOLVE_ON_SPOT,
            {S.REPORTED, S.FILED},
            S.CLOSED,
            GRID_STAFF,
            needs_note=True,
            needs_photo=True,
        ),
        _t(Action.DISPATCH, {S.FILED}, S.DISPATCHED, HANDLERS),
        _t(Action.CLAIM, {S.FILED}, S.ACCEPTED, {A.CLAIMANT}, guard=_open_to_claiming),
        _t(Action.ACCEPT, {S.DISPATCHED}, S.ACCEPTED, {A.ASSIGNEE}),
        _t(Action.RETURN, {S.DISPATCHED, S.ACCEPTED}, S.RETURNED, {A.ASSIGNEE}, needs_note=True),
        _t(Action.APPROVE_RETURN, {S.RETURNED}, S.FILED, HANDLERS),
        _t(Action.REFUSE_RETURN, {S.RETURNED}, S.DISPATCHED, HANDLERS, needs_note=True),
        _t(
            Action.REQUEST_EXTENSION,
            {S.ACCEPTED},
            None,
            {A.ASSIGNEE},
            guard=_no_pending,
            needs_note=True,
        ),
        _t(
            Action.APPROVE_EXTENSION,
            {S.ACCEPTED},
            None,
            SUPERVISORS,
            guard=_pending(PendingRequest.EXTENSION),
        ),
        _t(
            Action.REFUSE_EXTENSION,
            {S.ACCEPTED},
            None,
            SUPERVISORS,
            guard=_pending(PendingRequest.EXTENSION),
            needs_note=True,
        ),
        _t(Action.PARK, {S.ACCEPTED}, None, {A.ASSIGNEE}, guard=_no_pending, needs_note=True),
        _t(
            Action.APPROVE_PARK,
            {S.ACCEPTED},
            S.PARKED,
            SUPERVISORS,
            guard=_pending(PendingRequest.PARK),
        ),
        _t(
            Action.REFUSE_PARK,
            {S.ACCEPTED},
            None,
            SUPERVISORS,
            guard=_pending(PendingRequest.PARK),
            needs_note=True,
        ),
        _t(Action.RESUME, {S.PARKED}, S.ACCEPTED, SUPERVISORS),
        _t(Action.HANDLE, {S.ACCEPTED, S.PARKED}, S.HANDLED, {A.ASSIGNEE}, needs_note=True),
        _t(Action.CLOSE, {S.HANDLED}, S.CLOSED, HANDLERS | {A.SYSTEM}),
        _t(Action.REWORK, {S.HANDLED}, S.DISPATCHED, HANDLERS, needs_note=True),
        _t(Action.RATE, {S.CLOSED}, S.RATED, {A.REQUESTER} | HANDLERS - {A.ADMIN}),
        _t(Action.REOPEN, {S.RATED}, S.FILED, {A.REQUESTER, A.DISPATCHER}, guard=_may_reopen),
        _t(Action.ESCALATE, LIVE_STATES, None, {A.LEADER, A.DISPATCHER, A.ADMIN, A.SYSTEM}),
        _t(
            Action.REMIND,
            {S.DISPATCHED, S.ACCEPTED},
            None,
            {A.REQUESTER, *GRID_STAFF, A.DISPATCHER, A.LEADER},
        ),
        _t(Action.SUPPORT, {S.REPORTED} | LIVE_STATES - {S.HANDLED}, None, {A.SUPPORTER}),
        _t(
            Action.MARK_OVERDUE,
            {S.DISPATCHED, S.ACCEPTED},
            None,
            {A.SYSTEM},
            guard=_not_overdue,
        ),
    ]
)

if set(TRANSITIONS) != set(Action):
    raise ImproperlyConfigured("every work-order action needs a row in the transition table")

# Actions that put the order in someone's hands: losing a race to one of them reads
# "someone else took it".
_TAKING = frozenset({Action.CLAIM, Action.ACCEPT})


def target_state(action: Action, current: str) -> str:
    rule = TRANSITIONS[action]
    return rule.target if rule.target is not None else current


def refusal(order: WorkOrder, action: Action, relations: frozenset[Actor]) -> str | None:
    """Why `action` may not be taken on `order` by someone with `relations`; None if it may.

    Checked against the order as it is now: services call it again on the locked row, so of
    two people acting at once exactly one passes."""
    rule = TRANSITIONS[action]
    if order.state not in rule.sources:
        if action in _TAKING and order.state in (S.DISPATCHED, S.ACCEPTED, S.HANDLED):
            return _("This order has already been taken by someone else.")
        return _(
            "This order is now “%(state)s”, so it cannot be %(action)s. "
            "Someone may have just acted on it; please refresh."
        ) % {"state": OrderState(order.state).label, "action": Action(action).label}
    if not (relations & rule.actors):
        return _("You may not %(action)s this order.") % {"action": Action(action).label}
    if rule.guard is not None:
        return rule.guard(order)
    return None


def check(order: WorkOrder, action: Action, relations: frozenset[Actor]) -> None:
    """Raise ActionRefused unless `action` may be taken."""
    reason = refusal(order, action, relations)
    if reason is not None:
        raise ActionRefused(reason, code=action)


class ReplayError(Exception):
    """The stored history does not follow the transition table."""


@dataclass
class Replayed:
    """What an order's history says about it."""

    state: str = ""
    rework_count: int = 0
    return_count: int = 0
    extension_count: int = 0
    escalation_count: int = 0
    remind_count: int = 0
    reopened: bool = False
    events: int = 0


def replay_events(events: Iterable[OrderEvent]) -> Replayed:
    """Recompute an order's state and counters from its events, checking every step against
    the table. Raises ReplayError on the first step the table forbids."""
    result = Replayed()
    for event in events:
        action = Action(event.action)
        rule = TRANSITIONS[action]
        if event.seq != result.events + 1:
            raise ReplayError(f"event {event.seq} follows event {result.events}")
        if event.from_state != result.state or result.state not in rule.sources:
            raise ReplayError(f"event {event.seq}: {action} from {result.state!r} is not allowed")
        expected = target_state(action, result.state)
        if event.to_state != expected:
            raise ReplayError(
                f"event {event.seq}: {action} led to {event.to_state}, not {expected}"
            )
        result.state = expected
        result.events += 1
        if action == Action.REWORK:
            result.rework_count += 1
        elif action == Action.RETURN:
            result.return_count += 1
        elif action == Action.APPROVE_EXTENSION:
            result.extension_count += 1
        elif action == Action.ESCALATE:
            result.escalation_count += 1
        elif action == Action.REMIND:
            result.remind_count += 1
        elif action == Action.REOPEN:
            result.reopened = True
    return result


def replay(order: WorkOrder) -> Replayed:
    return replay_events(order.events.order_by("seq"))
