"""Smart facilities per estate, each with a device key and a signing secret."""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.services import record_audit
from linli.renewal.models import SmartFacility
from linli.territory.models import Estate


def new_secret() -> str:
    return secrets.token_hex(32)


def _default_key(estate: Estate, kind: str) -> str:
    return slugify(f"{estate.code}-{kind}-{secrets.token_hex(3)}".replace("_", "-"))


def _check(installed_on: date, device_count: int) -> None:
    if installed_on > timezone.localdate():
        raise ValidationError({"installed_on": _("The date cannot be in the future.")})
    if device_count < 1:
        raise ValidationError({"device_count": _("There must be at least one device.")})


@transaction.atomic
def register_facility(
    *,
    estate: Estate,
    kind: str,
    installed_on: date,
    actor: User | None,
    device_key: str = "",
    device_count: int = 1,
    note: str = "",
) -> SmartFacility:
    _check(installed_on, device_count)
    key = device_key.strip() or _default_key(estate, kind)
    if SmartFacility.objects.filter(device_key=key).exists():
        raise ValidationError({"device_key": _("Another facility already uses this device key.")})
    facility = SmartFacility(
        estate=estate,
        kind=kind,
        device_key=key,
        secret=new_secret(),
        installed_on=installed_on,
        device_count=device_count,
        note=note,
        created_by=actor,
    )
    facility.full_clean()
    facility.save()
    record_audit(
        actor=actor, action="renewal.facility.register", target=facility, summary=str(facility)
    )
    return facility


@transaction.atomic
def update_facility(
    *,
    facility: SmartFacility,
    installed_on: date,
    device_count: int,
    is_active: bool,
    actor: User | None,
    note: str = "",
) -> SmartFacility:
    _check(installed_on, device_count)
    facility.installed_on, facility.device_count = installed_on, device_count
    facility.is_active, facility.note = is_active, note
    facility.full_clean()
    facility.save(update_fields=["installed_on", "device_count", "is_active", "note"])
    record_audit(
        actor=actor, action="renewal.facility.update", target=facility, summary=str(facility)
    )
    return facility


@transaction.atomic
def rotate_secret(*, facility: SmartFacility, actor: User | None) -> str:
    """Give the device a new signing secret; alerts signed with the old one are refused."""
    facility.secret = new_secret()
    facility.save(update_fields=["secret"])
    record_audit(
        actor=actor, action="renewal.facility.secret", target=facility, summary=facility.device_key
    )
    return facility.secret
