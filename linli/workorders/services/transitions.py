"""The one way an order changes: lock the row, check the table on the locked row, change
the fields, write the event, store photos, tell people. Every action service goes through
`apply_action`, so two people acting on one order at once get exactly one winner: the loser
waits for the lock, then finds the state moved on and gets a clear message."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.workorders import kpis
from linli.workorders.listeners import notify_event_listeners
from linli.workorders.models import Action, OrderEvent, WorkOrder
from linli.workorders.permissions import relations
from linli.workorders.services.dispatch_stats import holding, record_move
from linli.workorders.services.notices import announce
from linli.workorders.services.photos import PhotoInput, prepare_photos, store_photos
from linli.workorders.workflow import TRANSITIONS, check, target_state

# Changes an action makes to the locked order besides its state; returns the fields changed.
Change = Callable[[WorkOrder, datetime], Iterable[str]]
# Extra checks on the locked order (raise ValidationError / ActionRefused).
Precheck = Callable[[WorkOrder], None]

NOTE_MAX = 2000


def lock_order(pk: int) -> WorkOrder:
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("category", "grid", "assignee", "requester", "dispatched_by")
        .get(pk=pk)
    )


def write_event(
    *,
    order: WorkOrder,
    action: Action,
    by: User | None,
    from_state: str,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    count: bool = True,
) -> OrderEvent:
    """Append one event to a locked (or new) order. Bumps order.event_seq; the caller saves.
    The KPI facts and counters are brought up to date in the same transaction, unless
    `count` is off: then the caller counts the event itself (intake: kpis.record_new)."""
    order.event_seq += 1
    event = OrderEvent.objects.create(
        order=order,
        seq=order.event_seq,
        action=action,
        actor=by,
        from_state=from_state,
        to_state=order.state,
        at=at,
        note=note,
        data=kpis.event_data(order, action, data),
    )
    if count:
        kpis.record(order=order, event=event, before_state=from_state)
    notify_event_listeners(order=order, event=event)
    return event


def _clean_note(note: str, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError({"note": _("Please give a reason or describe what was done.")})
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX}}
        )
    return note


def apply_action(
    *,
    order: WorkOrder,
    by: User | None,
    action: Action,
    note: str = "",
    data: dict[str, Any] | None = None,
    photos: Sequence[PhotoInput] = (),
    change: Change | None = None,
    precheck: Precheck | None = None,
    notify: bool = True,
) -> WorkOrder:
    """Take `action` on `order` as `by` (None: the system) and return the updated order.

    The caller's `order` instance is updated in place too. Raises ActionRefused when the
    table forbids the step (checked on the locked row) and ValidationError for bad input."""
    rule = TRANSITIONS[action]
    note = _clean_note(note, rule.needs_note)
    if rule.needs_photo and not photos:
        raise ValidationError({"photos": _("Add at least one photo as evidence.")})
    prepared = prepare_photos(photos)
    with transaction.atomic():
        locked = lock_order(order.pk)
        check(locked, action, relations(by, locked))
        if precheck is not None:
            precheck(locked)
        now = timezone.now()
        from_state = locked.state
        before = holding(locked)
        fields = set(change(locked, now)) if change is not None else set()
        locked.state = target_state(action, from_state)
        event = write_event(
            order=locked, action=action, by=by, from_state=from_state, at=now, note=note, data=data
        )
        locked.save(update_fields=sorted(fields | {"state", "event_seq"}))
        record_move(before, holding(locked))
        if prepared:
            store_photos(order=locked, event=event, photos=prepared, by=by)
        if notify:
            announce(order=locked, event=event)
    copy_back(locked, order)
    return locked


def copy_back(source: WorkOrder, target: WorkOrder) -> None:
    """Bring the caller's instance of an order up to date with the saved one."""
    if source is target:
        return
    for field in WorkOrder._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
