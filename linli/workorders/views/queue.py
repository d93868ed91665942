"""The grid worker's pages (phones first): the queue of their grids in five tabs — new, to
file, to dispatch, overdue, to check — with the step each order waits for one tap away, and
巡查上报, a problem found on patrol (solved on the spot or left for dispatch).

Simple steps post to the order page's one endpoint (`workorders:act`) and come back here;
dispatching has its own page (views/dispatch.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.accounts.http import AuthenticatedHttpRequest
from linli.accounts.models import User
from linli.lib.photos import MAX_PHOTOS_PER_SUBMISSION
from linli.territory.models import Region
from linli.workorders.forms import add_service_errors, photo_problems
from linli.workorders.models import Category, WorkOrder
from linli.workorders.permissions import (
    allowed_actions,
    grid_staff_orders,
    grid_staff_regions,
    is_grid_staff,
)
from linli.workorders.queues import WorkerTab, tab_counts, worker_queue, worker_tab_filters
from linli.workorders.services.desk import report_on_patrol
from linli.workorders.staff_forms import PatrolForm
from linli.workorders.views.orders import map_config, outline
from linli.workorders.views.resident import category_groups

PAGE_SIZE = 20


def with_actions(user: User, orders: list[WorkOrder]) -> list[WorkOrder]:
    """Mark each order with the actions the user may take on it now (`order.can`)."""
    for order in orders:
        order.can = {a.value for a in allowed_actions(user, order)}  # type: ignore[attr-defined]
    return orders


@login_required
@require_GET
def worker(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_grid_staff(request.user):
        raise Http404("Not a grid worker")
    tab = request.GET.get("tab", WorkerTab.NEW)
    if tab not in WorkerTab.values:
        tab = WorkerTab.NEW
    mine = grid_staff_orders(request.user)
    counts = tab_counts(mine, worker_tab_filters())
    page = Paginator(worker_queue(mine, tab), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tabs": [(t, WorkerTab(t).label, counts[t]) for t in WorkerTab.values],
        "tab": tab,
        "page": page,
        "orders": with_actions(request.user, list(page.object_list)),
        "here": request.get_full_path(),
        "max_photos": MAX_PHOTOS_PER_SUBMISSION,  # the photo pickers of rework and on-the-spot
    }
    return render(request, "workorders/worker/queue.html", context)


def _patrol_context(user: User, form: PatrolForm) -> dict[str, Any]:
    grids = Region.objects.grids().within_any(grid_staff_regions(user)).exclude(geometry=None)
    features = [outline(g) for g in grids.only("pk", "name", "geometry")[:200]]
    marker = None
    if form.is_bound and form["lng"].value() and form["lat"].value():
        marker = {"lng": form["lng"].value(), "lat": form["lat"].value(),
                  "crs": form["crs"].value() or "wgs84"}  # fmt: skip
    chosen = str(form["category"].value() or "")
    groups = category_groups()
    return {
        "form": form,
        # A patrol finds city problems first; resident services come after.
        "groups": [g for g in groups if g.major.kind != Category.Kind.SERVICE]
        + [g for g in groups if g.major.kind == Category.Kind.SERVICE],
        "chosen": chosen,
        "max_photos": MAX_PHOTOS_PER_SUBMISSION,
        "map": map_config(features=features, marker=marker, pick=True),
    }


@login_required
@require_http_methods(["GET", "POST"])
def patrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_grid_staff(request.user):
        raise Http404("Not a grid worker")
    form = PatrolForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = report_on_patrol(
                by=request.user,
                category=data["category"],
                description=data["description"],
                lng=data["lng"],
                lat=data["lat"],
                crs=data["crs"] or "wgs84",
                address=data["address"],
                urgent=data["urgent"],
                photos=data["photos"],
                resolved_note=data["result"] if data["resolved"] else None,
                client_token=data["client_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            if data["photos"] and form.has_error("photos"):
                form.errors["photos"] = form.error_class(photo_problems(data["photos"]))
        else:
            text = (
                _("Order %(number)s reported.")
                if not data["resolved"]
                else _("Order %(number)s reported and closed as solved on the spot.")
            )
            messages.success(request, text % {"number": order.number})
            return redirect("workorders:detail", order.pk)
    status = 400 if form.is_bound else 200
    context = _patrol_context(request.user, form)
    return render(request, "workorders/worker/patrol.html", context, status=status)
