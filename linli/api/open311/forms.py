"""Open311 input: the POST form (service_code, one location, attribute[CODE], contact
fields) and the GET filters. Empty parameters count as absent. Each problem names its
parameter; the view answers 400 with all of them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.api.open311.models import AttributeDatatype, CategoryAttribute
from linli.api.open311.queries import attributes_of, find_service
from linli.api.open311.services import Answer, Contact, Location, RequestInput
from linli.territory.models import Estate, Region

DESCRIPTION_MAX = 4000
DEFAULT_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
_TEXT_MAX = {AttributeDatatype.STRING: 200, AttributeDatatype.TEXT: 2000}
_CONTACT_MAX = {"device_id": 100, "account_id": 100, "first_name": 50, "last_name": 50}


def value(data: QueryDict, name: str) -> str:
    """A parameter's value, stripped; "" when absent or empty."""
    return (data.get(name) or "").strip()


def parse_w3c(text: str) -> datetime:
    """A W3C datetime (2026-05-01T08:00:00+08:00 or …Z); a date alone means its midnight;
    no offset means local time."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _number(text: str, name: str, errors: dict[str, str]) -> float | None:
    try:
        number = float(text)
    except ValueError:
        errors[name] = _("%(name)s must be a number.") % {"name": name}
        return None
    if not math.isfinite(number):
        errors[name] = _("%(name)s must be a number.") % {"name": name}
        return None
    return number


def _point_of(address_id: str) -> tuple[float, float] | None:
    """An estate's point, or a region's (a grid's) centre, by its code."""
    estate = Estate.objects.filter(code=address_id, lng__isnull=False, lat__isnull=False).first()
    if estate is not None and estate.lng is not None and estate.lat is not None:
        return estate.lng, estate.lat
    region = Region.objects.filter(code=address_id, centroid_lng__isnull=False).first()
    if region is not None and region.centroid_lng is not None and region.centroid_lat is not None:
        return region.centroid_lng, region.centroid_lat
    return None


def _estate_point(address: str) -> tuple[float, float] | None:
    estate = (
        Estate.objects.filter(lng__isnull=False, lat__isnull=False).filter(name=address).first()
    ) or Estate.objects.filter(lng__isnull=False, lat__isnull=False, address=address).first()
    if estate is None or estate.lng is None or estate.lat is None:
        return None
    return estate.lng, estate.lat


def clean_location(data: QueryDict, errors: dict[str, str]) -> Location | None:
    """lat and long together, else address_id (an estate or region code), else an
    address_string naming an estate. address_string is kept as the address in any case."""
    lat, lng = value(data, "lat"), value(data, "long")
    address = value(data, "address_string")[:200]
    address_id = value(data, "address_id")[:64]
    if lat or lng:
        if not (lat and lng):
            errors["lat"] = _("Send lat and long together.")
            return None
        y, x = _number(lat, "lat", errors), _number(lng, "long", errors)
        if x is None or y is None:
            return None
        return Location(lng=x, lat=y, address=address, address_id=address_id)
    if address_id:
        point = _point_of(address_id)
        if point is None:
            errors["address_id"] = _(
                "address_id %(id)s is not the code of an estate or grid of this city."
            ) % {"id": address_id}
            return None
        return Location(lng=point[0], lat=point[1], address=address, address_id=address_id)
    if address:
        point = _estate_point(address)
        if point is None:
            errors["address_string"] = _(
                "The address %(address)s cannot be placed on the map: send lat and long, "
                "or an address_id (the code of an estate or grid)."
            ) % {"address": address}
            return None
        return Location(lng=point[0], lat=point[1], address=address)
    errors["lat"] = _("A location is required: lat and long, address_string or address_id.")
    return None


def _answer(attribute: CategoryAttribute, raw: list[str]) -> tuple[Any, str | None]:
    """(cleaned value, problem) for one attribute's submitted values."""
    kind = attribute.datatype
    if kind == AttributeDatatype.MULTI:
        keys = attribute.value_keys()
        unknown = [v for v in raw if v not in keys]
        if unknown:
            return None, _("%(values)s is not one of the choices.") % {"values": "、".join(unknown)}
        return list(dict.fromkeys(raw)), None
    if len(raw) > 1:
        return None, _("Give one value only.")
    text = raw[0]
    if kind == AttributeDatatype.SINGLE:
        if text not in attribute.value_keys():
            return None, _("%(values)s is not one of the choices.") % {"values": text}
        return text, None
    if kind == AttributeDatatype.NUMBER:
        try:
            number = float(text)
        except ValueError:
            return None, _("Expected a number.")
        return (number, None) if math.isfinite(number) else (None, _("Expected a number."))
    if kind == AttributeDatatype.DATETIME:
        try:
            return w3c_text(parse_w3c(text)), None
        except ValueError:
            return None, _("Expected a date and time like 2026-05-01T08:00:00+08:00.")
    limit = _TEXT_MAX.get(AttributeDatatype(kind), 200)
    if len(text) > limit:
        return None, _("Keep it under %(max)d characters.") % {"max": limit}
    return text, None


def w3c_text(moment: datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def submitted_attributes(data: QueryDict) -> dict[str, list[str]]:
    """attribute[CODE]=v and attribute[CODE][]=v1&attribute[CODE][]=v2, empty values dropped."""
    found: dict[str, list[str]] = {}
    for key, values in data.lists():
        if not key.startswith("attribute[") or not key.endswith("]"):
            continue
        code = key[len("attribute[") :].removesuffix("[]").removesuffix("]")
        kept = [v.strip() for v in values if v.strip()]
        if code and kept:
            found.setdefault(code, []).extend(kept)
    return found


def clean_answers(
    attributes: list[CategoryAttribute], data: QueryDict, errors: dict[str, str]
) -> list[Answer]:
    submitted = submitted_attributes(data)
    answers = []
    for attribute in attributes:
        name = f"attribute[{attribute.code}]"
        raw = submitted.get(attribute.code, [])
        if not attribute.variable:
            continue
        if not raw:
            if attribute.required:
                errors[name] = _("%(question)s is required.") % {"question": attribute.description}
            continue
        cleaned, problem = _answer(attribute, raw)
        if problem:
            errors[name] = f"{attribute.description}: {problem}"
        else:
            answers.append(Answer(attribute=attribute, value=cleaned))
    return answers


def _contact(data: QueryDict, errors: dict[str, str]) -> Contact:
    fields = {name: value(data, name) for name in ("email", "phone", *_CONTACT_MAX)}
    for name, limit in _CONTACT_MAX.items():
        if len(fields[name]) > limit:
            errors[name] = _("%(name)s is longer than %(max)d characters.") % {
                "name": name,
                "max": limit,
            }
    if fields["email"]:
        try:
            EmailValidator()(fields["email"])
        except ValidationError:
            errors["email"] = _("email is not a valid e-mail address.")
    return Contact(**fields)


def clean_post(data: QueryDict) -> RequestInput:
    """A POST requests form → RequestInput, or ValidationError with every problem."""
    errors: dict[str, str] = {}
    code = value(data, "service_code")
    category = find_service(code) if code else None
    if not code:
        errors["service_code"] = _("service_code is required.")
    elif category is None:
        errors["service_code"] = _("service_code %(code)s is not a service of this city.") % {
            "code": code
        }
    location = clean_location(data, errors)
    description = value(data, "description")
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _("description is longer than %(max)d characters.") % {
            "max": DESCRIPTION_MAX
        }
    media_url = value(data, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
            if len(media_url) > 500:
                raise ValidationError("too long")
        except ValidationError:
            errors["media_url"] = _("media_url must be an http or https URL.")
    contact = _contact(data, errors)
    answers = clean_answers(attributes_of(category), data, errors) if category else []
    if errors or category is None or location is None:
        raise ValidationError(errors)
    return RequestInput(
        category=category,
        description=description,
        location=location,
        contact=contact,
        answers=answers,
        media_url=media_url,
    )


@dataclass(frozen=True)
class Filters:
    ids: list[str] | None
    service_codes: list[str] | None
    start: datetime
    end: datetime
    open_states: bool | None
    page: int
    page_size: int


def _comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _positive(data: QueryDict, name: str, default: int, errors: dict[str, str]) -> int:
    text = value(data, name)
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        errors[name] = _("%(name)s must be a whole number from 1.") % {"name": name}
        return default
    return int(text)


def _dates(data: QueryDict, errors: dict[str, str]) -> tuple[datetime, datetime]:
    parsed: dict[str, datetime] = {}
    for name in ("start_date", "end_date"):
        if text := value(data, name):
            try:
                parsed[name] = parse_w3c(text)
            except ValueError:
                errors[name] = _(
                    "%(name)s must be a W3C date and time, like 2026-05-01T00:00:00+08:00."
                ) % {"name": name}
    given_start, given_end = parsed.get("start_date"), parsed.get("end_date")
    if given_start is not None:
        start = given_start
        end = given_end if given_end is not None else start + DEFAULT_SPAN
    else:
        end = given_end if given_end is not None else timezone.now()
        start = end - DEFAULT_SPAN
    if end < start:
        errors["end_date"] = _("end_date is before start_date.")
    elif end - start > DEFAULT_SPAN:
        errors["end_date"] = _("The range from start_date to end_date may not exceed 90 days.")
    return start, end


def clean_filters(data: QueryDict) -> Filters:
    errors: dict[str, str] = {}
    ids = _comma_list(value(data, "service_request_id")) or None
    codes = _comma_list(value(data, "service_code")) or None
    statuses = set(_comma_list(value(data, "status")))
    if statuses - {"open", "closed"}:
        errors["status"] = _("status must be open, closed or both, comma separated.")
    open_states = None if len(statuses) != 1 else statuses == {"open"}
    start, end = _dates(data, errors)
    page = _positive(data, "page", 1, errors)
    page_size = min(_positive(data, "page_size", MAX_RESULTS, errors), MAX_RESULTS)
    if ids is not None and len(ids) > MAX_RESULTS:
        errors["service_request_id"] = _("Ask for at most %(max)d requests at once.") % {
            "max": MAX_RESULTS
        }
    if errors:
        raise ValidationError(errors)
    return Filters(ids, codes, start, end, open_states, page, page_size)
