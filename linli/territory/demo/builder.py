"""Build the whole demo city in one transaction, then run the steps other apps registered."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction

from linli.accounts.services import record_audit
from linli.territory.demo import Scale, demo_steps, step_rng
from linli.territory.demo.divisions import load_city
from linli.territory.demo.estates import create_estates, plan_estates
from linli.territory.demo.people import build_people, save_people
from linli.territory.demo.regions import (
    DEFAULT_GRID_CODE_FORMAT,
    SPECS,
    create_regions,
    plan_grids,
)
from linli.territory.models import Region
from linli.territory.services import bump_territory_version


def build_demo_city(
    *,
    scale: Scale,
    seed: int = 1,
    grid_code_format: str = DEFAULT_GRID_CODE_FORMAT,
    log: Callable[[str], None] = lambda _: None,
) -> Region:
    """Generate the demo city into an empty database; all or nothing."""
    spec = SPECS[scale]
    divisions = load_city()
    started = last = time.perf_counter()

    def done(what: str) -> None:
        nonlocal last
        now = time.perf_counter()
        log(f"{what}: {now - last:.1f} s")
        last = now

    with transaction.atomic():
        rng = step_rng(seed, "territory")
        plans, geometry = plan_grids(divisions, spec, rng, grid_code_format)
        estates = plan_estates(plans, spec, rng)
        territory = create_regions(divisions, plans, geometry)
        done(f"{len(territory.grids)} grids in {len(territory.communities)} communities")
        people = build_people(territory, step_rng(seed, "people"))
        save_people(people)
        done(f"{len(people.orgs)} organisations, {len(people.users)} people")
        create_estates(territory, people, estates, spec, step_rng(seed, "estates"))
        done(f"{len(estates)} estates with buildings, dwellings and residents")
        bump_territory_version()
        record_audit(
            actor=None,
            action="demo.seed",
            target=territory.city,
            summary=f"demo city, scale {scale}, seed {seed}",
        )
        for step in demo_steps():
            step.fn(rng=step_rng(seed, step.name), scale=scale, city=territory.city)
            done(f"step {step.name}")
    log(f"total: {time.perf_counter() - started:.1f} s")
    return territory.city
