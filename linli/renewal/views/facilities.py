"""Smart facilities: the register per estate, and each facility's device key and secret."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.http import AuthenticatedHttpRequest
from linli.renewal import permissions
from linli.renewal.forms import FacilityForm, apply_errors
from linli.renewal.models import SmartFacility
from linli.renewal.services import facilities as services


@login_required
def facility_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_read_renewal(request.user):
        raise Http404
    qs = permissions.visible_facilities(request.user).select_related("estate__grid")
    if kind := request.GET.get("kind"):
        qs = qs.filter(kind=kind)
    page = Paginator(qs.order_by("estate__name", "kind"), 100).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "kinds": SmartFacility.Kind.choices,
        "kind": kind or "",
        "can_edit": permissions.can_edit_renewal(request.user),
    }
    return render(request, "renewal/facilities.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def facility_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_edit_renewal(request.user):
        raise Http404
    form = FacilityForm(
        request.POST or None, estates=permissions.editable_estates(request.user).order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.register_facility(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Facility registered. Give the device its key and secret."))
            return redirect("renewal:facility", key=facility.device_key)
    return render(request, "renewal/facility_form.html", {"form": form})


@login_required
def facility_detail(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    facility = permissions.get_facility_for(request.user, key)
    context = {
        "facility": facility,
        "can_edit": permissions.can_edit_region(request.user, facility.estate.grid),
        "alerts": facility.alerts.order_by("-received_at")[:50],
    }
    return render(request, "renewal/facility_detail.html", context)


@login_required
@require_POST
def facility_rotate(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    facility = permissions.get_facility_for(request.user, key, write=True)
    services.rotate_secret(facility=facility, actor=request.user)
    messages.success(request, _("A new secret was made; the old one no longer works."))
    return redirect("renewal:facility", key=key)
