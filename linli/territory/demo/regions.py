"""The demo city's region tree: real divisions down to community, generated grids.

Regions are bulk-created with ids chosen here so that each materialised path is known before
insertion (one INSERT per batch, no second pass); on PostgreSQL the id sequence is reset after.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from linli.territory.demo import Scale
from linli.territory.demo.divisions import Division
from linli.territory.demo.geography import CityGeometry, layout_city
from linli.territory.models import Region

# Grid codes: the community's 12-digit code and a 3-digit sequence (west → east, north →
# south). Deployments use several formats; pass another to seed_demo --grid-code-format.
DEFAULT_GRID_CODE_FORMAT = "{community}{seq:03d}"


@dataclass(frozen=True)
class ScaleSpec:
    communities: tuple[str, ...] | None  # codes of the communities to build; None: all
    urban_grids: tuple[int, ...]  # an urban community's number of grids, drawn from these
    village_grids: tuple[int, ...]
    estates_per_grid: tuple[int, ...]
    dwelling_share: float  # share of estates whose first building gets dwellings and people
    village_residents: tuple[int, int]  # residents recorded per village grid (min, max)
    resident_account_share: float  # share of grids with a resident who has an account


SPECS = {
    Scale.SMALL: ScaleSpec(
        communities=(
            "410611002001",  # 淇滨区 九州路街道 桂鹤社区 (the demo logins' home)
            "410611002002",  # 鹤翔社区
            "410611002004",  # 金鹤社区
            "410611003001",  # 黎阳路街道 黎阳社区
            "410611003002",  # 怡乐园社区
            "410602001001",  # 鹤山区 中山北路街道 西一巷社区
            "410622101200",  # 淇县 高村镇 新乡屯村
            "410622101202",  # 刁公岩村
            "410622101203",  # 漫流村
        ),
        urban_grids=(3, 4),
        village_grids=(1, 2),
        estates_per_grid=(2, 3),
        dwelling_share=1.0,
        village_residents=(8, 15),
        resident_account_share=1.0,
    ),
    Scale.CITY: ScaleSpec(
        communities=None,
        urban_grids=(1, 2, 2, 2),
        village_grids=(1,) * 30 + (2,),
        estates_per_grid=(1, 2, 2, 3),
        dwelling_share=0.5,
        village_residents=(4, 8),
        resident_account_share=0.3,
    ),
    Scale.MEGACITY: ScaleSpec(
        communities=None,
        urban_grids=tuple(range(50, 71)),
        village_grids=tuple(range(16, 23)),
        estates_per_grid=(1,),
        dwelling_share=0.05,
        village_residents=(0, 2),
        resident_account_share=0.02,
    ),
}


@dataclass
class GridPlan:
    code: str
    name: str
    community: Division
    geometry: dict[str, Any]
    centre: tuple[float, float]
    urban: bool
    households: int = 0
    population: int = 0


@dataclass
class Territory:
    """What the later steps need: the created regions, by code and by level."""

    city: Region
    by_code: dict[str, Region] = field(default_factory=dict)
    districts: list[Region] = field(default_factory=list)
    townships: list[Region] = field(default_factory=list)
    communities: list[Region] = field(default_factory=list)
    grids: list[Region] = field(default_factory=list)
    plans: dict[str, GridPlan] = field(default_factory=dict)
    divisions: dict[str, Division] = field(default_factory=dict)


def plan_grids(
    city: Division, spec: ScaleSpec, rng: random.Random, code_format: str
) -> tuple[list[GridPlan], CityGeometry]:
    wanted = set(spec.communities) if spec.communities is not None else None
    counts: dict[str, int] = {}
    for district in city.children:
        for township in district.children:
            for community in township.children:
                if wanted is None or community.code in wanted:
                    choices = spec.urban_grids if community.is_urban else spec.village_grids
                    counts[community.code] = rng.choice(choices)
    geometry = layout_city(city, counts, rng)
    plans = []
    for district in city.children:
        for township in district.children:
            for community in township.children:
                polygons = geometry.grids.get(community.code, [])
                centres = geometry.grid_centres.get(community.code, [])
                for seq, (polygon, centre) in enumerate(zip(polygons, centres, strict=True), 1):
                    plans.append(
                        GridPlan(
                            code=code_format.format(community=community.code, seq=seq),
                            name=f"{community.name}第{seq}网格",
                            community=community,
                            geometry=polygon,
                            centre=centre,
                            urban=township.is_urban,
                        )
                    )
    return plans, geometry


def create_regions(city: Division, plans: list[GridPlan], geometry: CityGeometry) -> Territory:
    """Insert the city, the divisions that hold grids (all districts), and the grids."""
    next_id = (Region.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    by_parent: dict[str, list[GridPlan]] = {}
    for plan in plans:
        by_parent.setdefault(plan.community.code, []).append(plan)

    rows: list[Region] = []

    def add(division_or_plan: Division | GridPlan, parent: Region | None, **extra: Any) -> Region:
        nonlocal next_id
        region = Region(
            pk=next_id,
            code=division_or_plan.code,
            name=division_or_plan.name,
            path=f"{parent.path if parent else '/'}{next_id}/",
            parent=parent,
            **extra,
        )
        next_id += 1
        rows.append(region)
        return region

    def totals(region: Region, children: list[Region]) -> None:
        region.households = sum(c.households for c in children)
        region.population = sum(c.population for c in children)

    city_region = add(
        city, None, level=city.level, kind=city.kind, geometry=geometry.boundaries.get(city.code)
    )
    territory = Territory(city=city_region)
    for district in city.children:
        d = add(district, city_region, level=district.level, kind=district.kind)
        d.geometry = geometry.boundaries.get(district.code)
        territory.districts.append(d)
        d_children = []
        for township in district.children:
            if township.code not in geometry.boundaries:
                continue
            t = add(township, d, level=township.level, kind=township.kind)
            t.geometry = geometry.boundaries[township.code]
            territory.townships.append(t)
            d_children.append(t)
            t_children = []
            for community in township.children:
                if community.code not in by_parent:
                    continue
                c = add(community, t, level=community.level, kind=community.kind)
                c.geometry = geometry.boundaries[community.code]
                territory.communities.append(c)
                territory.divisions[community.code] = community
                t_children.append(c)
                grids = []
                for plan in by_parent[community.code]:
                    g = add(
                        plan,
                        c,
                        level=Region.Level.GRID,
                        kind=Region.Kind.GENERAL_GRID,
                        geometry=plan.geometry,
                        households=plan.households,
                        population=plan.population,
                    )
                    territory.grids.append(g)
                    territory.plans[g.code] = plan
                    grids.append(g)
                totals(c, grids)
            totals(t, t_children)
        totals(d, d_children)
    totals(city_region, territory.districts)

    # Centroids the way services.geometry_centroid computes them, in one vectorised call.
    with_geometry = [r for r in rows if r.geometry]
    shapes = shapely.from_geojson(
        np.array([json.dumps(r.geometry) for r in with_geometry], dtype=object)
    )
    points = shapely.get_coordinates(shapely.point_on_surface(shapes))
    for region, (lng, lat) in zip(with_geometry, points, strict=True):
        region.centroid_lng, region.centroid_lat = round(float(lng), 7), round(float(lat), 7)
    Region.objects.bulk_create(rows, batch_size=1000)
    _reset_sequence()
    territory.by_code = {r.code: r for r in rows}
    return territory


def _reset_sequence() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [Region])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
