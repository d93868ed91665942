"""What the JSON API reads and writes. Input schemas only check shape and size; the
services say what is allowed. Output schemas are filled by `present`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

# Ids fit in a JavaScript number and in every database's bigint.
MAX_ID = 2**53 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Note = Annotated[str, Field(max_length=2000)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Crs = Literal["wgs84", "gcj02"]
# The API's words for the engine's satisfaction values (满意 / 基本满意 / 不满意).
ApiSatisfaction = Literal["satisfied", "fair", "dissatisfied"]


def storable(value: str) -> bool:
    """Whether text can be stored: no NUL (PostgreSQL refuses it), no lone surrogates
    (UTF-8 has none)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Input(Schema):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if isinstance(value, str) and not storable(value):
            raise PydanticCustomError("text_not_storable", "text contains NUL or broken Unicode")
        return value


# Errors ------------------------------------------------------------------------------------


class Problem(Schema):
    field: str | None = Field(description="The input field it is about (null: the request).")
    code: str
    message: str


class ApiErrorOut(Schema):
    """Every error answer of /api/v1/."""

    code: str = Field(description="Stable error code, e.g. validation_error, not_found.")
    message: str = Field(description="What went wrong, in Chinese unless English was asked.")
    field: str | None = Field(None, description="The field of the first problem.")
    errors: list[Problem] = []
    detail: Any = Field(None, description="The same problems keyed by field.")
    allowed_actions: list[str] | None = Field(
        None, description="With action_not_allowed: what the caller may do now."
    )


# Accounts and tokens -----------------------------------------------------------------------


class TokenIn(Input):
    phone: Annotated[str, Field(min_length=1, max_length=20)]
    password: Annotated[str, Field(min_length=1, max_length=128)]
    name: Annotated[str, Field(max_length=100)] = Field(
        "", description="What the token is for (shown on the API tokens page)."
    )


class PersonRef(Schema):
    id: int
    name: str


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`. Shown only now.")
    token_id: int
    name: str
    user: PersonRef


class RegionRef(Schema):
    code: str
    name: str
    level: int


class RoleOut(Schema):
    role: str
    role_label: str
    region: RegionRef
    responder_kind: str


class MeOut(Schema):
    id: int
    name: str
    phone: str
    language: str
    roles: list[RoleOut]


# Territory ---------------------------------------------------------------------------------


class RegionOut(Schema):
    code: str
    name: str
    level: int = Field(description="1 city, 2 district, 3 subdistrict, 4 community, 5 grid.")
    level_label: str
    kind: str
    parent: str | None = Field(description="The parent region's code.")
    households: int
    population: int
    centroid_lng: float | None
    centroid_lat: float | None
    has_children: bool


class RegionCounts(Schema):
    grids: int
    households: int
    population: int
    estates: int


class RegionDetailOut(RegionOut):
    ancestors: list[RegionRef]
    totals: RegionCounts
    geometry: dict[str, Any] | None = Field(
        None, description="GeoJSON (WGS84), with ?geometry=true."
    )


class RegionPage(Schema):
    items: list[RegionOut]
    next_cursor: str | None


class NearestOut(Schema):
    code: str
    name: str
    distance_m: float | None


class LookupOut(Schema):
    found: bool
    grid: RegionRef | None
    chain: list[RegionRef] = Field(description="The regions above the grid, outermost first.")
    nearest: NearestOut | None
    message: str


# Categories --------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    kind: str
    level: int
    code: str
    name: str
    parent_id: int | None
    is_leaf: bool = Field(description="Orders go under leaves only.")
    deadline_amount: int
    deadline_unit: str
    urgent_deadline_amount: int
    urgent_deadline_unit: str
    open_to_claiming: bool
    check_required: bool
    filing_conditions: str
    closing_conditions: str


class CategoryRef(Schema):
    id: int
    kind: str
    code: str
    name: str


# Orders ------------------------------------------------------------------------------------


class OrderIn(Input):
    """A new order. As JSON, or as multipart/form-data with up to 6 files in `photos`."""

    category: Id = Field(description="A leaf category's id (GET /categories).")
    description: Annotated[str, Field(min_length=1, max_length=2000)]
    lng: Longitude
    lat: Latitude
    crs: Crs = "wgs84"
    address: Annotated[str, Field(max_length=200)] = ""
    urgent: bool = False
    name_public: bool = Field(False, description="Show the requester's name unmasked.")
    source: Literal["app", "resident", "patrol"] = Field(
        "app", description="patrol: a grid worker's report (grid staff only)."
    )
    client_token: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="Any unique string per new order: a retry with it returns that order."
    )


class UnitRef(Schema):
    id: int
    name: str


class PhotoOut(Schema):
    url: str
    thumbnail_url: str
    width: int
    height: int
    content_type: str


class EventOut(Schema):
    seq: int
    action: str
    action_label: str
    actor: str = Field(description="Who acted, as the order page shows it (residents masked).")
    from_state: str
    to_state: str
    at: datetime
    note: str
    detail: str
    photos: list[PhotoOut]


class OrderSummaryOut(Schema):
    id: int
    number: str
    state: str
    state_label: str
    source: str
    category: CategoryRef
    description: str
    address: str
    lng: float
    lat: float
    grid: RegionRef
    urgent: bool
    overdue: bool
    created_at: datetime
    deadline_at: datetime | None
    requester_name: str = Field(description="Masked unless it is you or the name is public.")
    requester_phone: str = Field(description="Always masked, as on the order page.")
    assignee: PersonRef | None
    assignee_unit: UnitRef | None
    pending_request: str = Field(description="extension or park while awaiting approval.")
    supporters_count: int
    satisfaction: ApiSatisfaction | None
    resolved: bool | None


class OrderOut(OrderSummaryOut):
    filed_at: datetime | None
    dispatched_at: datetime | None
    accepted_at: datetime | None
    handled_at: datetime | None
    closed_at: datetime | None
    rated_at: datetime | None
    rating_comment: str
    rework_count: int
    return_count: int
    extension_count: int
    escalation_count: int
    remind_count: int
    reopened: bool
    resolved_on_spot: bool
    allowed_actions: list[str] = Field(description="Actions you may take now.")
    events: list[EventOut] = Field(description="The order's history, oldest first.")


class OrderPage(Schema):
    items: list[OrderSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end."
    )


class RecommendationOut(Schema):
    responder_id: int = Field(description="A person's id, or a unit's id when is_unit.")
    name: str
    kind: str
    kind_label: str
    score: float
    reasons: list[str]
    is_unit: bool
    distance_m: float | None
    open_orders: int
    satisfaction_rate: float | None


# Action bodies -----------------------------------------------------------------------------


class NoteIn(Input):
    note: Note = ""


class ReasonIn(Input):
    note: Reason = Field(description="The reason (required).")


class ResultIn(Input):
    """As JSON, or multipart/form-data with up to 6 files in `photos`."""

    note: Reason = Field(description="What was done (required).")


class CheckIn(Input):
    """As JSON, or multipart/form-data with up to 6 files in `photos`."""

    note: Note = ""


class DispatchIn(Input):
    responder_id: Id | None = Field(None, description="A person (see /recommendations).")
    unit_id: Id | None = Field(None, description="A unit; with responder_id, its member.")
    note: Note = ""


class ExtensionIn(Input):
    amount: Annotated[int, Field(ge=1, le=80)]
    unit: Literal["working_hours", "working_days"]
    note: Reason


class ApproveExtensionIn(Input):
    amount: Annotated[int, Field(ge=1, le=80)] | None = Field(
        None, description="Grant another amount."
    )
    unit: Literal["working_hours", "working_days"] | None = None
    note: Note = ""


class RateIn(Input):
    resolved: bool
    satisfaction: ApiSatisfaction
    comment: Annotated[str, Field(max_length=500)] = ""


# KPIs and notifications --------------------------------------------------------------------


class KpiOut(Schema):
    region: RegionRef
    start: date
    end: date
    counts: dict[str, Any] = Field(description="reported, by_state, by_source, by_major.")
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    handle_rate: float | None
    on_time_handle_rate: float | None
    close_rate: float | None
    on_time_close_rate: float | None
    rework_rate: float | None
    extension_rate: float | None
    filing_rate: float | None
    overdue_pending_rate: float | None
    overdue: int
    overdue_open: int
    avg_accept_hours: float | None
    avg_handle_hours: float | None
    avg_close_hours: float | None
    score: float | None = Field(description="0–100, the deployment's weighted composite.")


class ReportLine(Schema):
    name: str
    reported: int = Field(description="受理")
    share: float | None
    filed: int | None = Field(None, description="立案")
    due_close: int | None = Field(None, description="应结案")
    closed: int | None = Field(None, description="结案")
    close_rate: float | None = None
    closed_on_time: int | None = Field(None, description="按期结案")
    on_time_close_rate: float | None = None
    kind: str | None = Field(None, description="部件 / 事件 / 服务, for class lines.")


class MonthlyReportOut(Schema):
    region: RegionRef
    month: str = Field(description="YYYY-MM")
    title: str
    headline: ReportLine
    by_source: list[ReportLine]
    by_class: list[ReportLine]
    top: list[ReportLine] = Field(description="The minor classes with most reports.")


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    kind: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread_count: int


class MarkedOut(Schema):
    marked: int
