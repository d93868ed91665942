"""Projects: list, create, edit, detail, stage moves, bundling and investment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.http import AuthenticatedHttpRequest
from linli.renewal import permissions
from linli.renewal.forms import (
    AddEstatesForm,
    InvestmentForm,
    ProjectForm,
    apply_errors,
    candidate_estates,
)
from linli.renewal.models import ProjectEstate, Stage
from linli.renewal.models.projects import STARTED_STAGES
from linli.renewal.queries import project_detail_context
from linli.renewal.services import projects as services
from linli.renewal.views.parts import empty_part_forms
from linli.renewal.views.stages import advance_from_form
from linli.territory.models import subtree_q


@login_required
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_read_renewal(request.user):
        raise Http404
    qs = (
        permissions.visible_projects(request.user)
        .select_related("district")
        .annotate(
            estate_count=Count("estates", distinct=True),
            started_count=Count(
                "estates", filter=Q(estates__stage__in=STARTED_STAGES), distinct=True
            ),
        )
    )
    if stage := request.GET.get("stage"):
        qs = qs.filter(stage=stage)
    if district := request.GET.get("district"):
        qs = qs.filter(district__code=district)
    page = Paginator(qs.order_by("-batch_year", "code"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "stages": Stage.choices,
        "stage": stage or "",
        "district": district or "",
        "districts": permissions.readable_districts(request.user).order_by("code"),
        "can_edit": permissions.can_edit_renewal(request.user),
    }
    return render(request, "renewal/projects.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_edit_renewal(request.user):
        raise Http404
    form = ProjectForm(
        request.POST or None,
        districts=permissions.editable_districts(request.user),
        estates=candidate_estates(permissions.editable_estates(request.user)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                code=data["code"],
                name=data["name"],
                district=data["district"],
                batch_year=data["batch_year"],
                budget_yuan=data["budget_yuan"],
                funding=form.funding(),
                description=data["description"],
                estates=data["estates"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Project %(code)s created.") % {"code": project.code})
            return redirect("renewal:project", code=project.code)
    return render(request, "renewal/project_form.html", {"form": form, "project": None})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    project = permissions.get_project_for(request.user, code, write=True)
    funding = {f"funding_{f.kind}": f.amount_yuan for f in project.funding.all()}
    initial = {
        "code": project.code,
        "name": project.name,
        "district": project.district,
        "batch_year": project.batch_year,
        "budget_yuan": project.budget_yuan,
        "description": project.description,
        **funding,
    }
    form = ProjectForm(
        request.POST or None,
        initial=initial,
        districts=permissions.editable_districts(request.user),
        estates=None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_project(
                project=project,
                name=data["name"],
                district=data["district"],
                batch_year=data["batch_year"],
                budget_yuan=data["budget_yuan"],
                description=data["description"],
                funding=form.funding(),
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Project %(code)s saved.") % {"code": project.code})
            return redirect("renewal:project", code=project.code)
    return render(request, "renewal/project_form.html", {"form": form, "project": project})


@login_required
def project_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    project = permissions.get_project_for(request.user, code)
    can_edit = permissions.can_edit_project(request.user, project)
    context = project_detail_context(project)
    context["can_edit"] = can_edit
    if can_edit:
        context.update(
            add_estates_form=AddEstatesForm(
                estates=candidate_estates(permissions.editable_estates(request.user)).filter(
                    subtree_q([project.district.path], "grid__path")
                )
            ),
            investment_form=InvestmentForm(initial={"investment_yuan": project.investment_yuan}),
            **empty_part_forms(project),
        )
    return render(request, "renewal/project_detail.html", context)


@login_required
@require_POST
def project_advance(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    project = permissions.get_project_for(request.user, code, write=True)
    stage = advance_from_form(
        request,
        lambda to, on: services.advance_project(project=project, to=to, on=on, actor=request.user),
    )
    if stage is not None:
        messages.success(
            request, _("The project is now %(stage)s.") % {"stage": Stage(stage).label}
        )
    return redirect("renewal:project", code=code)


@login_required
@require_POST
def estate_advance(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    project = permissions.get_project_for(request.user, code, write=True)
    participation = get_object_or_404(
        ProjectEstate.objects.select_related("estate"), project=project, pk=pk
    )
    name = participation.estate.name
    stage = advance_from_form(
        request,
        lambda to, on: services.advance_estate(
            participation=participation, to=to, on=on, actor=request.user
        ),
        subject=name,
    )
    if stage is not None:
        messages.success(
            request,
            _("%(estate)s is now %(stage)s.") % {"estate": name, "stage": Stage(stage).label},
        )
    return redirect("renewal:project", code=code)


@login_required
@require_POST
def project_add_estates(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    project = permissions.get_project_for(request.user, code, write=True)
    form = AddEstatesForm(
        request.POST, estates=candidate_estates(permissions.editable_estates(request.user))
    )
    if not form.is_valid():
        messages.error(request, _("Choose the estates to bundle."))
        return redirect("renewal:project", code=code)
    try:
        services.add_estates(
            project=project, estates=form.cleaned_data["estates"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("renewal:project", code=code)


@login_required
@require_POST
def project_remove_estate(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    project = permissions.get_project_for(request.user, code, write=True)
    participation = get_object_or_404(
        ProjectEstate.objects.select_related("estate", "project"), project=project, pk=pk
    )
    try:
        services.remove_estate(participation=participation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("renewal:project", code=code)


@login_required
@require_POST
def project_investment(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    project = permissions.get_project_for(request.user, code, write=True)
    form = InvestmentForm(request.POST)
    if form.is_valid():
        services.record_investment(
            project=project,
            investment_yuan=form.cleaned_data["investment_yuan"],
            actor=request.user,
        )
        messages.success(request, _("Investment to date saved."))
    else:
        messages.error(
            request, _("Enter the investment to date in yuan, a number that is not negative.")
        )
    return redirect("renewal:project", code=code)
