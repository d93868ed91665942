"""Writing the checked ledger rows through the services, one savepoint per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from linli.accounts.models import User
from linli.lib.ledger import ParsedRow
from linli.renewal.ledger import sheets as s
from linli.renewal.ledger.checks import _Check, _References
from linli.renewal.models import (
    EstateSurvey,
    MergedCourtyard,
    ProjectEstate,
    SmartFacility,
    StreetProject,
    SurveyDefect,
)
from linli.renewal.services import alleys, content, facilities, merges, pool, projects


@dataclass
class LedgerImportResult:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class _Writer:
    def __init__(
        self, refs: _References, check: _Check, actor: User | None, result: LedgerImportResult
    ) -> None:
        self.refs, self.check, self.actor, self.result = refs, check, actor, result
        self.projects = dict(refs.projects)

    def write_all(self) -> None:
        self.rows(s.PROJECTS, self.project)
        self.merges_by_group()
        self.rows(s.ESTATES, self.estate)
        self.items()
        self.rows(s.FACILITIES, self.facility)
        self.rows(s.ALLEYS, self.alley)

    def rows(self, sheet: str, write: Callable[[ParsedRow], None]) -> None:
        for row in self.refs.rows[sheet]:
            with self.check.writing(row):
                write(row)
                self.result.counts[sheet] += 1

    def project(self, row: ParsedRow) -> None:
        v = row.values
        funding = {kind: v.get(f"funding_{kind}") or Decimal(0) for kind in s.FUNDING_COLUMNS}
        common = {
            "name": v["name"],
            "district": v["district_obj"],
            "batch_year": v["batch_year"],
            "budget_yuan": v["budget_yuan"],
            "description": v.get("description") or "",
            "funding": funding,
            "actor": self.actor,
        }
        project = self.projects.get(v["code"])
        if project is None:
            project = projects.create_project(code=v["code"], **common)
        else:
            projects.update_project(project=project, **common)
        projects.set_stage_record(
            participation=project, stage=v["stage"], dates=v, actor=self.actor
        )
        projects.record_investment(
            project=project,
            investment_yuan=v.get("investment_yuan") or Decimal(0),
            actor=self.actor,
        )
        self.projects[project.code] = project

    def estate(self, row: ParsedRow) -> None:
        v = row.values
        estate = self.refs.estates[v["estate"]]
        estate.refresh_from_db()
        if v.get("added_on"):
            pool.add_to_pool(
                estate=estate,
                added_on=v["added_on"],
                planned_year=v.get("planned_year"),
                actor=self.actor,
            )
        if (
            v.get("survey_date")
            and not EstateSurvey.objects.filter(
                estate=estate, surveyed_on=v["survey_date"]
            ).exists()
        ):
            defects = [(kind, SurveyDefect.Severity.SERIOUS, "") for kind in v.get("defects") or []]
            pool.record_survey(
                estate=estate, surveyed_on=v["survey_date"], defects=defects, actor=self.actor
            )
        project = self.projects.get(v.get("project") or "")
        if project is None:  # no project, or its own row failed and was reported
            return
        participation = ProjectEstate.objects.filter(estate=estate).first()
        if participation is None or participation.project_id != project.pk:
            if participation is not None:
                projects.remove_estate(participation=participation, actor=self.actor)
            (participation,) = projects.add_estates(
                project=project, estates=[estate], actor=self.actor
            )
        projects.set_stage_record(
            participation=participation, stage=v["stage"], dates=v, actor=self.actor
        )
        if v.get("property_mode_after"):
            projects.set_property_after(
                participation=participation,
                mode=v["property_mode_after"],
                company=estate.property_company,
                actor=self.actor,
            )

    def items(self) -> None:
        rows = self.refs.rows[s.ITEMS]
        codes = {row.values["project"] for row in rows}
        for code in codes:
            if code in self.projects:
                self.projects[code].items.all().delete()
        for row in rows:
            v = row.values
            if v["project"] not in self.projects:
                continue
            with self.check.writing(row):
                content.add_item(
                    project=self.projects[v["project"]],
                    estate=self.refs.estates.get(v.get("estate") or ""),
                    tier=v["tier"],
                    name=v["name"],
                    quantity=v["quantity"],
                    unit=v["unit"],
                    note=v.get("note") or "",
                    actor=self.actor,
                )
                self.result.counts[s.ITEMS] += 1

    def merges_by_group(self) -> None:
        groups: dict[str, list[ParsedRow]] = defaultdict(list)
        for row in self.refs.rows[s.MERGES]:
            groups[row.values["group"]].append(row)
        for group_rows in groups.values():
            first = group_rows[0].values
            target = self.refs.estates[first["target"]]
            pairs = []
            for row in group_rows:
                courtyard = row.values["courtyard_obj"]
                done = MergedCourtyard.objects.filter(
                    courtyard=courtyard, merge__target_estate=target
                ).exists()
                if not done:
                    pairs.append((courtyard, self.refs.estates[row.values["from_estate"]]))
            if not pairs:
                continue
            with self.check.writing(group_rows[0]):
                merges.record_merge(
                    target=target,
                    pairs=pairs,
                    method=first["method"],
                    merged_on=first["merged_on"],
                    walls_removed=first.get("walls_removed") or 0,
                    actor=self.actor,
                )
                self.result.counts[s.MERGES] += len(pairs)
                for estate in self.refs.estates.values():
                    estate.refresh_from_db()

    def facility(self, row: ParsedRow) -> None:
        v = row.values
        estate = self.refs.estates[v["estate"]]
        existing = SmartFacility.objects.filter(device_key=v["device_key"]).first()
        active = v.get("is_active")
        if existing is None:
            existing = facilities.register_facility(
                estate=estate,
                kind=v["kind"],
                installed_on=v["installed_on"],
                device_key=v["device_key"],
                device_count=v.get("device_count") or 1,
                actor=self.actor,
            )
        facilities.update_facility(
            facility=existing,
            installed_on=v["installed_on"],
            device_count=v.get("device_count") or 1,
            is_active=True if active is None else active,
            note=existing.note,
            actor=self.actor,
        )

    def alley(self, row: ParsedRow) -> None:
        v = row.values
        existing = StreetProject.objects.filter(district=v["district_obj"], name=v["name"]).first()
        fields = {
            "name": v["name"],
            "district": v["district_obj"],
            "subdistrict": v["subdistrict_obj"],
            "cohort_year": v["cohort_year"],
            "is_demonstration": bool(v.get("is_demonstration")),
            "theme": v.get("theme") or "",
            "length_m": v.get("length_m"),
            "actor": self.actor,
        }
        if existing is None:
            alleys.create_alley(
                stage=v["stage"],
                started_on=v.get("started_on"),
                completed_on=v.get("completed_on"),
                **fields,
            )
        else:
            alleys.update_alley(alley=existing, description=existing.description, **fields)
            alleys.set_alley_stage(
                alley=existing,
                stage=v["stage"],
                started_on=v.get("started_on"),
                completed_on=v.get("completed_on"),
                actor=self.actor,
            )
