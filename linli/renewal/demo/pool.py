"""Old estates surveyed and waiting in the pool."""

from __future__ import annotations

from datetime import date

from linli.renewal.demo.base import _BuilderBase
from linli.renewal.services import pool


class _Pool(_BuilderBase):
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
