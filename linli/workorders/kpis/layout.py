"""Which counter rows an order belongs to, and which rows answer a question.

Measured on 10 million orders (bench/kpis.py): rows per (day, region) only compress the
orders where a region has many orders a day. So:

- city, district, subdistrict: a row per day and per month;
- community: a row per month; days at the edges of a period are summed from the orders'
  facts (indexed by community and day);
- unit: a row per month, and per day for the whole only (a unit's slices for days outside
  whole months come from its facts);
- grid and person: no period rows; their few orders' facts are summed directly;
- every region and unit: one all-time row (what is open and overdue now: the map).

Each period row comes in three slices: the whole, one per major category class, one per
source. A period of whole days is always answered exactly: whole months from month rows,
the remaining days from day rows (or facts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from linli.workorders.models.kpis import KpiGrain, KpiScope

ALL_BUCKET = date(2000, 1, 1)  # the bucket of all-time rows

# (scope, scope_id, grain, bucket, major, source)
Key = tuple[int, int, int, date, int, str]

REGION = KpiScope.REGION.value
UNIT = KpiScope.UNIT.value
DAY, MONTH, ALL = KpiGrain.DAY.value, KpiGrain.MONTH.value, KpiGrain.ALL.value


@dataclass(frozen=True)
class Place:
    """Where and when an order counts: fixed for the order's life."""

    cohort_day: date
    cohort_month: date
    city_id: int
    district_id: int
    subdistrict_id: int
    community_id: int
    grid_id: int
    major_id: int
    minor_id: int
    source: str


def _slices(scope: int, scope_id: int, grain: int, bucket: date, place: Place) -> list[Key]:
    return [
        (scope, scope_id, grain, bucket, 0, ""),
        (scope, scope_id, grain, bucket, place.major_id, ""),
        (scope, scope_id, grain, bucket, 0, place.source),
    ]


def region_keys(place: Place) -> list[Key]:
    keys: list[Key] = []
    for region_id in (place.city_id, place.district_id, place.subdistrict_id):
        keys += _slices(REGION, region_id, DAY, place.cohort_day, place)
        keys += _slices(REGION, region_id, MONTH, place.cohort_month, place)
    keys += _slices(REGION, place.community_id, MONTH, place.cohort_month, place)
    for region_id in (
        place.city_id,
        place.district_id,
        place.subdistrict_id,
        place.community_id,
        place.grid_id,
    ):
        keys.append((REGION, region_id, ALL, ALL_BUCKET, 0, ""))
    return keys


def unit_keys(place: Place, unit_id: int) -> list[Key]:
    return [
        (UNIT, unit_id, DAY, place.cohort_day, 0, ""),
        *_slices(UNIT, unit_id, MONTH, place.cohort_month, place),
        (UNIT, unit_id, ALL, ALL_BUCKET, 0, ""),
    ]


def category_keys(place: Place) -> list[tuple[int, int, date, int]]:
    """(scope_id, grain, bucket, minor) rows of KpiCategoryCounter for a new order."""
    keys = []
    for region_id in (place.city_id, place.district_id, place.subdistrict_id):
        keys.append((region_id, DAY, place.cohort_day, place.minor_id))
        keys.append((region_id, MONTH, place.cohort_month, place.minor_id))
    keys.append((place.community_id, MONTH, place.cohort_month, place.minor_id))
    return keys


# For each region level: does it keep day rows, month rows, or answer from facts (the
# column of OrderFacts to filter on)?
@dataclass(frozen=True)
class Source:
    scope: int
    day_rows: bool
    month_rows: bool
    facts_column: str  # where facts answer what rows do not
    day_slices: bool = True  # day rows come in all three slices (else the whole only)


REGION_SOURCES = {
    1: Source(REGION, True, True, ""),
    2: Source(REGION, True, True, ""),
    3: Source(REGION, True, True, ""),
    4: Source(REGION, False, True, "community_id"),
    5: Source(REGION, False, False, "grid_id"),
}
# Units: the whole per day (the units table of a region page), slices per month; the
# slices of a unit's days outside whole months come from its facts.
UNIT_SOURCE = Source(UNIT, True, True, "unit_id", day_slices=False)
PERSON_SOURCE = Source(0, False, False, "person_id")
