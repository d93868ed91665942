"""The renovation stage machine, shared by projects and the estates in them.

    surveyed → planned → started → completed → accepted

Only the moves in TRANSITIONS are allowed, one step at a time, each with its date: nothing
completes before it has started, nothing is accepted before it is completed, and no date
comes before the one of the stage before it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.renewal.models.projects import STAGE_DATE_FIELDS, STAGE_ORDER, Stage

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.SURVEYED: frozenset({Stage.PLANNED}),
    Stage.PLANNED: frozenset({Stage.STARTED}),
    Stage.STARTED: frozenset({Stage.COMPLETED}),
    Stage.COMPLETED: frozenset({Stage.ACCEPTED}),
    Stage.ACCEPTED: frozenset(),
}
# Stages whose date must be known once reached: the figures count by them.
DATED_STAGES = (Stage.STARTED, Stage.COMPLETED, Stage.ACCEPTED)


def next_stages(stage: str) -> list[Stage]:
    return sorted(TRANSITIONS[Stage(stage)], key=lambda s: STAGE_ORDER[s])


def check_transition(*, current: str, to: str, dates: dict[str, date | None], on: date) -> None:
    """Raise ValidationError unless `current → to` on `on` is allowed, given earlier dates."""
    try:
        target = Stage(to)
    except ValueError as exc:
        raise ValidationError({"stage": _("Unknown stage.")}) from exc
    if target not in TRANSITIONS[Stage(current)]:
        raise ValidationError({"stage": transition_error(current, target)})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    earlier = [d for s, d in _dates_in_order(dates) if STAGE_ORDER[s] < STAGE_ORDER[target] and d]
    if earlier and on < max(earlier):
        raise ValidationError(
            {
                "on": _("The date cannot be before %(date)s, the date of the previous stage.")
                % {"date": max(earlier).isoformat()}
            }
        )


def transition_error(current: str, target: str) -> str:
    if target == Stage.COMPLETED and STAGE_ORDER[current] < STAGE_ORDER[Stage.STARTED]:
        return _("It cannot be completed before it has started.")
    if target == Stage.ACCEPTED and STAGE_ORDER[current] < STAGE_ORDER[Stage.COMPLETED]:
        return _("It can be accepted only after it is completed.")
    if STAGE_ORDER[target] <= STAGE_ORDER[current]:
        return _("It is already %(stage)s.") % {"stage": Stage(current).label}
    return _("From %(current)s it can only move to the next stage.") % {
        "current": Stage(current).label
    }


def _dates_in_order(dates: dict[str, date | None]) -> list[tuple[Stage, date | None]]:
    return [(stage, dates.get(STAGE_DATE_FIELDS[stage])) for stage in Stage]


def validate_stage_dates(stage: str, dates: dict[str, date | None]) -> dict[str, str]:
    """Check a stage and its dates as a whole (imports and edits set them together).
    Returns {date field: message}; empty when consistent."""
    errors: dict[str, str] = {}
    rank = STAGE_ORDER[stage]
    today = timezone.localdate()
    previous: date | None = None
    for each, value in _dates_in_order(dates):
        field = STAGE_DATE_FIELDS[each]
        if STAGE_ORDER[each] > rank:
            if value is not None:
                errors[field] = _("A date is given for a stage not yet reached (%(stage)s).") % {
                    "stage": each.label
                }
            continue
        if value is None:
            if each in DATED_STAGES:
                errors[field] = _("The stage is %(stage)s, so this date is required.") % {
                    "stage": Stage(stage).label
                }
            continue
        if value > today:
            errors[field] = _("The date cannot be in the future.")
        elif previous is not None and value < previous:
            errors[field] = _(
                "The date cannot be before %(date)s, the date of the previous stage."
            ) % {"date": previous.isoformat()}
        previous = value
    return errors


def stage_dates(record: Any) -> dict[str, date | None]:
    return {field: getattr(record, field) for field in STAGE_DATE_FIELDS.values()}
