"""派单: the dispatch page of one order, for grid workers (on a phone) and dispatchers (at a
desk). It ranks responders and units with the reasons for each rank, lets the dispatcher
look up anyone else they may dispatch to, and dispatches with one tap. A returned order is
re-dispatched from here too (its return approved in the same step)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.accounts.http import AuthenticatedHttpRequest
from linli.accounts.models import Role, User
from linli.workorders.forms import DispatchForm, add_service_errors
from linli.workorders.models import Action, OrderState, WorkOrder
from linli.workorders.permissions import (
    dispatchable_units,
    dispatchable_user_ids,
    get_order_for,
    relations,
)
from linli.workorders.recommend import recommend_responders, recommend_units
from linli.workorders.services.desk import redispatch_order
from linli.workorders.workflow import TRANSITIONS, ActionRefused

DISPATCHABLE = (OrderState.FILED, OrderState.RETURNED)
SEARCH_LIMIT = 10


def _back(request: AuthenticatedHttpRequest, order: WorkOrder) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("workorders:detail", args=[order.pk])


def _search(user: User, order: WorkOrder, text: str) -> dict[str, Any]:
    """People and units matching `text` whom `user` may dispatch `order` to."""
    text = text.strip()[:50]
    if not text:
        return {}
    people = list(
        User.objects.filter(roles__role=Role.RESPONDER, roles__is_active=True, is_active=True)
        .filter(name__icontains=text)
        .distinct()
        .only("pk", "name")[:100]
    )
    allowed = dispatchable_user_ids(by=user, order=order, user_ids=[p.pk for p in people])
    units = dispatchable_units(by=user, order=order).filter(name__icontains=text)
    return {
        "people": [p for p in people if p.pk in allowed][:SEARCH_LIMIT],
        "units": list(units.select_related("service_area").order_by("name")[:SEARCH_LIMIT]),
    }


def _context(
    request: AuthenticatedHttpRequest, order: WorkOrder, form: DispatchForm
) -> dict[str, Any]:
    people = recommend_responders(order, limit=8, by=request.user)
    if order.state == OrderState.RETURNED:
        # It came back from its assignee: offer someone else.
        people = [p for p in people if p.responder_id != order.assignee_id]
    return {
        "order": order,
        "form": form,
        "people": people,
        "units": recommend_units(order, limit=5, by=request.user),
        "q": request.GET.get("q", ""),
        "found": _search(request.user, order, request.GET.get("q", "")),
        "next": _back(request, order),
        "returned_note": order.events.filter(action=Action.RETURN).order_by("-seq").first()
        if order.state == OrderState.RETURNED
        else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    order = get_order_for(request.user, pk, write=True)
    if not relations(request.user, order) & TRANSITIONS[Action.DISPATCH].actors:
        raise Http404("No such work order")
    if order.state not in DISPATCHABLE:
        messages.info(
            request, _("Order %(number)s has already been dispatched.") % {"number": order.number}
        )
        return redirect("workorders:detail", order.pk)
    form = DispatchForm(request.POST or None, action=Action.DISPATCH)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = redispatch_order(
                order=order,
                by=request.user,
                to_user=data["to_user"],
                to_unit=data["to_unit"],
                note=data["note"],
            )
        except ActionRefused as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("workorders:detail", order.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            target = done.assignee.name if done.assignee else done.assignee_unit.name  # type: ignore[union-attr]
            messages.success(
                request,
                _("Order %(number)s dispatched to %(to)s.") % {"number": done.number, "to": target},
            )
            return redirect(_back(request, done))
    status = 400 if form.is_bound else 200
    return render(
        request, "workorders/dispatch/dispatch.html", _context(request, order, form), status=status
    )
