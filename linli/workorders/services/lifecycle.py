"""The main path of an order: file or decline, dispatch or claim, accept or return, handle,
check (close or rework), rate and reopen; cancel and resolve on the spot.

Every function is keyword-only, runs in one transaction through `apply_action` (row lock,
table check on the locked row, one event) and returns the updated order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.models import Organization, OrganizationMembership, User
from linli.workorders.deadlines import WorkCalendar
from linli.workorders.models import (
    Action,
    PendingRequest,
    Satisfaction,
    WorkOrder,
)
from linli.workorders.permissions import dispatch_target_refusal
from linli.workorders.services.photos import PhotoInput
from linli.workorders.services.transitions import apply_action, copy_back


def start_clock(order: WorkOrder, now: datetime, calendar: WorkCalendar | None = None) -> list[str]:
    """Start the handling deadline at `now` (dispatch, claim, resume)."""
    amount, unit = order.category.deadline_for(urgent=order.urgent)
    order.deadline_at = (calendar or WorkCalendar.load()).add_limit(now, amount, unit)
    order.near_deadline_notified = False
    order.auto_escalated = False
    return ["deadline_at", "near_deadline_notified", "auto_escalated"]


def _clear_assignment(order: WorkOrder) -> list[str]:
    order.assignee = None
    order.assignee_unit = None
    order.deadline_at = None
    order.pending_request = PendingRequest.NONE
    order.pending_amount = None
    order.pending_unit = ""
    return [
        "assignee",
        "assignee_unit",
        "deadline_at",
        "pending_request",
        "pending_amount",
        "pending_unit",
    ]


def _clear_pending(order: WorkOrder) -> list[str]:
    order.pending_request = PendingRequest.NONE
    order.pending_amount = None
    order.pending_unit = ""
    return ["pending_request", "pending_amount", "pending_unit"]


def file_order(*, order: WorkOrder, by: User | None, note: str = "") -> WorkOrder:
    """立案. `by=None` is automatic filing for categories that allow it."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.filed_at = now
        return ["filed_at"]

    return apply_action(order=order, by=by, action=Action.FILE, note=note, change=change)


def decline_order(*, order: WorkOrder, by: User, note: str) -> WorkOrder:
    """不予立案, with the reason."""
    return apply_action(order=order, by=by, action=Action.DECLINE, note=note)


def cancel_order(*, order: WorkOrder, by: User, note: str = "") -> WorkOrder:
    return apply_action(order=order, by=by, action=Action.CANCEL, note=note)


def dispatch_order(
    *,
    order: WorkOrder,
    by: User,
    to_user: User | None = None,
    to_unit: Organization | None = None,
    note: str = "",
) -> WorkOrder:
    """派单 to a responder, a unit, or a named person of a unit. The deadline starts now."""
    if to_user is None and to_unit is None:
        raise ValidationError({"to_user": _("Choose a person or a unit to dispatch to.")})
    if (
        to_user is not None
        and to_unit is not None
        and not OrganizationMembership.objects.filter(organization=to_unit, user=to_user).exists()
    ):
        raise ValidationError(
            {"to_user": _("%(name)s is not a member of %(unit)s.")
             % {"name": to_user.name, "unit": to_unit.name}}
        )  # fmt: skip

    def precheck(o: WorkOrder) -> None:
        reason = dispatch_target_refusal(by=by, order=o, to_user=to_user, to_unit=to_unit)
        if reason:
            raise ValidationError({"to_user" if to_user else "to_unit": reason})

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.assignee = to_user
        o.assignee_unit = to_unit
        o.dispatched_by = by
        o.dispatched_at = now
        o.accepted_at = None
        return [
            "assignee",
            "assignee_unit",
            "dispatched_by",
            "dispatched_at",
            "accepted_at",
            *start_clock(o, now),
        ]

    return apply_action(
        order=order,
        by=by,
        action=Action.DISPATCH,
        note=note,
        data={
            "to_user": to_user.pk if to_user else None,
            "to_unit": to_unit.pk if to_unit else None,
        },
        precheck=precheck,
        change=change,
    )


def claim_order(*, order: WorkOrder, by: User, note: str = "") -> WorkOrder:
    """抢单: a responder takes an order open to claiming; dispatch and acceptance in one step."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.assignee = by
        o.assignee_unit = None
        o.dispatched_at = now
        o.accepted_at = now
        return ["assignee", "assignee_unit", "dispatched_at", "accepted_at", *start_clock(o, now)]

    return apply_action(order=order, by=by, action=Action.CLAIM, note=note, change=change)


def accept_order(*, order: WorkOrder, by: User, note: str = "") -> WorkOrder:
    """接单 / 签收. A member of the unit it was dispatched to becomes its assignee."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.assignee = by
        o.accepted_at = now
        return ["assignee", "accepted_at"]

    return apply_action(order=order, by=by, action=Action.ACCEPT, note=note, change=change)


def return_order(*, order: WorkOrder, by: User, note: str) -> WorkOrder:
    """退单: wrong unit or area, with the reason; waits for a supervisor."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.return_count += 1
        return ["return_count", *_clear_pending(o)]

    return apply_action(order=order, by=by, action=Action.RETURN, note=note, change=change)


def approve_return(*, order: WorkOrder, by: User, note: str = "") -> WorkOrder:
    """The return stands: the order goes back to filed, to be dispatched again."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        return _clear_assignment(o)

    return apply_action(order=order, by=by, action=Action.APPROVE_RETURN, note=note, change=change)


def refuse_return(*, order: WorkOrder, by: User, note: str) -> WorkOrder:
    """The return is refused: the order goes back to the same assignee, who must accept it."""
    return apply_action(order=order, by=by, action=Action.REFUSE_RETURN, note=note)


def handle_order(
    *, order: WorkOrder, by: User, note: str, photos: Sequence[PhotoInput] = ()
) -> WorkOrder:
    """处置: the result, with photos. Categories that need no check are closed at once."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.handled_at = now
        fields = ["handled_at", *_clear_pending(o)]
        if o.deadline_at is not None and now > o.deadline_at and not o.overdue:
            o.overdue = True
            fields.append("overdue")
        return fields

    with transaction.atomic():
        handled = apply_action(
            order=order, by=by, action=Action.HANDLE, note=note, photos=photos, change=change
        )
        if not handled.category.check_required:
            handled = close_order(
                order=handled, by=None, note=_("Closed automatically: no check is required.")
            )
    copy_back(handled, order)
    return handled


def close_order(
    *, order: WorkOrder, by: User | None, note: str = "", photos: Sequence[PhotoInput] = ()
) -> WorkOrder:
    """核查结案: the check matches the result."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.closed_at = now
        return ["closed_at"]

    return apply_action(
        order=order, by=by, action=Action.CLOSE, note=note, photos=photos, change=change
    )


def rework_order(
    *, order: WorkOrder, by: User, note: str, photos: Sequence[PhotoInput] = ()
) -> WorkOrder:
    """返工: the check failed; back to the same assignee, counted. The deadline stands."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.rework_count += 1
        o.handled_at = None
        o.accepted_at = None
        return ["rework_count", "handled_at", "accepted_at"]

    return apply_action(
        order=order, by=by, action=Action.REWORK, note=note, photos=photos, change=change
    )


def rate_order(
    *,
    order: WorkOrder,
    by: User,
    resolved: bool,
    satisfaction: str,
    comment: str = "",
) -> WorkOrder:
    """回访: the requester (or staff recording a call-back) says whether it was resolved and
    how satisfied they are."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied you are.")})

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.resolved = resolved
        o.satisfaction = satisfaction
        o.rating_comment = comment.strip()[:500]
        o.rated_at = now
        return ["resolved", "satisfaction", "rating_comment", "rated_at"]

    return apply_action(
        order=order,
        by=by,
        action=Action.RATE,
        note=comment,
        data={"resolved": resolved, "satisfaction": satisfaction},
        change=change,
    )


def reopen_order(*, order: WorkOrder, by: User, note: str = "") -> WorkOrder:
    """重办: a dissatisfied requester reopens the order once; it is filed again for dispatch."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.reopened = True
        o.handled_at = None
        o.closed_at = None
        return ["reopened", "handled_at", "closed_at", *_clear_assignment(o)]

    data = {"previous_assignee": order.assignee_id, "previous_unit": order.assignee_unit_id}
    return apply_action(
        order=order, by=by, action=Action.REOPEN, note=note, data=data, change=change
    )


def resolve_on_spot(
    *, order: WorkOrder, by: User, note: str, photos: Sequence[PhotoInput]
) -> WorkOrder:
    """就地化解: a grid worker solves a small problem at once and closes it, with evidence."""

    def change(o: WorkOrder, now: datetime) -> Iterable[str]:
        o.resolved_on_spot = True
        o.assignee = by
        o.handled_at = now
        o.closed_at = now
        return ["resolved_on_spot", "assignee", "handled_at", "closed_at"]

    return apply_action(
        order=order,
        by=by,
        action=Action.RESOLVE_ON_SPOT,
        note=note,
        photos=photos,
        change=change,
    )
