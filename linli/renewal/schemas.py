"""Schemas of the renovation JSON API: what goes in and out of /api/v1/renewal/."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class SummaryOut(Schema):
    """Numbers in base units: m², yuan, households, counts."""

    estates_started: int
    estates_completed: int
    floor_area_m2: float
    investment_yuan: float
    households: int
    projects: int
    estates_in_projects: int
    courtyards_merged: int
    estates_with_access_control: int
    estates_with_surveillance: int
    alleys_demonstration: int
    alleys_completed: int
    alleys_in_progress: int
    alleys_new_this_year: int
    district: str | None = Field(None, description="division code the figures are limited to")
    year: int | None = Field(None, description="annual batch / cohort the figures are limited to")


class StageDatesOut(Schema):
    stage: str
    surveyed_on: date | None
    planned_on: date | None
    started_on: date | None
    completed_on: date | None
    accepted_on: date | None


class ProjectOut(StageDatesOut):
    code: str
    name: str
    district: str = Field(..., alias="district.code")
    district_name: str = Field(..., alias="district.name")
    batch_year: int
    budget_yuan: float
    investment_yuan: float
    description: str


class FundingOut(Schema):
    kind: str
    amount_yuan: float


class ProjectEstateOut(StageDatesOut):
    estate: str = Field(..., alias="estate.code")
    estate_name: str = Field(..., alias="estate.name")
    project: str = Field(..., alias="project.code")
    build_year: int | None = Field(None, alias="estate.build_year")
    households: int = Field(..., alias="estate.households")
    floor_area_m2: float = Field(..., alias="estate.floor_area_m2")
    property_mode_after: str


class ItemOut(Schema):
    id: int
    project: str = Field(..., alias="project.code")
    estate: str | None = Field(None, alias="estate.code")
    tier: str
    name: str
    quantity: float
    unit: str
    note: str


class ProjectDetailOut(ProjectOut):
    funding: list[FundingOut]
    estates: list[ProjectEstateOut]
    items: list[ItemOut]


class ProjectIn(Schema):
    code: str
    name: str
    district: str = Field(..., description="division code of the district")
    batch_year: int
    budget_yuan: Decimal = Field(..., ge=0)
    funding: dict[str, Decimal] = Field(
        default_factory=dict, description="central, local, residents, utilities, social"
    )
    description: str = ""
    estates: list[str] = Field(default_factory=list, description="estate codes to bundle")


class StageIn(Schema):
    to: str
    on: date


class ItemIn(Schema):
    tier: str
    name: str
    quantity: Decimal = Field(..., gt=0)
    unit: str
    estate: str | None = None
    note: str = ""


class MergedCourtyardOut(Schema):
    courtyard: str = Field(..., alias="courtyard.name")
    from_estate: str = Field(..., alias="from_estate.code")
    households_moved: int
    floor_area_moved_m2: float


class MergeOut(Schema):
    id: int
    target_estate: str = Field(..., alias="target_estate.code")
    target_estate_name: str = Field(..., alias="target_estate.name")
    method: str
    walls_removed: int
    merged_on: date
    courtyards: list[MergedCourtyardOut]


class FacilityOut(Schema):
    estate: str = Field(..., alias="estate.code")
    kind: str
    device_key: str
    installed_on: date
    device_count: int
    is_active: bool


class FacilityIn(Schema):
    estate: str
    kind: str
    installed_on: date
    device_count: int = Field(1, ge=1)
    device_key: str = ""
    note: str = ""


class FacilityCreatedOut(FacilityOut):
    secret: str = Field(..., description="the signing secret; shown to the registering client once")


class AlleyOut(Schema):
    id: int
    name: str
    district: str = Field(..., alias="district.code")
    subdistrict: str | None = Field(None, alias="subdistrict.code")
    stage: str
    is_demonstration: bool
    cohort_year: int
    theme: str
    length_m: int | None
    started_on: date | None
    completed_on: date | None


class AlleyIn(Schema):
    name: str
    district: str
    subdistrict: str | None = None
    cohort_year: int
    stage: str = "planned"
    is_demonstration: bool = False
    theme: str = ""
    length_m: int | None = Field(None, ge=0)
    started_on: date | None = None
    completed_on: date | None = None
    description: str = ""


class AlertIn(Schema):
    alert_id: str = Field(..., min_length=1, max_length=64)
    kind: str
    occurred_at: datetime | None = None
    description: str = Field("", max_length=500)
    lng: float | None = None
    lat: float | None = None


class AlertOut(Schema):
    alert_id: str
    duplicate: bool
    work_order: str | None = None


class ErrorOut(Schema):
    detail: object
