"""The dispatch desk (派遣员 / 值班长, at a desk): the cross-grid queue of their region with
filters, and the approvals page — returns, extensions and parking waiting on them.

Filing, closing, escalating (督办), reminding (催办) and the approvals without a new deadline
post to `workorders:act` and come back here; approving an extension with a deadline of the
supervisor's choosing has its own endpoint."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.accounts.http import AuthenticatedHttpRequest
from linli.workorders.models import DeadlineUnit, WorkOrder
from linli.workorders.permissions import desk_orders, get_order_for, is_desk_staff
from linli.workorders.queues import approvals as approvals_of
from linli.workorders.queues import desk_counts, desk_queue
from linli.workorders.services import approve_extension as approve_extension_service
from linli.workorders.staff_forms import DeskFilterForm, ExtensionApprovalForm
from linli.workorders.views.queue import with_actions
from linli.workorders.workflow import ActionRefused

PAGE_SIZE = 30
APPROVALS_SHOWN = 300


def _desk_user(request: AuthenticatedHttpRequest) -> None:
    if not is_desk_staff(request.user):
        raise Http404("Not at a dispatch desk")


@login_required
@require_GET
def desk(request: AuthenticatedHttpRequest) -> HttpResponse:
    _desk_user(request)
    form = DeskFilterForm(request.GET, user=request.user)
    orders = desk_orders(request.user)
    page = Paginator(desk_queue(orders, form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "counts": desk_counts(orders),
        "page": page,
        "orders": with_actions(request.user, list(page.object_list)),
        "query": query.urlencode(),
        "here": request.get_full_path(),
    }
    return render(request, "workorders/supervisor/desk.html", context)


def _extension_form(order: WorkOrder) -> ExtensionApprovalForm:
    """Offers the time asked for; the supervisor may change it."""
    initial = {
        "amount": order.pending_amount,
        "unit": order.pending_unit or DeadlineUnit.WORKING_DAYS,
    }
    return ExtensionApprovalForm(initial=initial, auto_id=f"id_ext{order.pk}_%s")


@login_required
@require_GET
def approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    _desk_user(request)
    groups = approvals_of(desk_orders(request.user), limit=APPROVALS_SHOWN)
    context = {
        "groups": groups,
        "extensions": [(o, _extension_form(o)) for o in groups["extensions"]],
        "here": request.get_full_path(),
    }
    return render(request, "workorders/supervisor/approvals.html", context)


@login_required
@require_POST
def approve_extension(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Grant an extension: the time asked for, or another amount the supervisor sets."""
    order = get_order_for(request.user, pk, write=True)
    form = ExtensionApprovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("workorders:approvals")
    data = form.cleaned_data
    try:
        done = approve_extension_service(
            order=order,
            by=request.user,
            note=data["note"],
            amount=data["amount"],
            unit=data["unit"],
        )
    except (ActionRefused, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Extension of %(number)s approved.") % {"number": done.number})
    return redirect("workorders:approvals")
