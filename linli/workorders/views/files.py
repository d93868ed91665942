"""Order files for the dispatch desk: export order lists and KPIs (CSV or Excel), and
import a hotline's daily sheet (exports.py, imports.py)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from linli.accounts.http import AuthenticatedHttpRequest
from linli.accounts.services import record_audit
from linli.lib.ledger import ImportFailed
from linli.workorders import exports, imports
from linli.workorders.permissions import is_desk_staff

PROBLEMS_SHOWN = 200
FORMATS = ("csv", "xlsx")


class HotlineImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Hotline sheet (.xlsx)"))


def _desk_user(request: AuthenticatedHttpRequest) -> None:
    if not is_desk_staff(request.user):
        raise Http404("Not at a dispatch desk")


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _desk_user(request)
    context = {"export_form": exports.OrderExportForm(), "import_form": HotlineImportForm()}
    return render(request, "workorders/files/index.html", context)


@login_required
@require_GET
def export_orders(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    _desk_user(request)
    form = exports.OrderExportForm(request.GET)
    if fmt not in FORMATS or not form.is_valid():
        context = {"export_form": form, "import_form": HotlineImportForm()}
        return render(request, "workorders/files/index.html", context, status=400)
    orders = exports.orders_for_export(request.user, form.cleaned_data)
    record_audit(actor=request.user, action="workorders.export_orders", target=request.user,
                 summary=_("Exported %(n)d orders") % {"n": orders.count()},
                 data={k: str(v) for k, v in form.cleaned_data.items()})  # fmt: skip
    name = f"orders-{form.cleaned_data['start']:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}"
    rows, headers = exports.order_rows(orders), exports.order_headers()
    if fmt == "csv":
        return exports.csv_response(name, headers, rows)
    return exports.xlsx_response(name, _("Orders"), headers, rows)


@login_required
@require_GET
def export_kpis(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    _desk_user(request)
    form = exports.OrderExportForm(request.GET)
    if fmt not in FORMATS or not form.is_valid():
        context = {"export_form": form, "import_form": HotlineImportForm()}
        return render(request, "workorders/files/index.html", context, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows, headers = exports.kpi_rows(request.user, start, end), exports.kpi_headers()
    name = f"kpis-{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt == "csv":
        return exports.csv_response(name, headers, rows)
    return exports.xlsx_response(name, _("KPIs"), headers, rows)


@login_required
@require_GET
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    _desk_user(request)
    response = HttpResponse(
        imports.template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="hotline-orders-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_orders(request: AuthenticatedHttpRequest) -> HttpResponse:
    _desk_user(request)
    form = HotlineImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"import_form": form, "export_form": exports.OrderExportForm()}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            context["report"] = imports.import_hotline_sheet(
                file=form.cleaned_data["file"], by=request.user
            )
        except ImportFailed as failed:
            context["problems"], context["problem_count"] = (
                failed.problems[:PROBLEMS_SHOWN],
                len(failed.problems),
            )
            status = 400
    elif request.method == "POST":
        status = 400
    context["today"] = timezone.localdate()
    return render(request, "workorders/files/index.html", context, status=status)
