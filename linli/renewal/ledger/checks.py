"""Checking the ledger's rows before anything is written: every code the file names is
looked up once, and each sheet's rows are checked against the database and each other."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.lib.ledger import ImportProblem, ParsedRow
from linli.renewal.ledger import sheets as s
from linli.renewal.models import ProjectEstate, RenovationProject, SmartFacility
from linli.renewal.services import alleys
from linli.territory.models import Courtyard, Estate, Region

# Which column a service's error field belongs to, per sheet.
_HEADERS: dict[str, dict[str, str]] = {
    spec.name: {c.key: c.header for c in spec.columns} for spec in s.SPECS
}


class _Check:
    """Collects problems while the rows are checked and written."""

    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []

    def add(self, row: ParsedRow, key: str | None, message: str) -> None:
        header = _HEADERS[row.sheet].get(key or "", None) if key else None
        self.problems.append(ImportProblem(row.sheet, row.row, header, message))

    @contextmanager
    def writing(self, row: ParsedRow) -> Iterator[None]:
        """Write one row in a savepoint; a service's ValidationError becomes a problem."""
        try:
            with transaction.atomic():
                yield
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, messages in exc.message_dict.items():
                    for message in messages:
                        self.add(row, key, message)
            else:
                for message in exc.messages:
                    self.add(row, None, message)


def _inside(path: str, paths: list[str]) -> bool:
    return any(path.startswith(p) for p in paths)


class _References:
    """Look up every code the file names, once, and check the rows against them."""

    def __init__(self, rows: dict[str, list[ParsedRow]], paths: list[str], check: _Check) -> None:
        self.rows, self.paths, self.check = rows, paths, check
        codes = {
            r.values[k]
            for sheet, keys in (
                (s.ESTATES, ["estate"]),
                (s.ITEMS, ["estate"]),
                (s.MERGES, ["target", "from_estate"]),
                (s.FACILITIES, ["estate"]),
            )
            for r in rows[sheet]
            for k in keys
            if r.values.get(k)
        }
        self.estates = {
            e.code: e for e in Estate.objects.filter(code__in=codes).select_related("grid")
        }
        divisions = {
            r.values[k]
            for sheet in (s.PROJECTS, s.ALLEYS)
            for r in rows[sheet]
            for k in ("district", "subdistrict")
            if r.values.get(k)
        }
        self.regions = {r.code: r for r in Region.objects.filter(code__in=divisions)}
        project_codes = {
            r.values["project"]
            for sheet in (s.ESTATES, s.ITEMS)
            for r in rows[sheet]
            if r.values.get("project")
        }
        project_codes |= {r.values["code"] for r in rows[s.PROJECTS]}
        self.projects = {
            p.code: p
            for p in RenovationProject.objects.filter(code__in=project_codes).select_related(
                "district"
            )
        }
        self.file_projects: dict[str, ParsedRow] = {}
        # project code → estate codes, from the file and the database
        self.bundled: dict[str, set[str]] = defaultdict(set)
        for p in ProjectEstate.objects.filter(project__code__in=project_codes).select_related(
            "project", "estate"
        ):
            self.bundled[p.project.code].add(p.estate.code)

    def estate(self, row: ParsedRow, key: str) -> Estate | None:
        code = row.values.get(key)
        if not code:
            return None
        estate = self.estates.get(code)
        if estate is None:
            self.check.add(row, key, _("No estate has the code %(code)s.") % {"code": code})
        elif not _inside(estate.grid.path, self.paths):
            self.check.add(row, key, _("Estate %(code)s is outside your region.") % {"code": code})
            return None
        return estate

    def division(self, row: ParsedRow, key: str, level: int) -> Region | None:
        code = row.values.get(key)
        if not code:
            return None
        region = self.regions.get(code)
        if region is None or region.level != level:
            self.check.add(
                row,
                key,
                _("No %(level)s has the code %(code)s.")
                % {"level": Region.Level(level).label, "code": code},
            )
            return None
        if not _inside(region.path, self.paths):
            self.check.add(row, key, _("%(name)s is outside your region.") % {"name": region.name})
            return None
        return region

    def project_known(self, row: ParsedRow, key: str = "project") -> bool:
        code = row.values.get(key)
        if code and code not in self.file_projects and code not in self.projects:
            self.check.add(
                row,
                key,
                _("No project has the number %(code)s (in this file or already saved).")
                % {"code": code},
            )
            return False
        return True

    def stage_dates(self, row: ParsedRow) -> None:
        from linli.renewal.services.stages import validate_stage_dates

        if not row.values.get("stage"):
            return
        for key, message in validate_stage_dates(row.values["stage"], row.values).items():
            self.check.add(row, key, message)

    def check_all(self) -> None:
        self._check_projects()
        self._check_estates()
        self._check_items()
        self._check_merges()
        self._check_facilities()
        self._check_alleys()

    def _check_projects(self) -> None:
        for row in self.rows[s.PROJECTS]:
            code = row.values["code"]
            if code in self.file_projects:
                self.check.add(
                    row, "code", _("Project %(code)s appears twice in the sheet.") % {"code": code}
                )
            self.file_projects[code] = row
            district = self.division(row, "district", Region.Level.DISTRICT)
            existing = self.projects.get(code)
            if existing is not None and not _inside(existing.district.path, self.paths):
                self.check.add(
                    row, "code", _("Project %(code)s belongs to another region.") % {"code": code}
                )
            row.values["district_obj"] = district
            self.stage_dates(row)
            budget = row.values["budget_yuan"] or Decimal(0)
            investment = row.values.get("investment_yuan") or Decimal(0)
            if investment > budget * 2:
                self.check.add(
                    row,
                    "investment_yuan",
                    _("The investment is more than twice the budget; check the units (yuan)."),
                )

    def _check_estates(self) -> None:
        seen: set[str] = set()
        for row in self.rows[s.ESTATES]:
            estate = self.estate(row, "estate")
            code = row.values["estate"]
            if code in seen:
                self.check.add(
                    row, "estate", _("Estate %(code)s appears twice in the sheet.") % {"code": code}
                )
            seen.add(code)
            project = row.values.get("project")
            if project and self.project_known(row):
                if row.values.get("stage") is None:
                    self.check.add(row, "stage", _("An estate in a project needs its stage."))
                self.stage_dates(row)
                if estate is not None:
                    self.bundled[project].add(estate.code)
            elif not project and (row.values.get("stage") or row.values.get("property_mode_after")):
                self.check.add(
                    row, "project", _("A stage is given, so the project number is required.")
                )
            if row.values.get("defects") and not row.values.get("survey_date"):
                self.check.add(
                    row, "survey_date", _("Defects are listed, so the survey date is required.")
                )

    def _check_items(self) -> None:
        for row in self.rows[s.ITEMS]:
            estate = self.estate(row, "estate")
            if (
                self.project_known(row)
                and estate is not None
                and estate.code not in self.bundled[row.values["project"]]
            ):
                self.check.add(
                    row,
                    "estate",
                    _("Estate %(estate)s is not in project %(project)s.")
                    % {"estate": estate.code, "project": row.values["project"]},
                )

    def _check_merges(self) -> None:
        groups: dict[str, ParsedRow] = {}
        for row in self.rows[s.MERGES]:
            target, source = self.estate(row, "target"), self.estate(row, "from_estate")
            first = groups.setdefault(row.values["group"], row)
            for key in ("target", "method", "merged_on", "walls_removed"):
                if row.values.get(key) != first.values.get(key):
                    self.check.add(
                        row,
                        key,
                        _("Rows of merge %(group)s must agree on this column.")
                        % {"group": row.values["group"]},
                    )
            if target is None or source is None:
                continue
            name = row.values["courtyard"]
            courtyard = Courtyard.objects.filter(estate__in=[source, target], name=name).first()
            if courtyard is None:
                self.check.add(
                    row,
                    "courtyard",
                    _("Neither %(from)s nor %(to)s has a courtyard called %(name)s.")
                    % {"from": source.code, "to": target.code, "name": name},
                )
            row.values["courtyard_obj"] = courtyard

    def _check_facilities(self) -> None:
        keys: set[str] = set()
        for row in self.rows[s.FACILITIES]:
            estate = self.estate(row, "estate")
            key = row.values["device_key"]
            if key in keys:
                self.check.add(
                    row,
                    "device_key",
                    _("Device key %(key)s appears twice in the sheet.") % {"key": key},
                )
            keys.add(key)
            other = (
                SmartFacility.objects.filter(device_key=key).exclude(estate=estate).first()
                if estate
                else None
            )
            if other is not None:
                self.check.add(
                    row,
                    "device_key",
                    _("Device key %(key)s belongs to a facility of another estate.") % {"key": key},
                )

    def _check_alleys(self) -> None:
        names: set[tuple[str, str]] = set()
        for row in self.rows[s.ALLEYS]:
            district = self.division(row, "district", Region.Level.DISTRICT)
            sub = self.division(row, "subdistrict", Region.Level.SUBDISTRICT)
            if district is not None and sub is not None and sub.parent_id != district.pk:
                self.check.add(row, "subdistrict", _("The subdistrict is not in the district."))
            row.values["district_obj"], row.values["subdistrict_obj"] = district, sub
            key = (row.values["district"], row.values["name"])
            if key in names:
                self.check.add(
                    row,
                    "name",
                    _("Alley %(name)s appears twice for this district.")
                    % {"name": row.values["name"]},
                )
            names.add(key)
            for field_name, message in alleys.validate_alley_stage(
                row.values["stage"], row.values.get("started_on"), row.values.get("completed_on")
            ).items():
                self.check.add(row, field_name, message)
