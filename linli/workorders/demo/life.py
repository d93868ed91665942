"""One order's life for the demo data: a random walk through the transition table, from the
report to wherever it has got by `now`, written as events with the same field changes the
services make (services/lifecycle.py, approvals.py, supervision.py), so replaying the events
gives the stored order. Nothing is saved here; the step bulk-inserts what this builds."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from linli.workorders.deadlines import WorkCalendar
from linli.workorders.models import (
    Action,
    Category,
    OrderState,
    PendingRequest,
    Satisfaction,
    WorkOrder,
)
from linli.workorders.workflow import target_state

S = OrderState
SWEEP_DELAY = timedelta(minutes=5)  # the deadline sweep runs every few minutes
AUTO_ESCALATE_AFTER = timedelta(days=1)


class Stop(Exception):
    """The next step would happen after `now`: the order stays where it is."""


@dataclass(frozen=True)
class Target:
    """Whom an order is dispatched to, and who takes it in hand."""

    unit_id: int | None
    user_id: int | None
    acceptor_id: int


@dataclass
class Staff:
    """The people around one grid, as the step found them."""

    grid_worker: int
    supervisor: int  # grid leader or dispatcher: approvals
    dispatcher: int
    requester: int | None  # a resident with an account, for residents' own orders
    targets: Callable[[Category], list[Target]]  # dispatch candidates for a category
    claimants: Callable[[Category], list[int]]  # responders who may claim it


@dataclass(slots=True)
class Event:
    """An event to insert (OrderEvent's columns, without the ids)."""

    seq: int
    action: str
    actor_id: int | None
    from_state: str
    to_state: str
    at: datetime
    note: str
    data: dict[str, Any]


@dataclass
class Life:
    order: WorkOrder
    category: Category
    staff: Staff
    rng: random.Random
    now: datetime
    calendar: WorkCalendar
    events: list[Event] = field(default_factory=list)

    @property
    def t(self) -> datetime:
        return self.events[-1].at if self.events else self.order.created_at

    # -- writing events ------------------------------------------------------------------

    def _event(self, action: Action, by: int | None, at: datetime, note: str, data: Any) -> None:
        o = self.order
        from_state = o.state
        o.state = target_state(action, from_state)
        o.event_seq += 1
        self.events.append(
            Event(o.event_seq, action, by, from_state, o.state, at, note, data or {})
        )

    def step(
        self,
        action: Action,
        by: int | None,
        hours: float,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> datetime:
        """Take `action` `hours` after the last step (raises Stop past `now`)."""
        at = self.t + timedelta(hours=hours)
        self.sweep(min(at, self.now))
        if at > self.now:
            raise Stop
        self._change(action, by, at, data if data is not None else {})
        self._event(action, by, at, note, data)
        return at

    def sweep(self, until: datetime) -> None:
        """What the deadline sweep did before `until`: mark overdue, escalate."""
        o = self.order
        if o.state not in (S.DISPATCHED, S.ACCEPTED) or o.deadline_at is None:
            return
        marked = max(o.deadline_at + SWEEP_DELAY, self.t)
        if not o.overdue and marked < until:
            o.overdue = True
            self._event(Action.MARK_OVERDUE, None, marked, "处置时限已过。", {})
        escalate = max(o.deadline_at + AUTO_ESCALATE_AFTER, self.t)
        if o.overdue and not o.auto_escalated and escalate < until:
            o.escalation_count += 1
            o.auto_escalated = True
            self._event(Action.ESCALATE, None, escalate, "超期未处置，系统自动督办。", {})

    def _start_clock(self, at: datetime, data: dict[str, Any]) -> None:
        o = self.order
        amount, unit = self.category.deadline_for(urgent=o.urgent)
        o.deadline_at = self.calendar.add_limit(at, amount, unit)
        o.near_deadline_notified = o.auto_escalated = False
        data["deadline_at"] = o.deadline_at.isoformat()

    def _clear_pending(self) -> None:
        o = self.order
        o.pending_request, o.pending_amount, o.pending_unit = PendingRequest.NONE, None, ""

    def _change(self, action: Action, by: int | None, at: datetime, data: dict[str, Any]) -> None:
        o = self.order
        if action == Action.FILE:
            o.filed_at = at
        elif action == Action.RESOLVE_ON_SPOT:
            o.resolved_on_spot, o.assignee_id, o.handled_at, o.closed_at = True, by, at, at
        elif action == Action.DISPATCH:
            o.assignee_id, o.assignee_unit_id = data["to_user"], data["to_unit"]
            o.dispatched_by_id, o.dispatched_at, o.accepted_at = by, at, None
            self._start_clock(at, data)
        elif action == Action.CLAIM:
            o.assignee_id, o.assignee_unit_id, o.dispatched_at, o.accepted_at = by, None, at, at
            self._start_clock(at, data)
        elif action == Action.ACCEPT:
            o.assignee_id, o.accepted_at = by, at
        elif action == Action.RETURN:
            o.return_count += 1
            self._clear_pending()
        elif action in (Action.APPROVE_RETURN, Action.REOPEN):
            if action == Action.REOPEN:
                data.update(previous_assignee=o.assignee_id, previous_unit=o.assignee_unit_id)
                o.reopened, o.handled_at, o.closed_at = True, None, None
            o.assignee_id = o.assignee_unit_id = o.deadline_at = None
            self._clear_pending()
        elif action in (Action.REQUEST_EXTENSION, Action.PARK):
            o.pending_request = (
                PendingRequest.EXTENSION
                if action == Action.REQUEST_EXTENSION
                else PendingRequest.PARK
            )
            if action == Action.REQUEST_EXTENSION:
                o.pending_amount, o.pending_unit = data["amount"], data["unit"]
        elif action == Action.APPROVE_EXTENSION:
            amount, unit = o.pending_amount or 1, o.pending_unit
            o.deadline_at = self.calendar.add_limit(o.deadline_at or at, amount, unit)
            o.extension_count += 1
            if o.deadline_at > at:
                o.near_deadline_notified = False
            data.update(amount=amount, unit=unit, deadline_at=o.deadline_at.isoformat())
            self._clear_pending()
        elif action in (Action.REFUSE_EXTENSION, Action.APPROVE_PARK, Action.REFUSE_PARK):
            self._clear_pending()
        elif action == Action.RESUME:
            self._start_clock(at, data)
        elif action == Action.HANDLE:
            o.handled_at = at
            self._clear_pending()
            if o.deadline_at is not None and at > o.deadline_at:
                o.overdue = True
        elif action == Action.CLOSE:
            o.closed_at = at
        elif action == Action.REWORK:
            o.rework_count += 1
            o.handled_at = o.accepted_at = None
        elif action == Action.RATE:
            o.resolved, o.satisfaction = data["resolved"], data["satisfaction"]
            o.rated_at = at
            o.rating_comment = data.pop("comment", "")
        elif action == Action.ESCALATE:
            o.escalation_count += 1
        elif action == Action.REMIND:
            o.remind_count += 1

    # -- the walk -------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def hours(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high)

    def live(self, auto_filed: bool) -> None:
        """Walk the order on from `reported` (or `filed`) until it ends or `now` comes."""
        with contextlib.suppress(Stop):
            self._walk(auto_filed)
        self.sweep(self.now)

    def _walk(self, auto_filed: bool) -> None:
        staff, o = self.staff, self.order
        if not auto_filed:
            if (
                o.source == "patrol"
                and self.category.kind != Category.Kind.SERVICE
                and self.chance(0.18)
            ):
                self.step(
                    Action.RESOLVE_ON_SPOT,
                    staff.grid_worker,
                    self.hours(0.1, 1),
                    "现场已处理完毕。",
                )
                self._rate()
                return
            if self.chance(0.04):
                self.step(
                    Action.DECLINE,
                    staff.grid_worker,
                    self.hours(0.5, 8),
                    "不属于受理范围，已告知反映人。",
                )
                return
            if self.chance(0.01):
                self.step(Action.CANCEL, staff.dispatcher, self.hours(0.5, 8), "反映人撤回诉求。")
                return
            self.step(Action.FILE, staff.grid_worker, self.hours(0.1, 6))
        rounds = 0
        while True:
            rounds += 1
            self._handle_round(first=rounds == 1)
            if self._check():
                break
        self._rate()

    def _handle_round(self, *, first: bool) -> None:
        """From filed to handled: dispatch (or claim), maybe a return, accept, extension or
        parking, handle."""
        staff, o = self.staff, self.order
        claimants = staff.claimants(self.category) if self.category.open_to_claiming else []
        if claimants and self.chance(0.5):
            acceptor = self.rng.choice(claimants)
            self.step(Action.CLAIM, acceptor, self.hours(0.2, 12))
        else:
            acceptor = self._dispatch()
            if self.chance(0.07):
                self.step(Action.RETURN, acceptor, self.hours(0.5, 20), "不属于本单位职责范围。")
                if self.chance(0.6):
                    self.step(Action.APPROVE_RETURN, staff.supervisor, self.hours(0.5, 8))
                    acceptor = self._dispatch()
                else:
                    self.step(
                        Action.REFUSE_RETURN,
                        staff.supervisor,
                        self.hours(0.5, 8),
                        "属于本单位职责，请处理。",
                    )
            late_accept = self.chance(0.12)
            self.step(
                Action.ACCEPT, acceptor, self.hours(25, 60) if late_accept else self.hours(0.1, 8)
            )
        if self.chance(0.05) and o.state == S.ACCEPTED:
            self.step(Action.REMIND, staff.grid_worker, self.hours(2, 30), "请尽快处理。")
        if self.chance(0.06):
            unit = self.rng.choice(["working_days", "working_hours"])
            amount = self.rng.randint(1, 3) if unit == "working_days" else self.rng.randint(4, 16)
            self.step(
                Action.REQUEST_EXTENSION,
                acceptor,
                self.hours(1, 24),
                "需协调相关部门。",
                {"amount": amount, "unit": unit},
            )
            if self.chance(0.8):
                self.step(Action.APPROVE_EXTENSION, staff.supervisor, self.hours(0.5, 8))
            else:
                self.step(
                    Action.REFUSE_EXTENSION,
                    staff.supervisor,
                    self.hours(0.5, 8),
                    "请按原时限处理。",
                )
        elif self.chance(0.02):
            self.step(Action.PARK, acceptor, self.hours(1, 24), "需纳入工程计划，暂无法按期解决。")
            self.step(Action.APPROVE_PARK, staff.supervisor, self.hours(0.5, 8))
            if self.chance(0.5):
                self.step(Action.RESUME, staff.supervisor, self.hours(48, 400))
        self._handle(acceptor)

    def _dispatch(self) -> int:
        targets = self.staff.targets(self.category)
        target = self.rng.choice(targets)
        data = {"to_user": target.user_id, "to_unit": target.unit_id}
        self.step(Action.DISPATCH, self.staff.grid_worker, self.hours(0.1, 6), data=data)
        return target.acceptor_id

    def _handle(self, acceptor: int) -> None:
        o = self.order
        deadline = o.deadline_at
        if deadline is None or o.state == S.PARKED:
            hours = self.hours(24, 300)
        elif self.chance(0.78):
            hours = max(
                0.2, (deadline - self.t).total_seconds() / 3600 * self.rng.uniform(0.1, 0.95)
            )
        else:
            hours = (deadline - self.t).total_seconds() / 3600 + self.hours(1, 96)
        self.step(Action.HANDLE, acceptor, hours, "已按要求处置完毕。")
        if not self.category.check_required:
            self.step(Action.CLOSE, None, 0, "无需核查，自动结案。")

    def _check(self) -> bool:
        """核查: close (True) or send back for rework (False)."""
        if self.order.state != S.HANDLED:
            return True
        if self.order.rework_count < 2 and self.chance(0.08):
            self.step(
                Action.REWORK, self.staff.grid_worker, self.hours(1, 24), "核查未通过，请返工。"
            )
            self.step(
                Action.ACCEPT, self.order.assignee_id or self.staff.grid_worker, self.hours(0.2, 6)
            )
            self._handle(self.order.assignee_id or self.staff.grid_worker)
            return self._check()
        self.step(Action.CLOSE, self.staff.grid_worker, self.hours(0.5, 30))
        return True

    def _rate(self) -> None:
        o, staff = self.order, self.staff
        if not self.chance(0.75 if o.requester_id else 0.45):
            return
        roll = self.rng.random()
        satisfaction = (
            Satisfaction.SATISFIED
            if roll < 0.72
            else Satisfaction.FAIRLY
            if roll < 0.9
            else Satisfaction.DISSATISFIED
        )
        resolved = satisfaction != Satisfaction.DISSATISFIED or self.chance(0.3)
        by = o.requester_id or staff.grid_worker
        note = "" if satisfaction != Satisfaction.DISSATISFIED else "问题没有彻底解决。"
        data = {"resolved": resolved, "satisfaction": str(satisfaction), "comment": note}
        self.step(Action.RATE, by, self.hours(2, 72), note, data)
        if satisfaction == Satisfaction.DISSATISFIED and not o.reopened and self.chance(0.45):
            self.step(
                Action.REOPEN, o.requester_id or staff.dispatcher, self.hours(1, 48), "要求重办。"
            )
            self._handle_round(first=False)
            self._check()
            self._rate()
