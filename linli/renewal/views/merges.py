"""Courtyard merges (三合三并): the record and the form that moves courtyards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.accounts.http import AuthenticatedHttpRequest
from linli.renewal import permissions
from linli.renewal.forms import MergeForm, apply_errors
from linli.renewal.services import merges as services


@login_required
def merge_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_read_renewal(request.user):
        raise Http404
    merged = (
        permissions.visible_merged_courtyards(request.user)
        .select_related("courtyard", "from_estate", "merge__target_estate")
        .order_by("-merge__merged_on", "merge_id", "pk")
    )
    page = Paginator(merged, 100).get_page(request.GET.get("page"))
    context = {"page": page, "can_edit": permissions.can_edit_renewal(request.user)}
    return render(request, "renewal/merges.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def merge_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_edit_renewal(request.user):
        raise Http404
    estates = permissions.editable_estates(request.user).order_by("name")
    form = MergeForm(request.POST or None, estates=estates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            merge = services.merge_courtyards(
                target=data["target"],
                courtyards=list(data["courtyards"]),
                method=data["method"],
                walls_removed=data["walls_removed"],
                merged_on=data["merged_on"],
                note=data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(count)d courtyards merged into %(estate)s.")
                % {"count": merge.courtyards.count(), "estate": merge.target_estate.name},
            )
            return redirect("renewal:merges")
    return render(request, "renewal/merge_form.html", {"form": form})
