"""How orders read on the resident, responder and order pages: states in words a resident
understands, steps of the timeline, category icons and the expected completion time."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from linli.workorders.models import (
    Action,
    Category,
    DeadlineUnit,
    OrderState,
    Satisfaction,
    WorkOrder,
)

register = template.Library()

S = OrderState
STATE_TEXT: dict[str, Promise] = {
    S.REPORTED: gettext_lazy("Waiting to be accepted"),
    S.FILED: gettext_lazy("Accepted, waiting for dispatch"),
    S.DISPATCHED: gettext_lazy("Dispatched"),
    S.ACCEPTED: gettext_lazy("Being handled"),
    S.RETURNED: gettext_lazy("Returned, to be dispatched again"),
    S.PARKED: gettext_lazy("Parked (long-term work)"),
    S.HANDLED: gettext_lazy("Handled, waiting for the check"),
    S.CLOSED: gettext_lazy("Done, waiting for your rating"),
    S.RATED: gettext_lazy("Rated"),
    S.DECLINED: gettext_lazy("Not accepted"),
    S.CANCELLED: gettext_lazy("Cancelled"),
}
# The colour class of a state's badge.
STATE_TONE: dict[str, str] = {
    S.REPORTED: "new",
    S.FILED: "new",
    S.DISPATCHED: "busy",
    S.ACCEPTED: "busy",
    S.RETURNED: "warn",
    S.PARKED: "warn",
    S.HANDLED: "busy",
    S.CLOSED: "done",
    S.RATED: "done",
    S.DECLINED: "off",
    S.CANCELLED: "off",
}
A = Action
# The steps of the timeline, named as the national seven steps name them (上报, 立案, 派单 …).
STEP_TEXT: dict[str, Promise] = {
    A.REPORT: pgettext_lazy("order step", "Reported the problem"),
    A.FILE: pgettext_lazy("order step", "Filed"),
    A.DECLINE: pgettext_lazy("order step", "Declined"),
    A.DISPATCH: pgettext_lazy("order step", "Dispatched"),
    A.CLAIM: pgettext_lazy("order step", "Claimed"),
    A.ACCEPT: pgettext_lazy("order step", "Accepted"),
    A.RETURN: pgettext_lazy("order step", "Returned"),
    A.APPROVE_RETURN: pgettext_lazy("order step", "Return approved"),
    A.REFUSE_RETURN: pgettext_lazy("order step", "Return refused"),
    A.REQUEST_EXTENSION: pgettext_lazy("order step", "Extension asked for"),
    A.APPROVE_EXTENSION: pgettext_lazy("order step", "Extension approved"),
    A.REFUSE_EXTENSION: pgettext_lazy("order step", "Extension refused"),
    A.PARK: pgettext_lazy("order step", "Parking asked for"),
    A.APPROVE_PARK: pgettext_lazy("order step", "Parking approved"),
    A.REFUSE_PARK: pgettext_lazy("order step", "Parking refused"),
    A.RESUME: pgettext_lazy("order step", "Resumed"),
    A.HANDLE: pgettext_lazy("order step", "Result reported"),
    A.CLOSE: pgettext_lazy("order step", "Checked and closed"),
    A.REWORK: pgettext_lazy("order step", "Sent back for rework"),
    A.RATE: pgettext_lazy("order step", "Rated"),
    A.REOPEN: pgettext_lazy("order step", "Reopened"),
    A.ESCALATE: pgettext_lazy("order step", "Escalated"),
    A.REMIND: pgettext_lazy("order step", "Reminded"),
    A.CANCEL: pgettext_lazy("order step", "Cancelled"),
    A.SUPPORT: pgettext_lazy("order step", "Someone else has the same problem"),
    A.RESOLVE_ON_SPOT: pgettext_lazy("order step", "Resolved on the spot"),
    A.MARK_OVERDUE: pgettext_lazy("order step", "Past the deadline"),
}
SATISFACTION_TEXT: dict[str, Promise] = {
    Satisfaction.SATISFIED: gettext_lazy("Satisfied"),
    Satisfaction.FAIRLY: gettext_lazy("Fairly satisfied"),
    Satisfaction.DISSATISFIED: gettext_lazy("Dissatisfied"),
}
# Icon keys of data/categories/categories.json → an emoji every phone can draw.
ICONS = {
    "five_smalls": "🏘️", "small_matter": "📌", "small_repair": "🔧", "mediation": "🤝",
    "small_request": "💬", "small_difficulty": "🆘", "bulb": "💡", "drain": "🚿",
    "tap": "🚰", "appliance": "🔌", "micro_help": "❤️", "study": "📚", "medical": "🩺",
    "hardship": "🎁", "mobility": "🦯", "elderly": "👵", "disability": "♿", "meal": "🍱",
    "cleaning": "🧹", "bath": "🛁", "urgent_help": "🚑", "legal": "⚖️", "employment": "💼",
    "utility": "🔩", "road": "🚦", "cityscape": "🏙️", "greenery": "🌳", "building": "🏠",
    "other": "📦", "poster": "📢", "construction": "🚧", "street": "🛒", "alert": "⚠️",
}  # fmt: skip
DEFAULT_ICON = "📍"
# What a list of orders selects so that every card's icon (up to the major class) is at hand.
ICON_PATH = "category__parent__parent"


def icon_for(category: Category, parents: dict[int, Category] | None = None) -> str:
    """The category's icon, or the nearest ancestor's (children inherit it)."""
    node: Category | None = category
    while node is not None:
        if node.icon in ICONS:
            return ICONS[node.icon]
        if node.parent_id is None:
            break
        node = parents.get(node.parent_id) if parents is not None else node.parent
    return DEFAULT_ICON


@register.filter
def state_text(state: str) -> str:
    return str(STATE_TEXT.get(state, state))


@register.filter
def state_tone(state: str) -> str:
    return STATE_TONE.get(state, "off")


@register.filter
def step_text(action: str) -> str:
    return str(STEP_TEXT.get(action, action))


@register.filter
def category_icon(category: Category) -> str:
    return icon_for(category)


def limit_text(amount: int, unit: str) -> str:
    if unit == DeadlineUnit.WORKING_HOURS:
        return _("%(n)d working hours") % {"n": amount}
    return _("%(n)d working days") % {"n": amount}


@register.filter
def expected_completion(order: WorkOrder, clock_from: str = "") -> str:
    """When the order should be handled: its deadline once dispatched, before that the
    category's limit counted from dispatch (or, `clock_from="claim"`, for someone who may
    claim it, from taking it)."""
    if order.deadline_at is not None:
        local = timezone.localtime(order.deadline_at)
        return _("By %(when)s") % {"when": date_format(local, "SHORT_DATETIME_FORMAT")}
    if order.state in (S.REPORTED, S.FILED, S.RETURNED):
        amount, unit = order.category.deadline_for(urgent=order.urgent)
        if clock_from == "claim":
            return _("Within %(limit)s of taking it") % {"limit": limit_text(amount, unit)}
        return _("Within %(limit)s of dispatch") % {"limit": limit_text(amount, unit)}
    return ""


@register.filter
def meters(distance: float | None) -> str:
    """A distance for people: 80 m away, 1.2 km away."""
    if distance is None:
        return ""
    if distance >= 1000:
        return _("%(km).1f km away") % {"km": distance / 1000}
    return _("%(m)d m away") % {"m": round(distance)}


@register.filter
def satisfaction_text(value: str) -> str:
    return str(SATISFACTION_TEXT.get(value, ""))
