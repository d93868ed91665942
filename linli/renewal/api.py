"""JSON API for renovation, mounted at /api/v1/renewal/. Reads are scoped by the same
permissions as the pages; writes go through the same services. The summary is public, like
the figures cities publish; device alerts authenticate with their own signature."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from linli.accounts.models import User
from linli.renewal import permissions, queries
from linli.renewal.models import (
    CourtyardMerge,
    ProjectEstate,
    RenovationItem,
    RenovationProject,
    SmartFacility,
    StreetProject,
)
from linli.renewal.schemas import (
    AlertIn,
    AlertOut,
    AlleyIn,
    AlleyOut,
    ErrorOut,
    FacilityCreatedOut,
    FacilityIn,
    FacilityOut,
    ItemIn,
    ItemOut,
    MergeOut,
    ProjectDetailOut,
    ProjectEstateOut,
    ProjectIn,
    ProjectOut,
    StageIn,
    SummaryOut,
)
from linli.renewal.services import alerts, alleys, content, facilities, projects
from linli.territory.models import Estate, Region

router = Router(tags=["renewal"], auth=django_auth)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - django_auth let only logged-in users through
    return user


def _readable(request: HttpRequest) -> User:
    user = _user(request)
    if not permissions.can_read_renewal(user):
        raise Http404
    return user


def _district(code: str, user: User) -> Region:
    region = Region.objects.filter(code=code, level=Region.Level.DISTRICT).first()
    if region is None or not permissions.can_edit_region(user, region):
        raise ValidationError(
            {"district": _("No district you may edit has the code %(code)s.") % {"code": code}}
        )
    return region


@router.get("/summary", response=SummaryOut, auth=None, summary="Renovation figures")
def summary(
    request: HttpRequest, district: str | None = None, year: int | None = None
) -> dict[str, object]:
    """The seed's figures from the records; `district` is a division code, `year` the annual
    batch of projects and cohort of alleys."""
    scope = queries.scope_from_params(district=district, year=year)
    return {**queries.renovation_summary(scope), "district": district or None, "year": year}


@router.get("/projects", response=list[ProjectOut])
@paginate(LimitOffsetPagination)
def project_list(
    request: HttpRequest, stage: str | None = None, year: int | None = None
) -> QuerySet[RenovationProject]:
    qs = (
        permissions.visible_projects(_readable(request)).select_related("district").order_by("code")
    )
    if stage:
        qs = qs.filter(stage=stage)
    if year:
        qs = qs.filter(batch_year=year)
    return qs


@router.get("/projects/{code}", response=ProjectDetailOut)
def project_detail(request: HttpRequest, code: str) -> RenovationProject:
    project = permissions.get_project_for(_readable(request), code)
    return project


@router.post("/projects", response={201: ProjectDetailOut})
def project_create(request: HttpRequest, data: ProjectIn) -> tuple[int, RenovationProject]:
    user = _user(request)
    estates = list(permissions.editable_estates(user).filter(code__in=data.estates))
    missing = set(data.estates) - {e.code for e in estates}
    if missing:
        raise ValidationError(
            {"estates": _("Unknown estates: %(codes)s.") % {"codes": "、".join(sorted(missing))}}
        )
    project = projects.create_project(
        code=data.code,
        name=data.name,
        district=_district(data.district, user),
        batch_year=data.batch_year,
        budget_yuan=data.budget_yuan,
        funding=data.funding,
        description=data.description,
        estates=estates,
        actor=user,
    )
    return 201, project


@router.post("/projects/{code}/stage", response=ProjectOut)
def project_stage(request: HttpRequest, code: str, data: StageIn) -> RenovationProject:
    project = permissions.get_project_for(_user(request), code, write=True)
    return projects.advance_project(project=project, to=data.to, on=data.on, actor=_user(request))


@router.post("/projects/{code}/estates/{estate}/stage", response=ProjectEstateOut)
def estate_stage(request: HttpRequest, code: str, estate: str, data: StageIn) -> ProjectEstate:
    project = permissions.get_project_for(_user(request), code, write=True)
    participation = get_object_or_404(ProjectEstate, project=project, estate__code=estate)
    return projects.advance_estate(
        participation=participation, to=data.to, on=data.on, actor=_user(request)
    )


@router.get("/estates", response=list[ProjectEstateOut])
@paginate(LimitOffsetPagination)
def estate_list(request: HttpRequest, stage: str | None = None) -> QuerySet[ProjectEstate]:
    qs = ProjectEstate.objects.within_paths(permissions.read_paths(_readable(request)))
    if stage:
        qs = qs.filter(stage=stage)
    return qs.select_related("estate", "project").order_by("estate__code")


@router.get("/items", response=list[ItemOut])
@paginate(LimitOffsetPagination)
def item_list(request: HttpRequest, project: str | None = None) -> QuerySet[RenovationItem]:
    visible = permissions.visible_projects(_readable(request))
    qs = RenovationItem.objects.filter(project__in=visible)
    if project:
        qs = qs.filter(project__code=project)
    return qs.select_related("project", "estate").order_by("project__code", "pk")


@router.post("/projects/{code}/items", response={201: ItemOut})
def item_create(request: HttpRequest, code: str, data: ItemIn) -> tuple[int, RenovationItem]:
    project = permissions.get_project_for(_user(request), code, write=True)
    estate = get_object_or_404(Estate, code=data.estate) if data.estate else None
    item = content.add_item(
        project=project,
        estate=estate,
        tier=data.tier,
        name=data.name,
        quantity=data.quantity,
        unit=data.unit,
        note=data.note,
        actor=_user(request),
    )
    return 201, item


@router.get("/merges", response=list[MergeOut])
@paginate(LimitOffsetPagination)
def merge_list(request: HttpRequest) -> QuerySet[CourtyardMerge]:
    visible = permissions.visible_merged_courtyards(_readable(request)).values("merge_id")
    return (
        CourtyardMerge.objects.filter(pk__in=visible)
        .select_related("target_estate")
        .prefetch_related("courtyards__courtyard", "courtyards__from_estate")
        .order_by("merged_on", "pk")
    )


@router.get("/facilities", response=list[FacilityOut])
@paginate(LimitOffsetPagination)
def facility_list(request: HttpRequest, kind: str | None = None) -> QuerySet[SmartFacility]:
    qs = permissions.visible_facilities(_readable(request)).select_related("estate")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("estate__code", "device_key")


@router.post("/facilities", response={201: FacilityCreatedOut})
def facility_create(request: HttpRequest, data: FacilityIn) -> tuple[int, SmartFacility]:
    user = _user(request)
    estate = permissions.get_estate_for(user, data.estate, write=True)
    facility = facilities.register_facility(
        estate=estate,
        kind=data.kind,
        installed_on=data.installed_on,
        device_count=data.device_count,
        device_key=data.device_key,
        note=data.note,
        actor=user,
    )
    return 201, facility


@router.get("/alleys", response=list[AlleyOut])
@paginate(LimitOffsetPagination)
def alley_list(request: HttpRequest, stage: str | None = None) -> QuerySet[StreetProject]:
    qs = permissions.visible_alleys(_readable(request)).select_related("district", "subdistrict")
    if stage:
        qs = qs.filter(stage=stage)
    return qs.order_by("district__code", "name")


@router.post("/alleys", response={201: AlleyOut})
def alley_create(request: HttpRequest, data: AlleyIn) -> tuple[int, StreetProject]:
    user = _user(request)
    sub = Region.objects.filter(code=data.subdistrict).first() if data.subdistrict else None
    alley = alleys.create_alley(
        name=data.name,
        district=_district(data.district, user),
        subdistrict=sub,
        cohort_year=data.cohort_year,
        stage=data.stage,
        is_demonstration=data.is_demonstration,
        theme=data.theme,
        length_m=data.length_m,
        started_on=data.started_on,
        completed_on=data.completed_on,
        description=data.description,
        actor=user,
    )
    return 201, alley


@router.post(
    "/alerts",
    auth=None,
    response={200: AlertOut, 201: AlertOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    summary="Post a device alert",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": AlertIn.model_json_schema()}}},
        "parameters": [
            {"in": "header", "name": h, "required": True, "schema": {"type": "string"}}
            for h in (alerts.DEVICE_HEADER, alerts.TIMESTAMP_HEADER, alerts.SIGNATURE_HEADER)
        ],
    },
)
def alert_receive(request: HttpRequest) -> tuple[int, dict[str, object]]:
    """A smart facility reports an alert. Signed with the device's secret (see
    docs/renewal.md); a repeated alert id answers 200 with the first result."""
    try:
        result = alerts.receive_alert(
            device_key=request.headers.get(alerts.DEVICE_HEADER, ""),
            timestamp=request.headers.get(alerts.TIMESTAMP_HEADER, ""),
            signature=request.headers.get(alerts.SIGNATURE_HEADER, ""),
            body=request.body,
        )
    except alerts.AlertRejected as exc:
        return exc.status, {"detail": exc.message}
    answer = {
        "alert_id": result.alert.alert_id,
        "duplicate": result.duplicate,
        "work_order": alerts.order_number(result.alert),
    }
    return (200 if result.duplicate else 201), answer
