"""The renovation ledger: download the template, export, and import all-or-nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.accounts.http import AuthenticatedHttpRequest
from linli.lib.ledger import ImportFailed
from linli.renewal import permissions
from linli.renewal.forms import LedgerUploadForm
from linli.renewal.ledger import export_ledger, import_ledger, ledger_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def ledger(request: AuthenticatedHttpRequest) -> HttpResponse:
    paths = permissions.edit_paths(request.user)
    if not paths:
        raise Http404
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_ledger(form.cleaned_data["file"], actor=request.user, paths=paths)
        except ImportFailed as exc:
            problems = exc.problems
        else:
            summary = "，".join(f"{sheet} {count}" for sheet, count in result.counts.items())
            messages.success(
                request, _("Ledger imported: %(summary)s.") % {"summary": summary or "0"}
            )
            return redirect("renewal:ledger")
    return render(request, "renewal/ledger.html", {"form": form, "problems": problems})


@login_required
def ledger_template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_edit_renewal(request.user):
        raise Http404
    return _download(ledger_template(), "renovation-ledger-template.xlsx")


@login_required
def ledger_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    paths = permissions.read_paths(request.user)
    if not paths:
        raise Http404
    stamp = timezone.localdate().isoformat()
    return _download(export_ledger(paths), f"renovation-ledger-{stamp}.xlsx")
