"""Renovation projects: their estates' stages, content, consultations, investment, and the
九大院 special case."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from linli.accounts.models import Organization
from linli.renewal.demo.base import _BuilderBase
from linli.renewal.demo.shares import _chunks, _split_weighted
from linli.renewal.models import ProjectEstate, RenovationProject, Stage
from linli.renewal.services import content, pool, projects
from linli.territory.models import Estate, Region, subtree_q


class _Projects(_BuilderBase):
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
