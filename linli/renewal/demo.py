"""Demo renovation records for the generated 鹤壁 (seed_demo step "renewal").

Records, not totals: at scale `city` their sums reproduce the seed (S1–S2) exactly: 211
estates started and 181 completed, 5.12 million m², 1.36 billion yuan, 53,000 households;
in 山城区 207 estates bundled into 32 projects; 122 courtyards merged, 9 of them into 朝阳小区
(built 1988); 117 estates with new access control and 136 with surveillance; 17
demonstration streets, 64 alleys completed, 11 in progress, 5 new this year.

Old estates of the generated territory are used first; the estates still needed are created
in real urban grids, sized so that the sums come out exactly. Every renovation record is
written through the services, so the demo obeys the same rules as an office would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from linli.accounts.models import Organization
from linli.renewal.models import (
    ProjectEstate,
    RenovationProject,
    SmartFacility,
    Stage,
    StreetProject,
)
from linli.renewal.services import alleys, content, facilities, merges, pool, projects
from linli.territory.models import Building, Courtyard, Estate, Region, subtree_q

SHANCHENG = "410603000000"


@dataclass(frozen=True)
class Targets:
    started: int
    completed: int
    floor_area_m2: int
    households: int
    investment_yuan: int
    main_bundled: int  # estates bundled in the main district (山城区)
    main_projects: int
    main_started: int
    main_completed: int
    other_bundled: int
    other_projects: int
    merged: int
    chaoyang_courtyards: int
    access_control: int
    surveillance: int
    alleys_demonstration: int
    alleys_completed: int
    alleys_in_progress: int
    alleys_new: int
    alleys_planned: int


CITY = Targets(
    started=211,
    completed=181,
    floor_area_m2=5_120_000,
    households=53_000,
    investment_yuan=1_360_000_000,
    main_bundled=207,
    main_projects=32,
    main_started=192,
    main_completed=168,
    other_bundled=25,
    other_projects=5,
    merged=122,
    chaoyang_courtyards=9,
    access_control=117,
    surveillance=136,
    alleys_demonstration=17,
    alleys_completed=64,
    alleys_in_progress=11,
    alleys_new=5,
    alleys_planned=6,
)
SMALL = Targets(
    started=14,
    completed=11,
    floor_area_m2=340_000,
    households=3_500,
    investment_yuan=90_000_000,
    main_bundled=12,
    main_projects=2,
    main_started=10,
    main_completed=8,
    other_bundled=6,
    other_projects=1,
    merged=15,
    chaoyang_courtyards=9,
    access_control=8,
    surveillance=10,
    alleys_demonstration=3,
    alleys_completed=8,
    alleys_in_progress=2,
    alleys_new=1,
    alleys_planned=1,
)
TARGETS = {"small": SMALL, "city": CITY, "megacity": CITY}

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
_ALLEY_THEMES = [
    "明清古建 · 诗经文化",
    "民国风情美食街",
    "红色文化",
    "非遗手作",
    "孝老敬亲",
    "书香雅巷",
    "淇河文化",
    "煤城记忆",
    "廉洁文化",
    "花木小巷",
    "传说故事",
    "邻里和美",
]


def make_demo_renewal(*, rng: random.Random, scale: str, city: Region) -> None:
    targets = TARGETS.get(str(scale), SMALL)
    builder = _Builder(rng, targets, city)
    builder.build()


class _Builder:
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

    # The whole build

    def build(self) -> None:
        chosen = self.plan_estates()
        project_list = self.make_projects(chosen)
        self.pool_waiting()
        self.set_investment(project_list)
        self.make_facilities()
        self.make_alleys()
        self.special_cases()

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

    # Projects

    def make_projects(
        self, plan: dict[Region, list[tuple[Estate, bool]]]
    ) -> list[RenovationProject]:
        t = self.t
        made: list[RenovationProject] = []
        completed_left = {self.main.pk: t.main_completed}
        remaining = t.completed - t.main_completed
        for district in self.others:
            if district != self.main:
                n_started = sum(1 for _e, s in plan[district] if s)
                completed_left[district.pk] = min(remaining, n_started)
                remaining -= completed_left[district.pk]
        completed_left[self.main.pk] += remaining
        for district, estates in plan.items():
            count = (
                t.main_projects
                if district == self.main
                else max(1, round(t.other_projects / len(self.others)))
            )
            count = min(count, len(estates))
            started = [e for e, s in estates if s]
            waiting = [e for e, s in estates if not s]
            self.rng.shuffle(started)
            # 朝阳小区 was renovated in the first batch (2019).
            started.sort(key=lambda e: e.name != "朝阳小区")
            done = min(completed_left.get(district.pk, 0), len(started))
            # Earlier batches hold the completed estates; later ones those still under way.
            ordered = [(e, "completed") for e in started[:done]] + [
                (e, "started") for e in started[done:]
            ]
            ordered += [(e, "waiting") for e in waiting]
            groups = _chunks(ordered, count)
            for n, group in enumerate(groups, start=1):
                made.append(self.project(district, n, len(groups), group))
        return made

    def project(
        self, district: Region, n: int, of: int, group: list[tuple[Estate, str]]
    ) -> RenovationProject:
        first_year, last_year = 2019, 2024
        year = first_year + (n - 1) * (last_year - first_year + 1) // of
        kinds = {state for _e, state in group}
        if kinds == {"waiting"}:
            year = max(year, 2024)
        code = f"{district.code[:6]}-{year}-{n:02d}"
        project = projects.create_project(
            code=code,
            name=f"{district.name}{year}年老旧小区改造项目（第{n}批）",
            district=district,
            batch_year=year,
            budget_yuan=Decimal(0),
            actor=None,
            estates=[e for e, _s in group],
            surveyed_on=date(year - 1, 11, self.rng.randrange(1, 28)),
        )
        planned = date(year, 3, self.rng.randrange(1, 20))
        for estate, _state in group:
            pool.add_to_pool(
                estate=estate,
                added_on=project.surveyed_on or planned,
                planned_year=year,
                actor=None,
            )
        starts: list[date] = []
        ends: list[date] = []
        states = {e.pk: s for e, s in group}
        for participation in project.estates.select_related("estate"):
            state = states[participation.estate_id]
            dates: dict[str, date | None] = {
                "surveyed_on": project.surveyed_on,
                "planned_on": planned,
            }
            stage = Stage.PLANNED
            if state == "waiting":
                stage = self.rng.choice([Stage.SURVEYED, Stage.PLANNED])
                if stage == Stage.SURVEYED:
                    dates["planned_on"] = None
            else:
                start = planned + timedelta(days=self.rng.randrange(20, 90))
                dates["started_on"] = start
                starts.append(start)
                stage = Stage.STARTED
                if state == "completed":
                    end = min(
                        start + timedelta(days=self.rng.randrange(150, 300)), date(2025, 6, 1)
                    )
                    dates["completed_on"] = end
                    ends.append(end)
                    stage = Stage.COMPLETED
                    if self.rng.random() < 0.7:
                        dates["accepted_on"] = end + timedelta(days=self.rng.randrange(15, 40))
                        stage = Stage.ACCEPTED
            projects.set_stage_record(
                participation=participation, stage=stage, dates=dates, actor=None
            )
            if state == "completed":
                self._property_after(participation, district)
        self._project_stage(project, planned, starts, ends, group)
        self._items(project, group)
        self._consultation(project, planned)
        return project

    def _property_after(self, participation: ProjectEstate, district: Region) -> None:
        """After renovation most estates choose a property service (改后怎么管)."""
        mode = self.rng.choices(["red", "professional", "self_managed"], [45, 40, 15])[0]
        if participation.estate.name == "朝阳小区":
            mode = "professional"
        company = None
        if mode != "self_managed":
            company = self.companies.get(district.pk) or participation.estate.property_company
        projects.set_property_after(
            participation=participation, mode=mode, company=company, actor=None
        )

    def _project_stage(
        self,
        project: RenovationProject,
        planned: date,
        starts: list[date],
        ends: list[date],
        group: list[tuple[Estate, str]],
    ) -> None:
        states = {s for _e, s in group}
        dates: dict[str, date | None] = {"surveyed_on": project.surveyed_on, "planned_on": planned}
        stage = Stage.PLANNED
        if starts:
            dates["started_on"] = min(starts)
            stage = Stage.STARTED
            if states == {"completed"}:
                dates["completed_on"] = max(ends)
                stage = Stage.COMPLETED
                accepted = list(project.estates.values_list("accepted_on", flat=True))
                if all(accepted):
                    dates["accepted_on"] = max(d for d in accepted if d)
                    stage = Stage.ACCEPTED
        projects.set_stage_record(participation=project, stage=stage, dates=dates, actor=None)

    def _items(self, project: RenovationProject, group: list[tuple[Estate, str]]) -> None:
        n = len(group)
        r = self.rng
        items: list[tuple[str, str, Decimal | int, str]] = [
            ("basic", "雨污管网改造", Decimal(n) * Decimal(r.randrange(3, 9)) / 10, "km"),
            ("basic", "屋面防水", n * r.randrange(2, 6), "栋"),
            ("basic", "道路硬化", n * r.randrange(800, 3000), "m²"),
            ("basic", "路灯", n * r.randrange(4, 12), "盏"),
            ("improve", "车棚", n * r.randrange(1, 3), "处"),
            ("improve", "健身器材", n, "套"),
            ("improve", "绿化提升", n * r.randrange(200, 900), "m²"),
            ("improve", "加装电梯", r.randrange(0, n + 1), "台"),
            ("improve", "电动车充电桩", n * r.randrange(4, 16), "个"),
            ("upgrade", "智慧门禁", n, "套"),
            ("upgrade", "视频监控", n * r.randrange(6, 20), "个"),
        ]
        for tier, name, quantity, unit in items:
            if quantity > 0:
                content.add_item(
                    project=project,
                    tier=tier,
                    name=name,
                    quantity=Decimal(str(quantity)),
                    unit=unit,
                    actor=None,
                )

    def _consultation(self, project: RenovationProject, planned: date) -> None:
        households = project.estates.aggregate(n=Sum("estate__households"))["n"] or 100
        held = planned - timedelta(days=self.rng.randrange(20, 60))
        content.record_consultation(
            project=project,
            kind="meeting",
            topic="what",
            held_on=held,
            participants=self.rng.randrange(30, 90),
            result="确定改造内容：雨污管网、道路、车棚、照明和健身器材",
            actor=None,
        )
        cast = max(20, round(households * self.rng.uniform(0.6, 0.9)))
        against = round(cast * self.rng.uniform(0.02, 0.08))
        content.record_consultation(
            project=project,
            kind="vote",
            topic="management",
            held_on=held + timedelta(days=10),
            participants=cast,
            votes_for=cast - against - 2,
            votes_against=against,
            votes_abstain=2,
            result="同意改造后引入物业服务",
            actor=None,
        )

    def set_investment(self, made: list[RenovationProject]) -> None:
        """Investment to date: proportional to each project's renovated floor area, in units of
        10,000 yuan, summing to the target exactly."""
        weights = []
        for project in made:
            area = (
                project.estates.filter(stage__in=["started", "completed", "accepted"]).aggregate(
                    a=Sum("estate__floor_area_m2")
                )["a"]
                or 0
            )
            weights.append(float(area) * self.rng.uniform(0.85, 1.15))
        amounts = _split_weighted(self.t.investment_yuan // 10_000, weights)
        for project, amount in zip(made, amounts, strict=True):
            investment = Decimal(amount * 10_000)
            budget = (investment * Decimal(str(round(self.rng.uniform(1.0, 1.12), 2)))).quantize(
                Decimal(1)
            )
            if budget == 0:
                budget = Decimal(self.rng.randrange(500, 3000) * 10_000)
            shares = {"central": 0.5, "local": 0.3, "residents": 0.04, "utilities": 0.06}
            funding = {
                k: (budget * Decimal(str(v))).quantize(Decimal(1)) for k, v in shares.items()
            }
            funding["social"] = budget - sum(funding.values())
            projects.update_project(
                project=project,
                name=project.name,
                district=project.district,
                batch_year=project.batch_year,
                budget_yuan=budget,
                funding=funding,
                actor=None,
            )
            projects.record_investment(project=project, investment_yuan=investment, actor=None)

    # Facilities, alleys, pool

    def make_facilities(self) -> None:
        started = list(
            ProjectEstate.objects.started()
            .filter(subtree_q([self.city.path], "estate__grid__path"))
            .select_related("estate")
            .order_by("estate__code")
        )
        self.rng.shuffle(started)
        chaoyang = next((p for p in started if p.estate.name == "朝阳小区"), None)
        if chaoyang is not None:  # its smart gate and cameras are in the report
            started.remove(chaoyang)
            started.insert(0, chaoyang)
        cameras = started[: self.t.surveillance]
        gates = started[: self.t.access_control]
        for kind, rows in (
            (SmartFacility.Kind.SURVEILLANCE, cameras),
            (SmartFacility.Kind.ACCESS_CONTROL, gates),
        ):
            for p in rows:
                self._facility(p, kind)
        if chaoyang is not None:
            for kind in (SmartFacility.Kind.FACE_RECOGNITION, SmartFacility.Kind.ANTI_THROWING):
                self._facility(chaoyang, kind)
        for p in started[:: max(1, len(started) // 12)]:
            self._facility(p, SmartFacility.Kind.EV_CHARGING)

    def _facility(self, participation: ProjectEstate, kind: str) -> None:
        start = participation.started_on or date(2020, 1, 1)
        installed = min(
            start + timedelta(days=self.rng.randrange(60, 200)),
            participation.completed_on or date(2025, 6, 1),
        )
        facilities.register_facility(
            estate=participation.estate,
            kind=kind,
            installed_on=max(installed, start),
            actor=None,
            device_key=f"{participation.estate.code}-{kind}".lower().replace("_", "-"),
            device_count=self.rng.randrange(2, 24),
        )

    def make_alleys(self) -> None:
        t, r = self.t, self.rng
        year = self.today.year
        rows: list[tuple[str, int, bool]] = []  # stage, cohort, demonstration
        old_completed = t.alleys_completed - t.alleys_new
        for n in range(old_completed):
            rows.append(
                (
                    StreetProject.Stage.COMPLETED,
                    2019 + n % max(1, year - 2019),
                    n < t.alleys_demonstration,
                )
            )
        rows += [(StreetProject.Stage.COMPLETED, year, False)] * t.alleys_new
        rows += [(StreetProject.Stage.IN_PROGRESS, year, False)] * t.alleys_in_progress
        rows += [(StreetProject.Stage.PLANNED, year + 1, False)] * t.alleys_planned
        named = {
            "走马塘巷": (self.main, "明清古建 · 诗经文化"),
            "食字街": (self._district("410611"), "民国风情美食街"),
            "海棠西巷": (self._district("410611"), "花木小巷"),
        }
        names = iter(named)
        used: set[tuple[int, str]] = set()
        for n, (stage, cohort, demo) in enumerate(rows):
            special = (
                next(names, None) if demo or stage == StreetProject.Stage.IN_PROGRESS else None
            )
            district, theme = (
                named[special]
                if special
                else (self.districts[n % len(self.districts)], r.choice(_ALLEY_THEMES))
            )
            name = special or self._alley_name(district, used)
            used.add((district.pk, name))
            subs = list(
                Region.objects.filter(parent=district, level=Region.Level.SUBDISTRICT).order_by(
                    "code"
                )[:8]
            )
            started: date | None = None
            completed: date | None = None
            if stage != StreetProject.Stage.PLANNED:
                started = min(date(cohort, r.randrange(1, 6), r.randrange(1, 28)), self.today)
            if stage == StreetProject.Stage.COMPLETED:
                assert started is not None  # noqa: S101 - set just above for these stages
                completed = min(started + timedelta(days=r.randrange(60, 200)), self.today)
            alleys.create_alley(
                name=name,
                district=district,
                subdistrict=r.choice(subs) if subs else None,
                cohort_year=cohort,
                stage=stage,
                is_demonstration=demo,
                theme=theme,
                length_m=r.randrange(150, 900),
                started_on=started,
                completed_on=completed,
                actor=None,
            )

    def _district(self, prefix: str) -> Region:
        return next((d for d in self.districts if d.code.startswith(prefix)), self.main)

    def _alley_name(self, district: Region, used: set[tuple[int, str]]) -> str:
        roads = [
            "红旗",
            "中山",
            "新华",
            "人民",
            "建设",
            "解放",
            "朝阳",
            "东风",
            "胜利",
            "和平",
            "淇河",
            "汤河",
            "鹤山",
            "桂花",
            "兴华",
        ]
        while True:
            name = f"{self.rng.choice(roads)}{self.rng.choice(['东', '西', '南', '北', '前', '后', '一', '二', '三'])}巷"
            if (district.pk, name) not in used:
                return name

    def pool_waiting(self) -> None:
        """Old estates surveyed and waiting in the pool (not yet in any project)."""
        for district in self.districts:
            for estate in self.old_estates(district)[::3][:10]:
                pool.record_survey(
                    estate=estate,
                    surveyed_on=date(2023, 11, self.rng.randrange(1, 28)),
                    surveyor="市住建局",
                    defects=[
                        (k, "serious", "")
                        for k in self.rng.sample(
                            [
                                "roof",
                                "drainage",
                                "roads",
                                "lighting",
                                "parking",
                                "security",
                                "outer_wall",
                            ],
                            3,
                        )
                    ],
                    actor=None,
                )

    def special_cases(self) -> None:
        """九大院 (淇滨区 黎阳路街道): residents chose a property company; a command group
        and the 16-member 红色邻居 temporary party branch."""
        completed = (
            ProjectEstate.objects.completed()
            .filter(subtree_q([self._district("410611").path], "estate__grid__path"))
            .select_related("project", "estate__grid")
            .order_by("estate__code")
        )
        ours = [
            p for p in completed if p.estate.code.removeprefix(p.estate.grid.code).startswith("R")
        ]
        participation = ours[0] if ours else completed.first()
        if participation is None:
            return
        estate, project = participation.estate, participation.project
        if ours:  # an estate this step created may take the report's name
            estate.name = "九大院"
            estate.save(update_fields=["name"])
        company = (
            Organization.objects.filter(kind=Organization.Kind.PROPERTY_COMPANY)
            .order_by("pk")
            .first()
        )
        projects.set_property_after(
            participation=participation, mode="red", company=company, actor=None
        )
        formed = (participation.started_on or date(2020, 4, 1)) - timedelta(days=10)
        content.form_governance_body(
            project=project,
            estate=estate,
            kind="command_group",
            name=f"{estate.name}改造指挥部",
            formed_on=formed,
            members=[
                ("陈志刚", "street", "街道办副主任"),
                ("刘红梅", "community", "社区书记"),
                ("孙建军", "property", "物业项目经理"),
                ("王淑芬", "resident", "居民代表"),
            ],
            actor=None,
        )
        surnames = "张王李赵刘陈杨黄周吴徐孙马朱胡郭"
        content.form_governance_body(
            project=project,
            estate=estate,
            kind="party_branch",
            name="“红色邻居”临时党支部",
            formed_on=formed,
            members=[
                (
                    f"{s}{self.rng.choice('建国秀英德明玉兰志强桂芝')}",
                    "party_member",
                    "支部书记" if i == 0 else "",
                )
                for i, s in enumerate(surnames)
            ],
            actor=None,
        )


def _split(total: int, parts: int, rng: random.Random, minimum: int = 0) -> list[int]:
    """`total` split into `parts` random whole shares, each at least `minimum`."""
    if parts <= 0:
        return []
    spare = total - minimum * parts
    if spare < 0:
        raise ValueError("not enough to share")
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    return [minimum + s for s in _split_weighted(spare, weights)]


def _split_weighted(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of a whole number by weights: the shares sum to `total`."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    shares = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)[
        : total - sum(shares)
    ]:
        shares[i] += 1
    return shares


def _split_like(total: int, sizes: list[int]) -> list[int]:
    return _split_weighted(total, [float(s) for s in sizes])


def _chunks(items: list, count: int) -> list[list]:
    """`count` consecutive groups of nearly equal size."""
    size, extra = divmod(len(items), count)
    groups, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < extra else 0)
        if end > start:
            groups.append(items[start:end])
        start = end
    return groups
