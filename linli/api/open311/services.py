"""Open311 writes: registering applications and taking in service requests, which enter the
work-order engine through `create_order` like every other source."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.services import record_audit
from linli.api.open311.models import (
    CategoryAttribute,
    Open311Application,
    Open311Request,
    Open311Source,
    hash_key,
)
from linli.workorders.models import Category
from linli.workorders.services import create_order
from linli.workorders.services.intake import DESCRIPTION_MAX

# The public demo key, registered by the demo city only (see demo.py and docs/open311.md).
DEMO_KEY = "linli-demo-key"
SUMMARY_MARK = "…"


def register_application(
    *,
    name: str,
    source: str = Open311Source.APP,
    contact: str = "",
    key: str | None = None,
    by: User | None = None,
) -> tuple[Open311Application, str]:
    """Register an application; returns it and its api_key, which is shown this once (only
    its hash is stored). `key` is for the demo city's fixed key; production leaves it out."""
    raw = key or secrets.token_urlsafe(24)
    app = Open311Application(
        name=name.strip(),
        source=source,
        contact=contact,
        key_hash=hash_key(raw),
        key_prefix=raw[:8],
    )
    app.full_clean()
    with transaction.atomic():
        app.save()
        record_audit(
            actor=by,
            action="open311.register_application",
            target=app,
            summary=_("Open311 application %(name)s registered") % {"name": app.name},
        )
    return app, raw


def application_for_key(raw: str) -> Open311Application | None:
    """The active application holding this api_key, if any."""
    if not raw:
        return None
    return Open311Application.objects.filter(key_hash=hash_key(raw), is_active=True).first()


@dataclass(frozen=True)
class Location:
    lng: float
    lat: float
    address: str = ""
    address_id: str = ""


@dataclass(frozen=True)
class Contact:
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Answer:
    attribute: CategoryAttribute
    value: Any  # str, float or list[str], as cleaned by forms.clean_answers


@dataclass(frozen=True)
class RequestInput:
    category: Category
    description: str
    location: Location
    contact: Contact = Contact()
    answers: list[Answer] = field(default_factory=list)
    media_url: str = ""


def _shown(answer: Answer) -> str:
    names = answer.attribute.value_keys()
    values = answer.value if isinstance(answer.value, list) else [answer.value]
    return "、".join(names.get(str(v), str(v)) for v in values)


def order_description(data: RequestInput) -> str:
    """The text the handlers see: the description and the answers to the category's
    questions, within the engine's length (Open311 allows 4,000 characters; the full text
    stays on the Open311 request)."""
    parts = [data.description.strip() or data.category.name]
    parts += [f"{a.attribute.description}：{_shown(a)}" for a in data.answers]
    text = "\n".join(parts)
    if len(text) > DESCRIPTION_MAX:
        text = text[: DESCRIPTION_MAX - len(SUMMARY_MARK)] + SUMMARY_MARK
    return text


def submit_request(*, application: Open311Application, data: RequestInput) -> Open311Request:
    """Create the order (source hotline or app, per application) and its Open311 record, all
    or nothing. Raises ValidationError naming the field for anything the engine refuses."""
    contact = data.contact
    with transaction.atomic():
        order = create_order(
            source=application.source,
            category=data.category,
            description=order_description(data),
            lng=data.location.lng,
            lat=data.location.lat,
            reporter=None,
            requester_name=f"{contact.last_name}{contact.first_name}".strip(),
            requester_phone=contact.phone,
            address=data.location.address,
        )
        record = Open311Request(
            order=order,
            application=application,
            token=secrets.token_hex(16),
            description=data.description,
            attributes={a.attribute.code: a.value for a in data.answers},
            address_id=data.location.address_id,
            media_url=data.media_url,
            email=contact.email,
            device_id=contact.device_id,
            account_id=contact.account_id,
            first_name=contact.first_name,
            last_name=contact.last_name,
        )
        record.full_clean(exclude=["order", "application"])
        record.save()
    return record
