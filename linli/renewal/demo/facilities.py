"""Smart facilities (cameras, access control, …) in started estates."""

from __future__ import annotations

from datetime import date, timedelta

from linli.renewal.demo.base import _BuilderBase
from linli.renewal.models import ProjectEstate, SmartFacility
from linli.renewal.services import facilities
from linli.territory.models import subtree_q


class _Facilities(_BuilderBase):
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
