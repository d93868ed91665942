"""The subtree filter (territory.models.subtree_q and its `__subtree` lookup) picks exactly the
rows `startswith` picks, on SQLite as a range over the path's index and on PostgreSQL as LIKE."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.territory.lookups import prefix_upper_bound
from linli.territory.models import Region, subtree_q
from linli.workorders.models import WorkOrder

# Ids sharing leading digits (1, 10, 100, 11, …), so prefixes of one another's paths.
ids = st.integers(min_value=1, max_value=120)
id_paths = st.lists(ids, min_size=1, max_size=5).map(lambda p: "/" + "".join(f"{i}/" for i in p))
# Anything a CharField may hold, weighted towards what LIKE and byte order treat specially:
# its wildcards and escape, letters of both cases, the characters around '/' and '0',
# multi-byte characters, the last code point before the surrogates and the very last one.
odd_text = st.text(
    alphabet=st.sampled_from(
        ["/", "0", ".", "1", "9", "a", "A", "z", "%", "_", "\\", "'", "é", "网", "格",
         "\U0001f600", "\ud7ff", "\ue000", "\uffff", "\U0010ffff"]
    ) | st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=8,
)  # fmt: skip


def _store(paths: list[str]) -> None:
    Region.objects.bulk_create(
        Region(code=f"P{n}", name=f"P{n}", level=Region.Level.CITY, kind=Region.Kind.CITY, path=p)
        for n, p in enumerate(paths)
    )


def _picked(q_paths: list[str]) -> list[str]:
    return sorted(Region.objects.filter(subtree_q(q_paths, "path")).values_list("path", flat=True))


@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(
    stored=st.lists(id_paths, max_size=25),
    asked=st.lists(id_paths, max_size=3),
    ancestors_too=st.booleans(),
)
def test_subtree_picks_the_same_paths_as_startswith(
    stored: list[str], asked: list[str], ancestors_too: bool
) -> None:
    if ancestors_too:  # ask for the stored paths' own ancestors as well, so that most match
        asked += ["/".join(p.split("/")[:k]) + "/" for p in stored[:3] for k in (2, 3)]
    with transaction.atomic():
        _store(stored)
        expected = sorted(p for p in stored if any(p.startswith(a) for a in asked))
        by_startswith = Region.objects.none()
        for a in asked:
            by_startswith |= Region.objects.filter(path__startswith=a)
        assert _picked(asked) == expected
        assert sorted(by_startswith.values_list("path", flat=True)) == expected
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(stored=st.lists(odd_text, max_size=12), asked=odd_text)
def test_subtree_is_an_exact_case_sensitive_prefix_match_for_any_text(
    stored: list[str], asked: str
) -> None:
    # Prefixes of stored strings too, so that there are matches to find.
    with transaction.atomic():
        _store(stored)
        for prefix in {asked, *(s[: len(s) // 2 + 1] for s in stored[:4])}:
            expected = sorted(s for s in stored if s.startswith(prefix))
            found = Region.objects.filter(path__subtree=prefix).values_list("path", flat=True)
            assert sorted(found) == expected, prefix
        transaction.set_rollback(True)


@given(odd_text.filter(bool))
def test_upper_bound_is_above_every_extension_and_nothing_else_between(prefix: str) -> None:
    upper = prefix_upper_bound(prefix)
    if upper is None:
        assert prefix.endswith("\U0010ffff")
        return
    assert prefix < upper
    assert not upper.startswith(prefix)
    assert prefix + "\U0010ffff" * 3 < upper
    assert upper.encode() > (prefix + "\U0010ffff").encode()  # byte order agrees


def test_upper_bound_of_a_path_swaps_the_last_slash_for_zero() -> None:
    assert prefix_upper_bound("/1/7/") == "/1/70"
    assert prefix_upper_bound("") is None


@pytest.mark.django_db
def test_no_paths_means_no_rows() -> None:
    _store(["/1/", "/1/2/"])
    assert _picked([]) == []


@pytest.mark.django_db
def test_region_filter_reads_the_path_index_on_each_database() -> None:
    orders = WorkOrder.objects.in_region_paths(["/1/7/42/"]).only("pk")
    sql = str(orders.query)
    plan = orders.explain()
    if connection.vendor == "sqlite":
        # A range: LIKE is case-insensitive on SQLite and cannot use the BINARY index.
        assert "LIKE" not in sql
        assert "SEARCH" in plan and "region_path>? AND region_path<?" in plan, plan
    else:
        # LIKE, served by the varchar_pattern_ops index (a range would follow the collation).
        assert "LIKE" in sql
