"""Taking in a new order from any source: validate, place it in its grid, number it, write
the first event, file it automatically where the category allows, tell the grid workers.

A retried submission carrying the same client token (per reporter) returns the order the
first one created, never a second order: a unique constraint decides, so it holds across
processes too."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.lib.geo import gcj02_to_wgs84, out_of_china
from linli.lib.phone import normalize_phone
from linli.lib.photos import Photo
from linli.territory import gridindex
from linli.territory.models import Region
from linli.workorders import kpis
from linli.workorders.models import (
    Action,
    Category,
    OrderEvent,
    OrderNumberCounter,
    OrderState,
    Source,
    WorkOrder,
)
from linli.workorders.services.notices import announce, grid_workers
from linli.workorders.services.photos import (
    PhotoInput,
    prepare_photos,
    store_photos,
)
from linli.workorders.services.transitions import write_event

DESCRIPTION_MAX = 2000
CLIENT_TOKEN_MAX = 64
# Sources whose requester is the person submitting (their own request).
_SELF_SOURCES = frozenset({Source.RESIDENT, Source.APP})


@dataclass(frozen=True)
class Place:
    """Where an order is: WGS84 point, its grid and the grid's ancestors."""

    lng: float
    lat: float
    grid_id: int
    district_id: int
    subdistrict_id: int
    community_id: int
    region_path: str


def locate(lng: float, lat: float, *, crs: str = "wgs84") -> Place:
    """The grid holding a point, through the territory's point index. Raises a
    ValidationError on `location` naming the point when no grid holds it."""
    if crs not in ("wgs84", "gcj02"):
        raise ValidationError({"location": _("Unknown coordinate system %(crs)s.") % {"crs": crs}})
    try:
        lng, lat = float(lng), float(lat)
    except (TypeError, ValueError):
        raise ValidationError({"location": _("Choose the place on the map.")}) from None
    if not (math.isfinite(lng) and math.isfinite(lat)) or out_of_china(lng, lat):
        raise ValidationError(
            {
                "location": _("The place (%(lng)s, %(lat)s) is not in China.")
                % {"lng": lng, "lat": lat}
            }
        )
    if crs == "gcj02":
        lng, lat = gcj02_to_wgs84(lng, lat)
    found = gridindex.resolve(lng, lat, crs="wgs84")
    if not found.found or found.grid is None:
        raise ValidationError(
            {
                "location": _(
                    "The place (%(lng).6f, %(lat).6f) is outside every grid of this city. "
                    "Move the pin onto the street or building where the problem is."
                )
                % {"lng": lng, "lat": lat}
            }
        )
    by_level = {ref.level: ref.id for ref in found.chain}
    ids = [ref.id for ref in found.chain] + [found.grid.id]
    levels = (Region.Level.DISTRICT, Region.Level.SUBDISTRICT, Region.Level.COMMUNITY)
    if not all(level in by_level for level in levels):
        # An incomplete chain (a grid hung oddly in the tree): read it from the database.
        grid = Region.objects.get(pk=found.grid.id)
        parts = grid.ancestor_ids()
        by_level = dict(Region.objects.filter(pk__in=parts).values_list("level", "pk"))
        return Place(
            lng, lat, grid.pk, by_level.get(2, grid.pk), by_level.get(3, grid.pk),
            by_level.get(4, grid.pk), grid.path,
        )  # fmt: skip
    return Place(
        lng=lng,
        lat=lat,
        grid_id=found.grid.id,
        district_id=by_level[Region.Level.DISTRICT],
        subdistrict_id=by_level[Region.Level.SUBDISTRICT],
        community_id=by_level[Region.Level.COMMUNITY],
        region_path="/" + "/".join(str(i) for i in ids) + "/",
    )


def next_order_number(now: datetime) -> str:
    """YYYYMMDD + a five-digit serial for the local day (more digits past 99,999), from
    one upsert of the day's counter. Its row stays locked until the surrounding transaction
    ends, so intake takes the number as its last write."""
    day = timezone.localdate(now)
    table = connection.ops.quote_name(OrderNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608 (our table)
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [connection.ops.adapt_datefield_value(day)],
        )
        (last,) = cursor.fetchone()
    return f"{day:%Y%m%d}{last:05d}"


def provisional_number() -> str:
    """A unique stand-in for the order number until the transaction's end (never
    committed: intake replaces it with the day's serial just before commit)."""
    return "~" + uuid.uuid4().hex[:19]


def _clean(
    *,
    source: str,
    category: Category,
    description: str,
    requester_name: str,
    requester_phone: str,
    client_token: str | None,
    address: str,
) -> tuple[str, str, str, str | None, str]:
    errors: dict[str, str] = {}
    if source not in Source.values:
        errors["source"] = _("Unknown source %(source)s.") % {"source": source}
    if not category.is_active or category.children.filter(is_active=True).exists():
        errors["category"] = _("Choose a specific category (a minor or detail class).")
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe the problem or what you need.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("Keep the description under %(max)d characters.") % {
            "max": DESCRIPTION_MAX
        }
    requester_name = (requester_name or "").strip()
    if len(requester_name) > 50:
        errors["requester_name"] = _("The name is too long.")
    phone = normalize_phone(requester_phone) if requester_phone else ""
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        errors["requester_phone"] = _("Enter a mobile number or a landline with area code.")
    token = (client_token or "").strip() or None
    if token is not None and len(token) > CLIENT_TOKEN_MAX:
        errors["client_token"] = _("The client token is too long.")
    address = (address or "").strip()
    if len(address) > 200:
        errors["address"] = _("Keep the address under 200 characters.")
    if errors:
        raise ValidationError(errors)
    return description, requester_name, phone, token, address


def order_for_token(reporter: User | None, token: str | None) -> WorkOrder | None:
    """The order `reporter` already made with this client token, if any."""
    if reporter is None or token is None:
        return None
    # The token's unique index is partial (non-empty tokens); SQLite uses it only when the
    # query repeats its condition, otherwise it scans every order of the reporter.
    return (
        WorkOrder.objects.filter(reporter=reporter, client_token=token)
        .exclude(client_token="")
        .first()
    )


def create_order(
    *,
    source: str,
    category: Category,
    description: str,
    lng: float,
    lat: float,
    crs: str = "wgs84",
    reporter: User | None,
    requester: User | None = None,
    requester_name: str = "",
    requester_phone: str = "",
    name_public: bool = False,
    urgent: bool = False,
    photos: Sequence[PhotoInput] = (),
    client_token: str | None = None,
    address: str = "",
) -> WorkOrder:
    """Create an order (state reported, or filed when the category files residents' orders
    automatically). `reporter` is whoever entered it (None for devices); for residents'
    own requests the requester defaults to the reporter. Raises ValidationError naming the
    field for bad input."""
    description, requester_name, requester_phone, token, address = _clean(
        source=source,
        category=category,
        description=description,
        requester_name=requester_name,
        requester_phone=requester_phone,
        client_token=client_token,
        address=address,
    )
    if requester is None and source in _SELF_SOURCES:
        requester = reporter
    if requester is not None:
        requester_name = requester_name or requester.name
        requester_phone = requester_phone or requester.phone
    place = locate(lng, lat, crs=crs)
    prepared = prepare_photos(photos)
    try:
        with transaction.atomic():
            return _insert(
                source=source,
                category=category,
                description=description,
                place=place,
                reporter=reporter,
                requester=requester,
                requester_name=requester_name,
                requester_phone=requester_phone,
                name_public=name_public,
                urgent=urgent,
                token=token,
                address=address,
                prepared=prepared,
            )
    except IntegrityError:
        # The token was used before (a retry, or a concurrent one committed first): the
        # order it made is the answer.
        if (existing := order_for_token(reporter, token)) is not None:
            return existing
        raise


def _insert(
    *,
    source: str,
    category: Category,
    description: str,
    place: Place,
    reporter: User | None,
    requester: User | None,
    requester_name: str,
    requester_phone: str,
    name_public: bool,
    urgent: bool,
    token: str | None,
    address: str,
    prepared: Sequence[Photo],
) -> WorkOrder:
    now = timezone.now()
    order = WorkOrder(
        number=provisional_number(),
        source=source,
        category=category,
        description=description,
        lng=place.lng,
        lat=place.lat,
        address=address,
        grid_id=place.grid_id,
        district_id=place.district_id,
        subdistrict_id=place.subdistrict_id,
        community_id=place.community_id,
        region_path=place.region_path,
        requester=requester,
        requester_name=requester_name,
        requester_phone=requester_phone,
        name_public=name_public,
        reporter=reporter,
        client_token=token or "",
        urgent=urgent,
        state=OrderState.REPORTED,
        created_at=now,
    )
    order.full_clean(
        exclude=["category", "grid", "district", "subdistrict", "community", "requester",
                 "reporter", "number"],
        validate_unique=False,
        validate_constraints=False,
    )  # fmt: skip
    # A retry with a committed client token fails here, first: the caller answers with
    # the order that token made.
    order.save(force_insert=True)
    events = [_report(order, source=source, urgent=urgent, by=reporter, at=now)]
    if source in _SELF_SOURCES and category.auto_file_resident_orders:
        events.append(_auto_file(order, at=now))
    if prepared:
        store_photos(order=order, event=events[0], photos=prepared, by=reporter)
    workers = grid_workers(order)
    # The writes every intake in the city shares (the day's KPI counter rows, the day's
    # number) come last, so their row locks are held only until the commit.
    kpis.record_new(order=order, events=events)
    order.number = next_order_number(now)
    order.save(update_fields=["number", "event_seq", "state", "filed_at"])
    announce(order=order, event=events[-1], extra=workers)
    return order


def _report(
    order: WorkOrder, *, source: str, urgent: bool, by: User | None, at: datetime
) -> OrderEvent:
    return write_event(
        order=order,
        action=Action.REPORT,
        by=by,
        from_state="",
        at=at,
        data={"source": source, "urgent": urgent, "category": order.category.code},
        count=False,
    )


def _auto_file(order: WorkOrder, *, at: datetime) -> OrderEvent:
    order.state = OrderState.FILED
    order.filed_at = at
    return write_event(
        order=order,
        action=Action.FILE,
        by=None,
        from_state=OrderState.REPORTED,
        at=at,
        note=_("Filed automatically: this category accepts residents' requests directly."),
        count=False,
    )
