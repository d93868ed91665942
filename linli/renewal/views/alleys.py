"""Back alleys (背街小巷): list, create, edit and move through the stages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.http import AuthenticatedHttpRequest
from linli.renewal import permissions
from linli.renewal.forms import AlleyForm, apply_errors
from linli.renewal.models import AlleyWorkOrder, StreetProject
from linli.renewal.services import alleys as services
from linli.renewal.views.stages import advance_from_form
from linli.workorders.models import WorkOrder


@login_required
def alley_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_read_renewal(request.user):
        raise Http404
    qs = permissions.visible_alleys(request.user).select_related("district", "subdistrict")
    if stage := request.GET.get("stage"):
        qs = qs.filter(stage=stage)
    if request.GET.get("demonstration"):
        qs = qs.filter(is_demonstration=True)
    context = {
        "alleys": qs.order_by("-cohort_year", "district__code", "name"),
        "stages": StreetProject.Stage.choices,
        "stage": stage or "",
        "can_edit": permissions.can_edit_renewal(request.user),
    }
    return render(request, "renewal/alleys.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def alley_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_edit_renewal(request.user):
        raise Http404
    alley = permissions.get_alley_for(request.user, pk, write=True) if pk else None
    form = AlleyForm(
        request.POST or None, instance=alley, districts=permissions.editable_districts(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.ALLEY_FIELDS}
        try:
            if alley is None:
                alley = services.create_alley(actor=request.user, **data)
            else:
                alley = services.update_alley(alley=alley, actor=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Alley %(name)s saved.") % {"name": alley.name})
            return redirect("renewal:alley", pk=alley.pk)
    return render(request, "renewal/alley_form.html", {"form": form, "alley": alley})


@login_required
def alley_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alley = permissions.get_alley_for(request.user, pk)
    can_edit = permissions.can_edit_region(request.user, alley.subdistrict or alley.district)
    next_stage = sorted(services.TRANSITIONS[alley.stage])
    context = {
        "alley": alley,
        "can_edit": can_edit,
        "next_stage": StreetProject.Stage(next_stage[0]) if next_stage else None,
        "orders": _alley_orders(alley),
    }
    return render(request, "renewal/alley_detail.html", context)


def _alley_orders(alley: StreetProject) -> list[AlleyWorkOrder]:
    return list(alley.work_order_links.select_related("work_order__category").order_by("-pk")[:50])


@login_required
@require_POST
def alley_link_order(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alley = permissions.get_alley_for(request.user, pk, write=True)
    number = request.POST.get("number", "").strip()
    order = WorkOrder.objects.filter(number=number).first()
    if order is None:
        messages.error(request, _("No work order has the number %(number)s.") % {"number": number})
        return redirect("renewal:alley", pk=pk)
    try:
        services.link_work_order(alley=alley, order=order, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("renewal:alley", pk=pk)


@login_required
@require_POST
def alley_advance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alley = permissions.get_alley_for(request.user, pk, write=True)
    advance_from_form(
        request,
        lambda to, on: services.advance_alley(alley=alley, to=to, on=on, actor=request.user),
    )
    return redirect("renewal:alley", pk=pk)
