"""Resident pages: 我要报事 (submit in under a minute: category, description, photos, place;
the grid found as the place is set, and open orders of the same kind nearby offered for
"me too") and 我的工单 (the resident's own orders, and those they joined)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.http import AuthenticatedHttpRequest
from linli.accounts.models import Role, User
from linli.lib.photos import MAX_PHOTOS_PER_SUBMISSION
from linli.territory import gridindex
from linli.territory.models import Region, Resident
from linli.territory.permissions import role_assignments
from linli.workorders.forms import (
    NearbyForm,
    OrderForm,
    add_service_errors,
    photo_problems,
    place_problem,
)
from linli.workorders.models import Category, OrderSupport, Source, WorkOrder
from linli.workorders.permissions import get_order_to_support
from linli.workorders.queries import nearby_open_orders
from linli.workorders.services import create_order, support_order
from linli.workorders.templatetags.order_tags import ICON_PATH, icon_for
from linli.workorders.views.orders import map_config, outline
from linli.workorders.workflow import ActionRefused

PAGE_SIZE = 20
KIND_NOTE = {
    Category.Kind.INCIDENT: gettext_lazy("incident"),
    Category.Kind.COMPONENT: gettext_lazy("facility"),
    Category.Kind.SERVICE: gettext_lazy("help"),
}


@dataclass
class Tile:
    category: Category
    icon: str
    label: str
    hint: str  # the minor class of a detail class
    search: str  # every name on the way up, for the search box


@dataclass
class Group:
    major: Category
    icon: str
    note: str
    tiles: list[Tile] = field(default_factory=list)


def category_groups() -> list[Group]:
    """Every category an order may go under, by major class: resident services first (the
    five smalls, then micro-help), then incidents, then city components."""
    cats = list(Category.objects.active().order_by("sort_order", "code"))
    by_id = {c.pk: c for c in cats}
    parents = {c.parent_id for c in cats if c.parent_id is not None}
    groups: dict[int, Group] = {}
    for cat in cats:
        if cat.pk in parents or (cat.parent_id is not None and cat.parent_id not in by_id):
            continue
        chain = [cat]
        while chain[-1].parent_id is not None:
            chain.append(by_id[chain[-1].parent_id])
        major = chain[-1]
        group = groups.setdefault(
            major.pk,
            Group(major, icon_for(major, by_id), str(KIND_NOTE[Category.Kind(major.kind)])),
        )
        hint = chain[1].name if len(chain) > 2 else ""
        search = " ".join(c.name for c in chain)
        group.tiles.append(Tile(cat, icon_for(cat, by_id), cat.name, hint, search))
    order = {Category.Kind.SERVICE: 0, Category.Kind.INCIDENT: 1, Category.Kind.COMPONENT: 2}
    return sorted(groups.values(), key=lambda g: (order[Category.Kind(g.major.kind)], g.major.code))


def home_grid(user: User) -> Region | None:
    record = Resident.objects.filter(user=user, grid__isnull=False).select_related("grid").first()
    if record is not None:
        return record.grid
    for a in role_assignments(user):
        if a.role == Role.RESIDENT and a.region.level == Region.Level.GRID:
            return a.region
    return None


def _new_context(user: User, form: OrderForm) -> dict[str, Any]:
    home = home_grid(user)
    features = []
    if home is not None:
        shown = Region.objects.filter(parent_id=home.parent_id, level=Region.Level.GRID)
        for grid in shown.exclude(geometry=None).only("pk", "name", "geometry"):
            features.append(outline(grid, home=grid.pk == home.pk))
    marker = None
    if form.is_bound and form["lng"].value() and form["lat"].value():
        marker = {"lng": form["lng"].value(), "lat": form["lat"].value(),
                  "crs": form["crs"].value() or "wgs84"}  # fmt: skip
    chosen = str(form["category"].value() or "")
    groups = category_groups()
    return {
        "form": form,
        "featured": [g for g in groups if g.major.kind == Category.Kind.SERVICE],
        "others": [g for g in groups if g.major.kind != Category.Kind.SERVICE],
        "chosen": chosen,
        "max_photos": MAX_PHOTOS_PER_SUBMISSION,
        "map": map_config(features=features, marker=marker, pick=True),
    }


@login_required
@require_http_methods(["GET", "POST"])
def new_order(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrderForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photos = data["photos"]
        try:
            order = create_order(
                source=Source.RESIDENT, reporter=request.user, category=data["category"],
                description=data["description"], lng=data["lng"], lat=data["lat"],
                crs=data["crs"] or "wgs84", address=data["address"],
                name_public=data["name_public"], urgent=data["urgent"],
                photos=photos, client_token=data["client_token"] or None,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
            if photos and form.has_error("photos"):
                form.errors["photos"] = form.error_class(photo_problems(photos))
        else:
            messages.success(request, _("Sent. Your order number is %(n)s.") % {"n": order.number})
            return redirect("workorders:detail", order.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "workorders/resident/new.html", _new_context(request.user, form), status=status
    )


@login_required
@require_GET
def nearby(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HTMX: the grid at the chosen place (or why there is none), and open orders of the
    chosen category near it."""
    form = NearbyForm(request.GET)
    if not form.is_valid():
        return render(request, "workorders/resident/_nearby.html", {"place": None})
    lng, lat = form.cleaned_data["lng"], form.cleaned_data["lat"]
    crs, category = form.cleaned_data["crs"] or "wgs84", form.cleaned_data["category"]
    problem = place_problem(lng, lat, crs)
    context: dict[str, Any] = {"place": True, "problem": problem, "nearby": []}
    if problem is None:
        found = gridindex.resolve(lng, lat, crs="gcj02" if crs == "gcj02" else "wgs84")
        grid = (
            Region.objects.filter(pk=found.grid.id).only("name", "geometry").first()
            if found.grid
            else None
        )
        context["grid_name"] = found.grid_label()
        context["outline"] = outline(grid) if grid is not None and grid.geometry else None
        if category is not None:
            near = nearby_open_orders(category, lng, lat, crs=crs)
            joined = set(OrderSupport.objects.filter(
                user=request.user, order__in=[n.order.pk for n in near]
            ).values_list("order_id", flat=True))  # fmt: skip
            context["nearby"] = [(n, n.order.pk in joined) for n in near]
    return render(request, "workorders/resident/_nearby.html", context)


@login_required
@require_POST
def support(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """我也遇到了: join an open order instead of reporting it again."""
    order = get_order_to_support(request.user, pk)
    try:
        support_order(order=order, by=request.user)
    except ActionRefused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workorders:new")
    messages.success(request, _("Thank you. You have joined this order and will hear how it goes."))
    return redirect("workorders:detail", order.pk)


@login_required
@require_GET
def my_orders(request: AuthenticatedHttpRequest) -> HttpResponse:
    mine = WorkOrder.objects.filter(requester=request.user).with_details().select_related(ICON_PATH)
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    joined = (
        WorkOrder.objects.filter(supports__user=request.user)
        .with_details()
        .select_related(ICON_PATH)
        .order_by("-supports__created_at")[:PAGE_SIZE]
    )
    context = {"page": page, "joined": list(joined), "to_rate": mine.filter(state="closed").count()}
    return render(request, "workorders/resident/mine.html", context)
