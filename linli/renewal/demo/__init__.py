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

from linli.renewal.demo.alleys import _Alleys
from linli.renewal.demo.estates import _Estates
from linli.renewal.demo.facilities import _Facilities
from linli.renewal.demo.pool import _Pool
from linli.renewal.demo.projects import _Projects
from linli.renewal.demo.targets import CITY, SHANCHENG, SMALL, TARGETS, Targets
from linli.territory.models import Region

__all__ = ["CITY", "SHANCHENG", "SMALL", "TARGETS", "Targets", "make_demo_renewal"]


def make_demo_renewal(*, rng: random.Random, scale: str, city: Region) -> None:
    targets = TARGETS.get(str(scale), SMALL)
    builder = _Builder(rng, targets, city)
    builder.build()


class _Builder(_Estates, _Projects, _Facilities, _Alleys, _Pool):
    """Each part of the programme is a mixin in its own module; this runs them in order."""

    def build(self) -> None:
        chosen = self.plan_estates()
        project_list = self.make_projects(chosen)
        self.pool_waiting()
        self.set_investment(project_list)
        self.make_facilities()
        self.make_alleys()
        self.special_cases()
