"""Open311 documents in both formats. Both are built from the same plain structures:
lists become bare top-level JSON arrays and repeated XML elements (<services><service>…),
absent values are null in JSON and empty elements in XML, ids are strings, datetimes are W3C
with the time zone. No personal data goes into a GET document."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.api.open311.models import CategoryAttribute, Open311Request
from linli.api.open311.queries import service_code
from linli.lib.masking import mask_id_number, mask_phone
from linli.workorders.models import OPEN_STATES, Category, DeadlineUnit, OrderState, WorkOrder

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# The element name of one item of each list.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")


def w3c(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def public_text(text: str) -> str:
    """Residents write phone and ID numbers into descriptions: mask them for the public."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE.sub(lambda m: mask_phone(m.group()), text)


def open311_status(state: str) -> str:
    return "open" if state in OPEN_STATES else "closed"


def service_entry(category: Category) -> dict[str, Any]:
    group = category.parent.name if category.parent else ""
    return {
        "service_code": service_code(category),
        "service_name": category.name,
        "description": category.filing_conditions or category.name,
        "metadata": bool(getattr(category, "has_attributes", False)),
        "type": "realtime",
        "keywords": ",".join(k for k in (category.get_kind_display(), group) if k),
        "group": group,
    }


def definition(category: Category, attributes: list[CategoryAttribute]) -> dict[str, Any]:
    return {
        "service_code": service_code(category),
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description or None,
                "order": a.order,
                "description": a.description,
                "values": [{"key": str(v["key"]), "name": v["name"]} for v in a.values or []],
            }
            for a in attributes
        ],
    }


def service_notice(category: Category) -> str:
    amount, unit = category.deadline_for(urgent=False)
    return _("To be handled within %(amount)d %(unit)s of dispatch.") % {
        "amount": amount,
        "unit": DeadlineUnit(unit).label,
    }


def _record(order: WorkOrder) -> Open311Request | None:
    try:
        return order.open311  # type: ignore[attr-defined,no-any-return]
    except Open311Request.DoesNotExist:
        return None


def _media_url(order: WorkOrder, record: Open311Request | None, base: str) -> str | None:
    if record is not None and record.media_url:
        return record.media_url
    photos = list(order.photos.all())
    return base + photos[0].image.url if photos else None


def request_entry(order: WorkOrder, *, base_url: str) -> dict[str, Any]:
    """One service request as GET shows it. `base_url` makes photo links absolute."""
    record = _record(order)
    agency = order.assignee_unit.name if order.assignee_unit else order.subdistrict.name
    description = record.description if record is not None else order.description
    updated: datetime | None = getattr(order, "updated_at", None)
    return {
        "service_request_id": order.number,
        "status": open311_status(order.state),
        "status_notes": str(OrderState(order.state).label),
        "service_name": order.category.name,
        "service_code": service_code(order.category),
        "description": public_text(description),
        "agency_responsible": agency,
        "service_notice": service_notice(order.category),
        "requested_datetime": w3c(order.created_at),
        "updated_datetime": w3c(updated or order.created_at),
        "expected_datetime": w3c(order.deadline_at),
        "address": order.address or None,
        "address_id": (record.address_id if record is not None else "") or None,
        "zipcode": None,
        "lat": order.lat,
        "long": order.lng,
        "media_url": _media_url(order, record, base_url),
    }


def created_entry(record: Open311Request) -> dict[str, Any]:
    """The answer to a POST: realtime, so the id at once (and a token that resolves to it)."""
    return {
        "service_request_id": record.order.number,
        "token": record.token,
        "service_notice": service_notice(record.order.category),
        "account_id": record.account_id or None,
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> str:
    element = ET.Element(root)
    _fill(element, data)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode")


def render(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    """`root` names the XML document element (JSON has none: a list is a bare array)."""
    body = to_xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False)
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    errors = [{"code": status, "description": d} for d in descriptions]
    return render(fmt, "errors", errors, status=status)
