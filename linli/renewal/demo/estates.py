"""The estates bundled into projects, and the courtyards merged into them (朝阳小区 first)."""

from __future__ import annotations

from datetime import date

from linli.renewal.demo.base import _BuilderBase
from linli.renewal.demo.shares import _split, _split_like
from linli.renewal.services import merges
from linli.territory.models import Courtyard, Estate, Region

_UNITS = [
    "化肥厂",
    "机床厂",
    "煤机厂",
    "酒厂",
    "食品厂",
    "印刷厂",
    "皮革厂",
    "农行",
    "工行",
    "税务局",
    "法院",
    "检察院",
    "公路局",
    "水利局",
    "卫生局",
    "教育局",
    "气象局",
    "林业局",
    "电厂",
    "自来水公司",
    "汽修厂",
    "建材厂",
    "陶瓷厂",
    "造纸厂",
    "面粉厂",
    "油厂",
    "制药厂",
    "电机厂",
    "轴承厂",
    "啤酒厂",
]
_CHAOYANG_YARDS = [
    "化肥厂家属院",
    "机床厂家属院",
    "煤机厂家属院",
    "酒厂家属院",
    "印刷厂家属院",
    "农行家属院",
    "税务局家属院",
    "公路局家属院",
    "水利局家属院",
]


class _Estates(_BuilderBase):
    def plan_estates(self) -> dict[Region, list[tuple[Estate, bool]]]:
        """Per district, the estates bundled, each marked whether its renovation started.
        Started estates' households and floor area add up to the targets exactly."""
        t = self.t
        plan: dict[Region, list[tuple[Estate, bool]]] = {}
        main_other = [(self.main, t.main_bundled, t.main_started)]
        per_other = _split(t.other_bundled, len(self.others), self.rng, minimum=1)
        started_other = _split(t.started - t.main_started, len(self.others), self.rng, minimum=0)
        jobs = main_other + [
            (d, n, min(s, n)) for d, n, s in zip(self.others, per_other, started_other, strict=True)
        ]
        # Shortfalls (a district with fewer bundled slots than starts) go to the main district.
        short = (t.started - t.main_started) - sum(min(s, n) for _, n, s in jobs[1:])
        jobs[0] = (self.main, t.main_bundled, t.main_started + short)
        fixed: list[Estate] = []
        fillers: list[tuple[Region, Region]] = []
        for district, bundled, started in jobs:
            old = self.old_estates(district)
            self.rng.shuffle(old)
            use_old = min(len(old), round(started * 0.35))
            started_list: list[Estate] = old[:use_old]
            fixed += started_list
            rest_started = started - use_old
            waiting = old[use_old : use_old + (bundled - started) // 2]
            for _ in range(rest_started):
                fillers.append((district, self.rng.choice(self.urban[district.pk])))
            for _ in range(bundled - started - len(waiting)):
                hh = self.rng.randrange(80, 300)
                grid = self.rng.choice(self.urban[district.pk])
                waiting.append(
                    self.new_estate(
                        grid, self._old_name(), self.rng.randrange(1980, 2000), hh, hh * 85, 3
                    )
                )
            plan[district] = [(e, True) for e in started_list] + [(e, False) for e in waiting]
        # 朝阳小区 (1988): made of nine former family courtyards; then the other merges.
        chaoyang = self.new_estate(
            self.rng.choice(self.urban[self.main.pk]), "朝阳小区", 1988, 0, 0, 0
        )
        self.merge_into(
            chaoyang,
            _CHAOYANG_YARDS[: t.chaoyang_courtyards],
            date(2019, 4, 20),
            "small_into_large",
        )
        chaoyang.refresh_from_db()
        fixed.append(chaoyang)
        plan[self.main].append((chaoyang, True))
        # 朝阳小区 takes one of the main district's started places.
        fillers.pop(max(i for i, (d, _g) in enumerate(fillers) if d == self.main))
        self.spread_merges(fixed, t.merged - t.chaoyang_courtyards)
        for estate in fixed:
            estate.refresh_from_db()
        households = t.households - sum(e.households for e in fixed)
        area = t.floor_area_m2 - sum(int(e.floor_area_m2) for e in fixed)
        sizes = _split(households, len(fillers), self.rng, minimum=60)
        areas = _split_like(area, sizes)
        for (district, grid), hh, m2 in zip(fillers, sizes, areas, strict=True):
            estate = self.new_estate(
                grid, self._old_name(), self.rng.randrange(1978, 2000), hh, m2, max(2, hh // 40)
            )
            plan[district].append((estate, True))
        return plan

    def _old_name(self) -> str:
        return f"{self.rng.choice(_UNITS)}{self.rng.choice(('家属院', '家属楼', '生活区', '宿舍'))}"

    def merge_into(self, target: Estate, names: list[str], on: date, method: str) -> None:
        courtyards = []
        for name in names:
            hh = self.rng.randrange(24, 120)
            source = self.new_estate(
                target.grid,
                name,
                self.rng.randrange(1975, 1995),
                hh,
                hh * self.rng.randrange(70, 95),
                0,
            )
            yard = Courtyard.objects.create(
                estate=source, name=name, build_year=source.build_year, households=hh
            )
            count = self.rng.randrange(1, 4)
            source.building_count = count
            source.save(update_fields=["building_count"])
            self._buildings(source, yard, hh, count)
            courtyards.append(yard)
        merges.merge_courtyards(
            target=target,
            courtyards=courtyards,
            method=method,
            walls_removed=len(courtyards) + self.rng.randrange(0, 3),
            merged_on=on,
            actor=None,
        )

    def spread_merges(self, targets: list[Estate], total: int) -> None:
        """The remaining merged courtyards, 2–4 at a time, into started estates."""
        methods = ["small_into_large", "scattered_into_whole", "blocks_into_area"]
        candidates = [e for e in targets if e.name != "朝阳小区"] or targets
        used = 0
        while used < total:
            n = min(total - used, self.rng.randrange(2, 5))
            target = self.rng.choice(candidates)
            taken = set(target.courtyards.values_list("name", flat=True))
            names: list[str] = []
            while len(names) < n:
                name = f"{self.rng.choice(_UNITS)}{self.rng.choice(('家属院', '宿舍院', '小院'))}"
                if name not in taken and name not in names:
                    names.append(name)
            on = date(
                self.rng.randrange(2019, 2024), self.rng.randrange(2, 5), self.rng.randrange(1, 28)
            )
            self.merge_into(target, names, on, self.rng.choice(methods))
            used += n
