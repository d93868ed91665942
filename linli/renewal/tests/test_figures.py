from django.utils import timezone

from linli.renewal.queries import (
    SUMMARY_KEYS,
    Scope,
    by_district,
    by_stage,
    by_year,
    renovation_summary,
)


def test_city_summary_counts_every_record_once(renewal_city):
    summary = renovation_summary(Scope())
    assert set(SUMMARY_KEYS) <= set(summary)
    assert summary["estates_started"] == 3  # a (started), b (completed), d (accepted)
    assert summary["estates_completed"] == 2
    # a took in the two merged courtyards: 100 + 40 + 60 households, 10000 + 3000 + 5000 m².
    assert summary["households"] == 200 + 200 + 50
    assert summary["floor_area_m2"] == 18000 + 15000 + 4000
    assert summary["investment_yuan"] == 2500000 + 750000.5
    assert summary["projects"] == 2
    assert summary["estates_in_projects"] == 4
    assert summary["courtyards_merged"] == 2
    assert summary["estates_with_access_control"] == 2  # two facilities on a count once
    assert summary["estates_with_surveillance"] == 1  # d's camera is out of service
    assert summary["alleys_demonstration"] == 2
    assert summary["alleys_completed"] == 2
    assert summary["alleys_in_progress"] == 1
    assert summary["alleys_new_this_year"] == 1


def test_district_filter_keeps_only_its_records(renewal_city):
    summary = renovation_summary(Scope(renewal_city["tree"]["district2"]))
    assert summary["estates_started"] == 2
    assert summary["estates_completed"] == 1
    assert summary["projects"] == 1
    assert summary["estates_in_projects"] == 3
    assert summary["investment_yuan"] == 2500000
    assert summary["courtyards_merged"] == 2
    assert summary["alleys_completed"] == 1
    assert summary["alleys_new_this_year"] == 0


def test_year_filter_uses_the_annual_batch(renewal_city):
    summary = renovation_summary(Scope(year=2020))
    assert summary["estates_started"] == 1
    assert summary["projects"] == 1
    assert summary["investment_yuan"] == 750000.5
    assert summary["courtyards_merged"] == 0
    assert summary["alleys_completed"] == 0


def test_merge_moves_households_and_keeps_the_courtyards(renewal_city):
    e = renewal_city["estates"]
    for estate in e.values():
        estate.refresh_from_db()
    assert e["a"].households == 200
    assert e["old1"].households == 0
    assert set(e["a"].courtyards.values_list("name", flat=True)) == {
        "纸箱厂家属院",
        "建设银行家属院",
    }
    merge = e["a"].renewal_merges_in.get()
    assert {m.from_estate.code for m in merge.courtyards.all()} == {"SC-Y1", "SC-Y2"}


def test_breakdowns_add_up_to_the_summary(renewal_city, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        rows = by_district(renewal_city["tree"]["city"])
    assert sum(r["estates_started"] for r in rows) == 3
    assert sum(r["investment_yuan"] for r in rows) == 3250000.5
    shancheng = next(r for r in rows if r["name"] == "山城区")
    assert shancheng["courtyards_merged"] == 2
    assert shancheng["access_control"] == 2
    stages = {row["stage"]: row["estates"] for row in by_stage(Scope())}
    assert stages == {"surveyed": 0, "planned": 1, "started": 1, "completed": 1, "accepted": 1}
    years = {row["year"]: row for row in by_year(Scope())}
    assert years[2021]["estates_started"] == 2
    assert years[2020]["investment_yuan"] == 750000.5
    assert years[timezone.localdate().year]["alleys_completed"] == 1
