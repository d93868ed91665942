"""The figures each scale's demo reproduces exactly (S1–S2)."""

from __future__ import annotations

from dataclasses import dataclass

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
