"""Responder pages (party members, volunteers, merchants, property companies, departments):
我的任务 — orders dispatched to them or their unit — and 附近可抢单 — orders open to claiming
in their area, nearest to their service point first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from linli.accounts.http import AuthenticatedHttpRequest
from linli.accounts.models import Role
from linli.lib.geo import haversine_m
from linli.territory.permissions import role_assignments
from linli.workorders.models import OrderState, ResponderProfile, WorkOrder
from linli.workorders.permissions import allowed_actions, organization_ids
from linli.workorders.queries import claimable_orders
from linli.workorders.templatetags.order_tags import ICON_PATH

S = OrderState
# Sections of 我的任务, in the order they are shown.
SECTIONS = [
    ("to_accept", (S.DISPATCHED,)),
    ("in_hand", (S.ACCEPTED, S.PARKED)),
    ("to_check", (S.HANDLED,)),
    ("returned", (S.RETURNED,)),
]
DONE_STATES = (S.CLOSED, S.RATED, S.CANCELLED, S.DECLINED)
QUICK = {"claim", "accept"}
CLAIMABLE_LIMIT = 100


@login_required
@require_GET
def tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    mine = (
        WorkOrder.objects.filter(Q(assignee=user) | Q(assignee_unit_id__in=organization_ids(user)))
        .with_details()
        .select_related(ICON_PATH)
    )
    if request.GET.get("show") == "done":
        page = Paginator(mine.filter(state__in=DONE_STATES), 20).get_page(request.GET.get("page"))
        return render(request, "workorders/responder/tasks.html", {"done": True, "page": page})
    open_orders = list(mine.exclude(state__in=DONE_STATES).order_by("deadline_at", "pk"))
    sections = []
    for name, states in SECTIONS:
        rows = [
            (o, [a for a in allowed_actions(user, o) if a in QUICK])
            for o in open_orders
            if o.state in states
        ]
        sections.append((name, rows))
    context = {"sections": sections, "nothing": not open_orders}
    return render(request, "workorders/responder/tasks.html", context)


@login_required
@require_GET
def claimable(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    profile = ResponderProfile.objects.filter(user=user).first()
    found = claimable_orders(user).select_related(ICON_PATH).order_by("-created_at")
    orders = list(found[:CLAIMABLE_LIMIT])
    rows = []
    for order in orders:
        distance = None
        if profile is not None and profile.lng is not None and profile.lat is not None:
            distance = haversine_m(profile.lng, profile.lat, order.lng, order.lat)
        rows.append((order, distance, [a for a in allowed_actions(user, order) if a in QUICK]))
    rows.sort(key=lambda r: (r[1] is None, r[1] or 0))
    radius = profile.service_radius_m if profile is not None else None
    is_responder = any(a.role == Role.RESPONDER for a in role_assignments(user))
    context = {"rows": rows, "radius": radius, "is_responder": is_responder}
    return render(request, "workorders/responder/claimable.html", context)
