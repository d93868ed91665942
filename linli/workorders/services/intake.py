"""Taking in a new order from any source: validate, place it in its grid, number it, write
the first event, file it automatically where the category allows, tell the grid workers.

A retried submission carrying the same client token (per reporter) returns the order the
first one created, never a second order: a unique constraint decides, so it holds across
processes too."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.lib.geo import gcj02_to_wgs84, out_of_china
from linli.lib.phone import normalize_phone
from linli.territory import gridindex
from linli.territory.models import Region
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
from linli.workorders.services.photos import PhotoInput, prepare_photos, store_photos
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
    """YYYYMMDD + a five-digit serial for the local day (more digits past 99,999).
    Takes the day's counter row lock until the surrounding transaction ends."""
    day = timezone.localdate(now)
    updated = OrderNumberCounter.objects.filter(day=day).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                OrderNumberCounter.objects.create(day=day, last=1)
        except IntegrityError:
            # Another process created the day's row first: take the next number after it.
            OrderNumberCounter.objects.filter(day=day).update(last=F("last") + 1)
    last = OrderNumberCounter.objects.filter(day=day).values_list("last", flat=True).get()
    return f"{day:%Y%m%d}{last:05d}"


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


def _existing(reporter: User | None, token: str | None) -> WorkOrder | None:
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
    if (existing := _existing(reporter, token)) is not None:
        return existing
    if requester is None and source in _SELF_SOURCES:
        requester = reporter
    if requester is not None:
        requester_name = requester_name or requester.name
        requester_phone = requester_phone or requester.phone
    place = locate(lng, lat, crs=crs)
    prepared = prepare_photos(photos)
    try:
        with transaction.atomic():
            order, report = _insert(
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
            )
            if prepared:
                store_photos(order=order, event=report, photos=prepared, by=reporter)
    except IntegrityError:
        # The same token was committed by a concurrent retry: that order is the answer.
        if (existing := _existing(reporter, token)) is not None:
            return existing
        raise
    return order


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
) -> tuple[WorkOrder, OrderEvent]:
    now = timezone.now()
    order = WorkOrder(
        number=next_order_number(now),
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
    order.save()
    report = write_event(
        order=order,
        action=Action.REPORT,
        by=reporter,
        from_state="",
        at=now,
        data={"source": source, "urgent": urgent, "category": category.code},
    )
    fields = ["event_seq"]
    auto_file = source in _SELF_SOURCES and category.auto_file_resident_orders
    if auto_file:
        order.state = OrderState.FILED
        order.filed_at = now
        event = write_event(
            order=order,
            action=Action.FILE,
            by=None,
            from_state=OrderState.REPORTED,
            at=now,
            note=_("Filed automatically: this category accepts residents' requests directly."),
        )
        fields += ["state", "filed_at"]
    else:
        event = report
    order.save(update_fields=fields)
    announce(order=order, event=event, extra=grid_workers(order))
    return order, report
