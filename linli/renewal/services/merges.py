"""三合三并: move courtyards into the estate they merge with. The courtyard keeps its
identity; its buildings, households and share of floor area go with it, and the merge
records where it came from and what it brought."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.services import record_audit
from linli.renewal.models import CourtyardMerge, MergedCourtyard
from linli.territory.models import Building, Courtyard, Estate


def _check(target: Estate, pairs: Sequence[tuple[Courtyard, Estate]], merged_on: date) -> None:
    if not pairs:
        raise ValidationError({"courtyards": _("Choose the courtyards to merge.")})
    if merged_on > timezone.localdate():
        raise ValidationError({"merged_on": _("The date cannot be in the future.")})
    names = set(target.courtyards.values_list("name", flat=True))
    for courtyard, source in pairs:
        if source.pk == target.pk:
            raise ValidationError(
                {
                    "courtyards": _("%(name)s is already part of %(estate)s.")
                    % {"name": courtyard.name, "estate": target.name}
                }
            )
        if MergedCourtyard.objects.filter(courtyard=courtyard).exists():
            raise ValidationError(
                {"courtyards": _("%(name)s has already been merged.") % {"name": courtyard.name}}
            )
        if courtyard.estate_id == target.pk:
            continue
        if courtyard.name in names:
            raise ValidationError(
                {
                    "courtyards": _("%(estate)s already has a courtyard called %(name)s.")
                    % {"estate": target.name, "name": courtyard.name}
                }
            )
        names.add(courtyard.name)


def _share(total: Decimal, part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal(0)
    return (total * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def merge_courtyards(
    *,
    target: Estate,
    courtyards: Sequence[Courtyard],
    method: str,
    merged_on: date,
    actor: User | None,
    walls_removed: int = 0,
    note: str = "",
) -> CourtyardMerge:
    """Merge `courtyards` into `target`, each moving from the estate it is in now."""
    pairs = [(c, Estate.objects.get(pk=c.estate_id)) for c in courtyards]
    return record_merge(
        target=target,
        pairs=pairs,
        method=method,
        merged_on=merged_on,
        actor=actor,
        walls_removed=walls_removed,
        note=note,
    )


@transaction.atomic
def record_merge(
    *,
    target: Estate,
    pairs: Sequence[tuple[Courtyard, Estate]],
    method: str,
    merged_on: date,
    actor: User | None,
    walls_removed: int = 0,
    note: str = "",
) -> CourtyardMerge:
    """Record a merge of (courtyard, from estate) pairs. A courtyard still in its from
    estate moves now; one the territory already shows inside `target` (a ledger re-imported
    over a territory that has the merge) is only recorded."""
    _check(target, pairs, merged_on)
    merge = CourtyardMerge(
        target_estate=target,
        method=method,
        walls_removed=walls_removed,
        merged_on=merged_on,
        note=note,
        created_by=actor,
    )
    merge.full_clean()
    merge.save()
    for courtyard, source in pairs:
        moved = MergedCourtyard(merge=merge, courtyard=courtyard, from_estate=source)
        if courtyard.estate_id == source.pk:
            source = Estate.objects.select_for_update().get(pk=source.pk)
            _move(courtyard, source, target, moved)
        moved.full_clean()
        moved.save()
    record_audit(
        actor=actor,
        action="renewal.merge",
        target=merge,
        summary=f"{target.code} {target.name} ← {len(pairs)}",
        data={"courtyards": [c.pk for c, _s in pairs], "method": method},
    )
    return merge


def _move(courtyard: Courtyard, source: Estate, target: Estate, moved: MergedCourtyard) -> None:
    last = not source.courtyards.exclude(pk=courtyard.pk).exists()
    if last:
        households, area = source.households, source.floor_area_m2
    else:
        households = min(courtyard.households, source.households)
        area = _share(Decimal(source.floor_area_m2), households, source.households)
    taken = set(target.buildings.values_list("number", flat=True))
    buildings = list(Building.objects.filter(estate=source, courtyard=courtyard))
    if last:
        buildings = list(Building.objects.filter(estate=source))
    for building in buildings:
        if building.number in taken:
            building.number = f"{courtyard.name}{building.number}"[:20]
        taken.add(building.number)
        building.estate = target
        building.save(update_fields=["estate", "number"])
    moved_buildings = source.building_count if last else min(len(buildings), source.building_count)
    courtyard.estate = target
    courtyard.save(update_fields=["estate"])
    source.households -= households
    source.floor_area_m2 = Decimal(source.floor_area_m2) - area
    source.building_count -= moved_buildings
    source.save(update_fields=["households", "floor_area_m2", "building_count"])
    target.refresh_from_db(fields=["households", "floor_area_m2", "building_count"])
    target.households += households
    target.floor_area_m2 = Decimal(target.floor_area_m2) + area
    target.building_count += moved_buildings
    target.save(update_fields=["households", "floor_area_m2", "building_count"])
    moved.households_moved, moved.floor_area_moved_m2 = households, area
    moved.buildings_moved = moved_buildings
