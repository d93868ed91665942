"""What a project does and how residents take part: items by tier, consultations (meetings
and votes), and the governance bodies formed for the renovation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.services import record_audit
from linli.renewal.models import (
    Consultation,
    GovernanceBody,
    GovernanceMember,
    RenovationItem,
    RenovationProject,
)
from linli.territory.models import Estate


def _check_estate_in_project(project: RenovationProject, estate: Estate | None) -> None:
    if estate is not None and not project.estates.filter(estate=estate).exists():
        raise ValidationError(
            {"estate": _("%(estate)s is not in this project.") % {"estate": estate.name}}
        )


def _check_past(field: str, day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


@transaction.atomic
def add_item(
    *,
    project: RenovationProject,
    tier: str,
    name: str,
    quantity: Decimal,
    unit: str,
    actor: User | None,
    estate: Estate | None = None,
    note: str = "",
) -> RenovationItem:
    _check_estate_in_project(project, estate)
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be more than zero.")})
    item = RenovationItem(
        project=project,
        estate=estate,
        tier=tier,
        name=name.strip(),
        quantity=quantity,
        unit=unit.strip(),
        note=note,
    )
    item.full_clean()
    item.save()
    record_audit(
        actor=actor, action="renewal.item.add", target=item, summary=f"{project.code}: {item}"
    )
    return item


@transaction.atomic
def remove_item(*, item: RenovationItem, actor: User | None) -> None:
    record_audit(
        actor=actor,
        action="renewal.item.remove",
        target=item.project,
        summary=f"{item.project.code}: {item}",
    )
    item.delete()


@transaction.atomic
def record_consultation(
    *,
    project: RenovationProject,
    kind: str,
    topic: str,
    held_on: date,
    actor: User | None,
    estate: Estate | None = None,
    participants: int = 0,
    votes_for: int = 0,
    votes_against: int = 0,
    votes_abstain: int = 0,
    result: str = "",
) -> Consultation:
    _check_estate_in_project(project, estate)
    _check_past("held_on", held_on)
    votes = votes_for + votes_against + votes_abstain
    if kind == Consultation.Kind.VOTE and votes == 0:
        raise ValidationError({"votes_for": _("A vote needs the numbers of votes cast.")})
    if kind != Consultation.Kind.VOTE and votes:
        raise ValidationError({"kind": _("Votes can only be recorded for a vote.")})
    if participants and votes > participants:
        raise ValidationError({"participants": _("More votes were cast than people took part.")})
    consultation = Consultation(
        project=project,
        estate=estate,
        kind=kind,
        topic=topic,
        held_on=held_on,
        participants=participants or votes,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        result=result,
    )
    consultation.full_clean()
    consultation.save()
    record_audit(
        actor=actor,
        action="renewal.consultation.add",
        target=consultation,
        summary=f"{project.code}: {consultation}",
    )
    return consultation


@transaction.atomic
def form_governance_body(
    *,
    project: RenovationProject,
    kind: str,
    name: str,
    formed_on: date,
    actor: User | None,
    estate: Estate | None = None,
    members: Iterable[tuple[str, str, str]] = (),
) -> GovernanceBody:
    """A renovation command group (street, community, property company, residents), a
    temporary party branch, …; members as (name, affiliation, title)."""
    _check_estate_in_project(project, estate)
    _check_past("formed_on", formed_on)
    body = GovernanceBody(project=project, estate=estate, kind=kind, name=name, formed_on=formed_on)
    body.full_clean()
    body.save()
    for member_name, affiliation, title in members:
        add_member(body=body, name=member_name, affiliation=affiliation, title=title, actor=None)
    record_audit(
        actor=actor,
        action="renewal.governance.form",
        target=body,
        summary=f"{project.code}: {name}",
    )
    return body


@transaction.atomic
def add_member(
    *, body: GovernanceBody, name: str, affiliation: str, actor: User | None, title: str = ""
) -> GovernanceMember:
    member = GovernanceMember(body=body, name=name.strip(), affiliation=affiliation, title=title)
    member.full_clean()
    member.save()
    if actor is not None:
        record_audit(
            actor=actor, action="renewal.governance.member", target=body, summary=f"{body}: {name}"
        )
    return member
