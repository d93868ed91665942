"""Parts of a project recorded on its page: items by tier, consultations, governance bodies
and the property mode each estate chooses after renovation."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.http import AuthenticatedHttpRequest
from linli.renewal import permissions
from linli.renewal.forms import ConsultationForm, GovernanceForm, ItemForm, PropertyAfterForm
from linli.renewal.models import ProjectEstate, RenovationItem, RenovationProject
from linli.renewal.services import content, projects
from linli.territory.models import Estate

# The forms of a project's parts: each offers the project's estates to choose from.
PartForm = ItemForm | ConsultationForm | GovernanceForm


def _estates(project: RenovationProject) -> QuerySet[Estate]:
    return Estate.objects.filter(renewal_participation__project=project).order_by("name")


def empty_part_forms(project: RenovationProject) -> dict[str, forms.BaseForm]:
    estates = _estates(project)
    return {
        "item_form": ItemForm(estates=estates),
        "consultation_form": ConsultationForm(estates=estates),
        "governance_form": GovernanceForm(estates=estates),
        "property_form": PropertyAfterForm(estates=estates),
    }


def _fail(
    request: AuthenticatedHttpRequest, form: forms.BaseForm, error: ValidationError | None = None
) -> None:
    """Report what was wrong, naming the field, on the project page."""
    problems = []
    if error is not None:
        problems = error.messages
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        problems += [f"{label}：{e}" if label else str(e) for e in errors]
    messages.error(request, " ".join(str(p) for p in problems))


def _add_part(
    request: AuthenticatedHttpRequest,
    code: str,
    form_class: type[PartForm],
    record: Callable[..., object],
    anchor: str,
) -> HttpResponse:
    """Check the part's form, record it with the service, and go back to its section."""
    project = permissions.get_project_for(request.user, code, write=True)
    form = form_class(request.POST, estates=_estates(project))
    if form.is_valid():
        try:
            record(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _fail(request, form, exc)
    else:
        _fail(request, form)
    return redirect(f"{project_url(code)}#{anchor}")


@login_required
@require_POST
def item_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _add_part(request, code, ItemForm, content.add_item, "items")


@login_required
@require_POST
def item_remove(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    project = permissions.get_project_for(request.user, code, write=True)
    item = get_object_or_404(
        RenovationItem.objects.select_related("project"), project=project, pk=pk
    )
    content.remove_item(item=item, actor=request.user)
    return redirect(f"{project_url(code)}#items")


@login_required
@require_POST
def consultation_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _add_part(request, code, ConsultationForm, content.record_consultation, "consultation")


@login_required
@require_POST
def governance_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _add_part(request, code, GovernanceForm, content.form_governance_body, "governance")


@login_required
@require_POST
def property_after(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    project = permissions.get_project_for(request.user, code, write=True)
    form = PropertyAfterForm(request.POST, estates=_estates(project))
    if not form.is_valid():
        _fail(request, form)
        return redirect(f"{project_url(code)}#estates")
    participation = get_object_or_404(
        ProjectEstate, project=project, estate=form.cleaned_data["estate"]
    )
    try:
        projects.set_property_after(
            participation=participation,
            mode=form.cleaned_data["mode"],
            company=form.cleaned_data["company"],
            actor=request.user,
        )
    except ValidationError as exc:
        _fail(request, form, exc)
    else:
        messages.success(request, _("Property mode saved."))
    return redirect(f"{project_url(code)}#estates")


def project_url(code: str) -> str:
    from django.urls import reverse

    return reverse("renewal:project", kwargs={"code": code})
