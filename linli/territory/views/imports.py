"""Import pages for admins: the kinds of import with their templates, and an upload form
that shows either what was written or every problem found (nothing written)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from linli.accounts.http import AuthenticatedHttpRequest
from linli.territory.imports import FORMATS, ImportFailed, ImportKind, run_import
from linli.territory.imports.base import DESCRIPTIONS
from linli.territory.imports.forms import ImportForm
from linli.territory.imports.geojson import InputCrs
from linli.territory.imports.samples import template_file
from linli.territory.permissions import can_edit_territory

MAX_PROBLEMS_SHOWN = 1000


def _kind_for(request: AuthenticatedHttpRequest, kind: str) -> ImportKind:
    """The import kind, for admins only: 404 for others and for unknown kinds alike."""
    if not can_edit_territory(request.user) or kind not in ImportKind.values:
        raise Http404("No such import")
    return ImportKind(kind)


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_edit_territory(request.user):
        raise Http404("No such page")
    kinds = [(kind, FORMATS[kind], DESCRIPTIONS[kind]) for kind in ImportKind]
    return render(request, "territory/imports.html", {"kinds": kinds})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    import_kind = _kind_for(request, kind)
    form = ImportForm(import_kind, request.POST or None, request.FILES or None)
    summary, problems = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = run_import(
                import_kind,
                file=upload,
                actor=request.user,
                crs=form.cleaned_data.get("crs") or InputCrs.WGS84,
                dry_run=form.cleaned_data["dry_run"],
                source=upload.name,
            )
        except ImportFailed as failed:
            problems = failed.problems
    context = {
        "kind": import_kind,
        "format": FORMATS[import_kind],
        "description": DESCRIPTIONS[import_kind],
        "form": form,
        "summary": summary,
        "problems": problems[:MAX_PROBLEMS_SHOWN] if problems else None,
        "problem_count": len(problems or ()),
    }
    return render(request, "territory/imports_upload.html", context)


@login_required
@require_GET
def template(request: AuthenticatedHttpRequest, kind: str, fmt: str) -> HttpResponse:
    import_kind = _kind_for(request, kind)
    if FORMATS[import_kind] != fmt:
        raise Http404("No such template")
    file = template_file(import_kind)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
