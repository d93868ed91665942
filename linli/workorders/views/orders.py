"""The order page every role shares, and the one endpoint every action posts to.

`act` validates with the action's form (forms.ACTIONS), calls the matching service and
answers in three ways: a plain POST is redirected to the order page with a message; an HTMX
post from the order page gets the page back (the panel swaps in place); one from a list card
(view=card) gets the card back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from linli.accounts.http import AuthenticatedHttpRequest
from linli.accounts.models import Organization, User
from linli.lib.masking import mask_name
from linli.territory import gridindex
from linli.workorders import services as s
from linli.workorders.forms import (
    ACTIONS,
    ActionForm,
    add_service_errors,
    photo_problems,
)
from linli.workorders.models import Action, OrderEvent, OrderState, OrderSupport, WorkOrder
from linli.workorders.permissions import allowed_actions, get_order_for, relations
from linli.workorders.queries import timeline
from linli.workorders.templatetags.order_tags import SATISFACTION_TEXT, limit_text
from linli.workorders.workflow import ActionRefused, Actor, refusal

Service = Callable[[WorkOrder, User, dict[str, Any]], WorkOrder]
A = Action
# Action → the service that takes it, fed from the form's cleaned data.
SERVICES: dict[str, Service] = {
    A.FILE: lambda o, u, d: s.file_order(order=o, by=u, note=d["note"]),
    A.DECLINE: lambda o, u, d: s.decline_order(order=o, by=u, note=d["note"]),
    A.CANCEL: lambda o, u, d: s.cancel_order(order=o, by=u, note=d["note"]),
    A.DISPATCH: lambda o, u, d: s.dispatch_order(
        order=o, by=u, to_user=d["to_user"], to_unit=d["to_unit"], note=d["note"]
    ),
    A.CLAIM: lambda o, u, d: s.claim_order(order=o, by=u, note=d["note"]),
    A.ACCEPT: lambda o, u, d: s.accept_order(order=o, by=u, note=d["note"]),
    A.RETURN: lambda o, u, d: s.return_order(order=o, by=u, note=d["note"]),
    A.APPROVE_RETURN: lambda o, u, d: s.approve_return(order=o, by=u, note=d["note"]),
    A.REFUSE_RETURN: lambda o, u, d: s.refuse_return(order=o, by=u, note=d["note"]),
    A.REQUEST_EXTENSION: lambda o, u, d: s.request_extension(
        order=o, by=u, amount=d["amount"], unit=d["unit"], note=d["note"]
    ),
    A.APPROVE_EXTENSION: lambda o, u, d: s.approve_extension(order=o, by=u, note=d["note"]),
    A.REFUSE_EXTENSION: lambda o, u, d: s.refuse_extension(order=o, by=u, note=d["note"]),
    A.PARK: lambda o, u, d: s.park_order(order=o, by=u, note=d["note"]),
    A.APPROVE_PARK: lambda o, u, d: s.approve_park(order=o, by=u, note=d["note"]),
    A.REFUSE_PARK: lambda o, u, d: s.refuse_park(order=o, by=u, note=d["note"]),
    A.RESUME: lambda o, u, d: s.resume_order(order=o, by=u, note=d["note"]),
    A.HANDLE: lambda o, u, d: s.handle_order(order=o, by=u, note=d["note"], photos=d["photos"]),
    A.CLOSE: lambda o, u, d: s.close_order(order=o, by=u, note=d["note"], photos=d["photos"]),
    A.REWORK: lambda o, u, d: s.rework_order(order=o, by=u, note=d["note"], photos=d["photos"]),
    A.RATE: lambda o, u, d: s.rate_order(
        order=o, by=u, resolved=d["resolved"], satisfaction=d["satisfaction"], comment=d["note"]
    ),
    A.REOPEN: lambda o, u, d: s.reopen_order(order=o, by=u, note=d["note"]),
    A.ESCALATE: lambda o, u, d: s.escalate_order(order=o, by=u, note=d["note"]),
    A.REMIND: lambda o, u, d: s.remind_order(order=o, by=u, note=d["note"]),
    A.SUPPORT: lambda o, u, d: s.support_order(order=o, by=u),
    A.RESOLVE_ON_SPOT: lambda o, u, d: s.resolve_on_spot(
        order=o, by=u, note=d["note"], photos=d["photos"]
    ),
}


# What a person is told once their step is taken, in plain words about what happens next.
DONE_TEXT: dict[str, Promise] = {
    A.FILE: gettext_lazy("Order %(number)s is filed."),
    A.DECLINE: gettext_lazy("Order %(number)s will not be filed."),
    A.CANCEL: gettext_lazy("Request %(number)s is cancelled."),
    A.DISPATCH: gettext_lazy("Order %(number)s is dispatched."),
    A.CLAIM: gettext_lazy("Order %(number)s is yours. Report the result once it is done."),
    A.ACCEPT: gettext_lazy("Accepted. Report the result once it is done."),
    A.RETURN: gettext_lazy("Return sent; it waits for approval."),
    A.APPROVE_RETURN: gettext_lazy("Return approved. Dispatch the order again."),
    A.REFUSE_RETURN: gettext_lazy("Return refused; the handler keeps the order."),
    A.REQUEST_EXTENSION: gettext_lazy("Extension asked for; it waits for approval."),
    A.APPROVE_EXTENSION: gettext_lazy("Extension approved; the deadline is moved."),
    A.REFUSE_EXTENSION: gettext_lazy("Extension refused; the deadline stays."),
    A.PARK: gettext_lazy("Parking asked for; it waits for approval."),
    A.APPROVE_PARK: gettext_lazy("Parking approved; the clock is paused."),
    A.REFUSE_PARK: gettext_lazy("Parking refused."),
    A.RESUME: gettext_lazy("Handling resumed with a fresh deadline."),
    A.HANDLE: gettext_lazy("Result sent; it waits for the check."),
    A.CLOSE: gettext_lazy("Order %(number)s is checked and closed."),
    A.REWORK: gettext_lazy("Sent back for rework."),
    A.RATE: gettext_lazy("Thank you for your rating."),
    A.REOPEN: gettext_lazy("Reopened; the order will be handled again."),
    A.ESCALATE: gettext_lazy("Order %(number)s is escalated."),
    A.REMIND: gettext_lazy("Reminder sent for order %(number)s."),
    A.SUPPORT: gettext_lazy("Noted: you have this problem too."),
    A.RESOLVE_ON_SPOT: gettext_lazy("Order %(number)s is closed as solved on the spot."),
}


def done_text(action: str, order: WorkOrder) -> str:
    """The message after a step is taken; every action has its own."""
    if action in DONE_TEXT:
        return str(DONE_TEXT[action]) % {"number": order.number}
    return _("Done: %(action)s.") % {"action": ACTIONS[action].label}


def map_config(
    *, features: list[dict[str, Any]], marker: dict[str, Any] | None = None, pick: bool = False
) -> dict[str, Any]:
    """What static/js/order-map.js needs: tiles (and their CRS), grid outlines in WGS84, the
    order's point, and whether a tap sets the place."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "crs": settings.MAP_TILE_CRS,
        "features": features,
        "marker": marker,
        "pick": pick,
    }


def outline(region: Any, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": region.geometry,
        "properties": {"name": region.name, **props},
    }


@dataclass
class Step:
    """One event as the timeline shows it."""

    event: OrderEvent
    who: str
    detail: str


def steps(order: WorkOrder, viewer: User) -> list[Step]:
    """The order's events, newest first, with who acted (residents' names masked unless it
    is the viewer or a requester who made their name public) and what each step carried."""
    events = timeline(order)
    users = {e.data.get("to_user") for e in events if e.action == Action.DISPATCH}
    units = {e.data.get("to_unit") for e in events if e.action == Action.DISPATCH}
    user_names = dict(User.objects.filter(pk__in=users - {None}).values_list("pk", "name"))
    unit_names = dict(Organization.objects.filter(pk__in=units - {None}).values_list("pk", "name"))
    out = []
    for e in events:
        if e.actor is None:
            who = _("System")
        elif e.actor_id == viewer.pk or e.actor_id not in _residents(order, e):
            who = e.actor.name
        else:
            who = (
                order.requester_display_name
                if e.actor_id == order.requester_id
                else mask_name(e.actor.name)
            )
        out.append(Step(e, who, _detail(e, user_names, unit_names)))
    out.reverse()
    return out


def _residents(order: WorkOrder, event: OrderEvent) -> set[int | None]:
    """Actors of an event whose names are personal: the requester and supporters."""
    people = {order.requester_id}
    if event.action == Action.SUPPORT:
        people.add(event.actor_id)
    return people


def _detail(e: OrderEvent, user_names: dict[int, str], unit_names: dict[int, str]) -> str:
    d = e.data or {}
    if e.action == Action.DISPATCH:
        whom = [
            unit_names.get(d.get("to_unit") or 0, ""),
            user_names.get(d.get("to_user") or 0, ""),
        ]
        return _("To %(whom)s") % {"whom": " · ".join(w for w in whom if w)}
    if e.action in (Action.REQUEST_EXTENSION, Action.APPROVE_EXTENSION) and d.get("amount"):
        return _("%(limit)s more") % {"limit": limit_text(int(d["amount"]), str(d.get("unit", "")))}
    if e.action == Action.RATE:
        resolved = _("solved") if d.get("resolved") else _("not solved")
        return f"{SATISFACTION_TEXT.get(d.get('satisfaction', ''), '')} · {resolved}"
    return ""


def _offered(user: User, order: WorkOrder) -> list[Action]:
    """The allowed actions worth a button: "me too" is for neighbours, not for the people
    handling the order, nor for someone who already joined it."""
    actions = allowed_actions(user, order)
    if Action.SUPPORT in actions and (
        relations(user, order) - {Actor.SUPPORTER, Actor.CLAIMANT}
        or OrderSupport.objects.filter(order=order, user=user).exists()
    ):
        actions.remove(Action.SUPPORT)
    return actions


def order_context(
    request: AuthenticatedHttpRequest,
    order: WorkOrder,
    *,
    bound: ActionForm | None = None,
    notice: str = "",
) -> dict[str, Any]:
    panel = []
    for action in _offered(request.user, order):
        spec = ACTIONS[action]
        form = bound if bound is not None and bound.action == action else None
        panel.append((action.value, spec, form or spec.form(action=action.value)))
    panel.sort(key=lambda row: row[1].rank)
    features = [outline(order.grid)] if order.grid.geometry else []
    return {
        "order": order,
        "steps": steps(order, request.user),
        "panel": panel,
        "open_action": bound.action if bound is not None else "",
        "grid_name": gridindex.grid_label(order.community.name, order.grid.name),
        "notice": notice,
        "map": map_config(features=features, marker={"lng": order.lng, "lat": order.lat}),
    }


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    order = get_order_for(request.user, pk)
    return render(request, "workorders/order/detail.html", order_context(request, order))


def _next_url(request: AuthenticatedHttpRequest, order: WorkOrder) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("workorders:detail", args=[order.pk])


def _claim_lost(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Someone claimed the order first: the order is no longer the loser's to see, but a
    responder who could have claimed it is told so instead of a bare 404."""
    order = WorkOrder.objects.with_details().filter(pk=pk).first()
    if order is None or Actor.CLAIMANT not in relations(request.user, order):
        raise Http404("No such work order")
    text = refusal(order, Action.CLAIM, relations(request.user, order)) or _(
        "This order has already been taken by someone else."
    )
    if request.htmx and request.POST.get("view") == "card":
        return render(request, "workorders/_order_card.html", {"order": order, "notice": text})
    messages.error(request, text)
    return redirect("workorders:claimable")


def _answer(
    request: AuthenticatedHttpRequest, order: WorkOrder, text: str, *, ok: bool
) -> HttpResponse:
    """The reply to a taken (ok) or refused action, in the shape the request wants."""
    if request.htmx and request.POST.get("view") == "card":
        context = {
            "order": order,
            "notice": text,
            "notice_ok": ok,
            "quick": [],
            # Just accepted or claimed: the next step, reporting the result, is one tap away.
            "report_link": ok and order.state == OrderState.ACCEPTED,
        }
        return render(request, "workorders/_order_card.html", context)
    if request.htmx:
        try:
            fresh = get_order_for(request.user, order.pk)
        except Http404:
            return HttpResponse(headers={"HX-Redirect": reverse("home")})
        context = order_context(request, fresh, notice=text) | {"notice_ok": ok}
        return render(request, "workorders/order/detail.html", context)
    (messages.success if ok else messages.error)(request, text)
    return redirect(_next_url(request, order))


@login_required
@require_POST
def act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action")
    try:
        order = get_order_for(request.user, pk, write=True)
    except Http404:
        if action == Action.CLAIM:
            return _claim_lost(request, pk)
        raise
    spec = ACTIONS[action]
    form = spec.form(request.POST, request.FILES, action=action)
    if form.is_valid():
        try:
            done = SERVICES[action](order, request.user, form.cleaned_data)
        except ActionRefused as exc:
            return _answer(request, order, " ".join(exc.messages), ok=False)
        except ValidationError as exc:
            photos = form.cleaned_data.get("photos")
            add_service_errors(form, exc)
            if photos and form.has_error("photos"):
                form.errors["photos"] = form.error_class(
                    photo_problems(photos) or form.errors["photos"]
                )
        else:
            return _answer(request, done, done_text(action, done), ok=True)
    context = order_context(request, order, bound=form)
    # HTMX swaps only 2xx answers; a plain POST says plainly that the input was refused.
    status = 200 if request.htmx else 400
    return render(request, "workorders/order/detail.html", context, status=status)
