"""The demo step: renovation records whose sums are the seed's figures (S1–S2)."""

import io
from io import StringIO

import pytest
from django.core.management import call_command

from linli.renewal.demo import CITY, SMALL
from linli.renewal.ledger import export_ledger, import_ledger
from linli.renewal.models import CourtyardMerge, ProjectEstate, RenovationProject
from linli.renewal.queries import Scope, renovation_summary, scope_from_params
from linli.renewal.tests.test_ledger import wipe_renewal
from linli.territory.models import Estate

pytestmark = pytest.mark.django_db(transaction=False)


def seed(scale: str) -> None:
    call_command("seed_demo", "--scale", scale, stdout=StringIO())


def expected(t) -> dict:  # type: ignore[no-untyped-def]
    return {
        "estates_started": t.started,
        "estates_completed": t.completed,
        "floor_area_m2": t.floor_area_m2,
        "investment_yuan": t.investment_yuan,
        "households": t.households,
        "courtyards_merged": t.merged,
        "estates_with_access_control": t.access_control,
        "estates_with_surveillance": t.surveillance,
        "alleys_demonstration": t.alleys_demonstration,
        "alleys_completed": t.alleys_completed,
        "alleys_in_progress": t.alleys_in_progress,
        "alleys_new_this_year": t.alleys_new,
    }


def test_small_demo_records_add_up_to_its_targets(settings):
    settings.DEBUG = True
    seed("small")
    summary = renovation_summary(Scope())
    assert {k: summary[k] for k in expected(SMALL)} == expected(SMALL)
    chaoyang = Estate.objects.get(name="朝阳小区")
    assert (chaoyang.build_year, chaoyang.courtyards.count()) == (1988, 9)
    # The demo's ledger, exported and imported into a database with only its territory.
    data = export_ledger(["/"])
    wipe_renewal()
    assert renovation_summary(Scope())["estates_started"] == 0
    import_ledger(io.BytesIO(data), actor=None, paths=["/"])
    assert renovation_summary(Scope()) == summary


def test_city_demo_reproduces_the_seeds_figures_from_records(settings):
    settings.DEBUG = True
    seed("city")
    summary = renovation_summary(Scope())
    assert {k: summary[k] for k in expected(CITY)} == expected(CITY)
    assert summary["floor_area_m2"] == 5_120_000 and summary["investment_yuan"] == 1_360_000_000
    shancheng = renovation_summary(scope_from_params(district="410603000000", year=None))
    assert (shancheng["estates_in_projects"], shancheng["projects"]) == (207, 32)
    chaoyang = Estate.objects.get(name="朝阳小区")
    assert chaoyang.grid.path.startswith(
        scope_from_params(district="410603000000", year=None).region.path
    )
    merge = CourtyardMerge.objects.get(target_estate=chaoyang)
    assert (chaoyang.build_year, merge.courtyards.count()) == (1988, 9)
    # Records, not typed totals: every started estate is a record with a start date.
    assert ProjectEstate.objects.started().filter(started_on__isnull=True).count() == 0
    assert RenovationProject.objects.filter(budget_yuan__lt=0).count() == 0
    branch = Estate.objects.get(name="九大院").renewal_participation.project.governance_bodies.get(
        kind="party_branch"
    )
    assert branch.members.count() == 16
