"""KPI pages for leaders and offices (desktop): a region from the city down to a grid, a
unit, a person, over any period; and the monthly report with its Excel download."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from linli.accounts.http import AuthenticatedHttpRequest
from linli.territory.models import Region
from linli.workorders import kpis
from linli.workorders.kpis import pages
from linli.workorders.kpis import permissions as access
from linli.workorders.kpis.forms import MonthForm, PeriodForm, presets
from linli.workorders.kpis.queries import trend
from linli.workorders.kpis.report import monthly_report, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _figures_page(
    request: AuthenticatedHttpRequest, figures_for: Callable[[date, date], dict[str, Any]]
) -> dict[str, Any]:
    """What every KPI page shows: the period form and its shortcuts, and the figures of the
    chosen period with their cards and charts."""
    form = PeriodForm(request.GET)
    period = form.period()
    if not (request.GET.get("start") or request.GET.get("end")):
        # The date pickers show the period the page shows, not an empty mm/dd/yyyy.
        form = PeriodForm(
            initial={"start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}"}
        )
    shortcuts = [
        {"label": label, "query": f"?start={p.start}&end={p.end}"} for label, p in presets()
    ]
    figures = figures_for(period.start, period.end)
    return {
        "form": form,
        "period": period,
        "presets": shortcuts,
        "labels": pages.labels(),
        "k": figures,
        "cards": pages.cards(figures),
        "charts": pages.charts(figures, pages.major_names()),
    }


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    regions = access.top_kpi_regions(request.user)
    if not regions:
        raise Http404("No KPI pages for this person")
    return redirect("workorders:kpis_region", regions[0].code)


@login_required
@require_GET
def region(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    place = access.get_kpi_region_for(request.user, code)
    context = _figures_page(request, partial(kpis.region_kpis, place))
    period = context["period"]
    children = list(Region.objects.filter(parent=place).order_by("code"))
    context["charts"]["trend"] = trend(place, period)
    context.update(
        region=place,
        breadcrumb=pages.breadcrumb(request.user, place, period),
        children=pages.child_rows(children, period),
        units=pages.unit_rows(place, period),
        top=pages.top_categories(place, period),
        map=pages.map_config(place),
    )  # fmt: skip
    return render(request, "workorders/kpis/region.html", context)


@login_required
@require_GET
def unit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = access.get_kpi_unit_for(request.user, pk)
    context = _figures_page(request, partial(kpis.unit_kpis, found))
    context.update(unit=found, people=pages.people_rows(found, context["period"]))
    return render(request, "workorders/kpis/unit.html", context)


@login_required
@require_GET
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = access.get_kpi_person_for(request.user, pk)
    context = _figures_page(request, partial(kpis.person_kpis, found))
    context["person"] = found
    return render(request, "workorders/kpis/person.html", context)


@login_required
@require_GET
def report(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    place = access.get_kpi_region_for(request.user, code)
    form = MonthForm(request.GET)
    result = monthly_report(place, form.first_day())
    if not request.GET.get("month"):
        form = MonthForm(initial={"month": f"{result.month:%Y-%m}"})  # the month shown
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(workbook(result), content_type=XLSX)
        name = f"monthly-report-{place.code}-{result.month:%Y-%m}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request, "workorders/kpis/report.html", {"form": form, "report": result, "region": place}
    )
