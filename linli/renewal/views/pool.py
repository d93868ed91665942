"""The renovation pool, estate surveys, and each estate's renovation page (public to the
people living there)."""

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
from linli.renewal.forms import PoolForm, SurveyForm, apply_errors
from linli.renewal.models import PoolEntry, SurveyDefect
from linli.renewal.queries import estate_page_context
from linli.renewal.services import pool as services


@login_required
@require_http_methods(["GET", "POST"])
def pool(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_read_renewal(request.user):
        raise Http404
    can_edit = permissions.can_edit_renewal(request.user)
    candidates = (
        permissions.editable_estates(request.user)
        .filter(renewal_pool_entry__isnull=True, build_year__lte=services.POOL_LATEST_BUILD_YEAR)
        .order_by("name")
    )
    form = PoolForm(request.POST or None, estates=candidates) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.add_to_pool(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(estate)s entered the pool.") % {"estate": form.cleaned_data["estate"].name},
            )
            return redirect("renewal:pool")
    entries = (
        PoolEntry.objects.filter(estate__in=permissions.visible_estates(request.user))
        .select_related("estate__grid", "estate__renewal_participation__project")
        .order_by("estate__name")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "renewal/pool.html", {"page": page, "form": form, "can_edit": can_edit})


@login_required
def estate_page(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    estate = permissions.get_public_estate_for(request.user, code)
    is_office = permissions.can_read_region(request.user, estate.grid)
    context = estate_page_context(estate, include_surveys=is_office)
    can_edit = permissions.can_edit_region(request.user, estate.grid)
    context["survey_form"] = SurveyForm() if can_edit else None
    return render(request, "renewal/estate.html", context)


@login_required
@require_POST
def survey_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    estate = permissions.get_estate_for(request.user, code, write=True)
    form = SurveyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        defects = [(kind, SurveyDefect.Severity.SERIOUS, "") for kind in data["defects"]]
        try:
            services.record_survey(
                estate=estate,
                surveyed_on=data["surveyed_on"],
                surveyor=data["surveyor"],
                summary=data["summary"],
                defects=defects,
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Survey recorded."))
    else:
        messages.error(request, _("Enter the survey date."))
    return redirect("renewal:estate", code=code)
