"""The builder's shared state, and the estates (with their buildings) it creates."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from linli.accounts.models import Organization
from linli.renewal.demo.shares import _split
from linli.renewal.demo.targets import SHANCHENG, Targets
from linli.territory.models import Building, Courtyard, Estate, Region


class _BuilderBase:
    def __init__(self, rng: random.Random, targets: Targets, city: Region) -> None:
        self.rng, self.t, self.city = rng, targets, city
        districts = list(Region.objects.filter(parent=city).order_by("code"))
        urban = {
            d.pk: list(
                Region.objects.within(d)
                .grids()
                .annotate(n=Count("estates"))
                .filter(n__gt=0)
                .order_by("code")
            )
            for d in districts
        }
        self.districts = [d for d in districts if urban[d.pk]]
        self.urban = urban
        self.main = next((d for d in self.districts if d.code == SHANCHENG), None) or max(
            self.districts, key=lambda d: len(urban[d.pk])
        )
        self.others = [d for d in self.districts if d != self.main] or [self.main]
        self.serial = 0
        self.today = timezone.localdate()
        self.companies: dict[int, Organization] = {}
        companies = Organization.objects.filter(kind=Organization.Kind.PROPERTY_COMPANY)
        for company in companies.select_related("service_area").order_by("pk"):
            for district in self.districts:
                if company.service_area.path.startswith(district.path):
                    self.companies.setdefault(district.pk, company)

    # Estates

    def _code(self, grid: Region) -> str:
        self.serial += 1
        return f"{grid.code}R{self.serial:03d}"

    def new_estate(
        self, grid: Region, name: str, year: int, households: int, area: int, buildings: int
    ) -> Estate:
        estate = Estate.objects.create(
            code=self._code(grid),
            name=name,
            grid=grid,
            build_year=year,
            building_count=buildings,
            households=households,
            floor_area_m2=Decimal(area),
            address=f"{grid.name}",
            lng=(grid.centroid_lng or 114.3) + self.rng.uniform(-0.0005, 0.0005),
            lat=(grid.centroid_lat or 35.75) + self.rng.uniform(-0.0004, 0.0004),
        )
        self._buildings(estate, None, households, buildings)
        return estate

    def _buildings(
        self, estate: Estate, courtyard: Courtyard | None, households: int, count: int
    ) -> None:
        prefix = courtyard.name if courtyard else ""
        shares = _split(households, count, self.rng) if count else []
        Building.objects.bulk_create(
            Building(
                estate=estate,
                courtyard=courtyard,
                number=f"{prefix}{n}号楼"[:20],
                floors=self.rng.randrange(4, 7),
                units=self.rng.randrange(1, 4),
                households=share,
            )
            for n, share in enumerate(shares, start=1)
        )

    def old_estates(self, district: Region) -> list[Estate]:
        grids = self.urban[district.pk]
        qs = Estate.objects.filter(
            grid__in=grids, build_year__lt=2000, renewal_participation__isnull=True
        )
        return list(qs.order_by("code"))

    def _district(self, prefix: str) -> Region:
        return next((d for d in self.districts if d.code.startswith(prefix)), self.main)
