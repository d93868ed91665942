"""The renovation pool and estate surveys (体检)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.services import record_audit
from linli.renewal.models import EstateSurvey, PoolEntry, SurveyDefect
from linli.territory.models import Estate

# Old estates are those built before the end of 2000 (国办发〔2020〕23号).
POOL_LATEST_BUILD_YEAR = 2000


@transaction.atomic
def add_to_pool(
    *,
    estate: Estate,
    added_on: date,
    actor: User | None,
    planned_year: int | None = None,
    note: str = "",
) -> PoolEntry:
    if added_on > timezone.localdate():
        raise ValidationError({"added_on": _("The date cannot be in the future.")})
    if estate.build_year is not None and estate.build_year > POOL_LATEST_BUILD_YEAR:
        raise ValidationError(
            {
                "estate": _(
                    "%(estate)s was built in %(year)s; the pool is for estates built by 2000."
                )
                % {"estate": estate.name, "year": estate.build_year}
            }
        )
    entry, created = PoolEntry.objects.get_or_create(
        estate=estate, defaults={"added_on": added_on, "planned_year": planned_year, "note": note}
    )
    if not created:
        entry.planned_year, entry.note = planned_year, note
        entry.save(update_fields=["planned_year", "note"])
    record_audit(
        actor=actor,
        action="renewal.pool.add" if created else "renewal.pool.update",
        target=entry,
        summary=f"{estate.code} {estate.name}",
    )
    return entry


@transaction.atomic
def record_survey(
    *,
    estate: Estate,
    surveyed_on: date,
    actor: User | None,
    defects: Iterable[tuple[str, str, str]] = (),
    surveyor: str = "",
    summary: str = "",
) -> EstateSurvey:
    """Record a survey with its defects as (kind, severity, note); the estate enters the
    pool if it was not there yet."""
    if surveyed_on > timezone.localdate():
        raise ValidationError({"surveyed_on": _("The date cannot be in the future.")})
    if not PoolEntry.objects.filter(estate=estate).exists():
        add_to_pool(estate=estate, added_on=surveyed_on, actor=actor)
    survey = EstateSurvey(
        estate=estate, surveyed_on=surveyed_on, surveyor=surveyor, summary=summary, created_by=actor
    )
    survey.full_clean()
    survey.save()
    seen: set[str] = set()
    for kind, severity, note in defects:
        if kind in seen:
            continue
        seen.add(kind)
        defect = SurveyDefect(survey=survey, kind=kind, severity=severity, note=note)
        defect.full_clean()
        defect.save()
    record_audit(
        actor=actor,
        action="renewal.survey.add",
        target=survey,
        summary=f"{estate.code}: {len(seen)} defects",
    )
    return survey
