"""The KPI counters the services keep event by event equal those `rebuild_kpis` recomputes
from the events, whatever happens to the orders and whenever it happens."""

from datetime import datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from linli.workorders.kpis import rebuild
from linli.workorders.models import OrderFacts, WorkOrder
from linli.workorders.models.kpis import COUNTER_FIELDS
from linli.workorders.services.sweep import sweep_deadlines
from linli.workorders.tests.test_state_machine import OrderLife

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FACT_FIELDS = [f.attname for f in OrderFacts._meta.concrete_fields]


def snapshot() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    facts = set(OrderFacts.objects.values_list(*FACT_FIELDS))
    return rebuild.counter_rows(), rebuild.category_rows(), facts


class CountedOrderLife(OrderLife):
    """The work-order state machine, with time passing, deadline sweeps, and a check after
    every step that a rebuild from the events changes nothing."""

    def __init__(self) -> None:
        self._traveller = time_machine.travel(START, tick=False)
        self._clock = self._traveller.start()
        super().__init__()

    def teardown(self) -> None:
        super().teardown()
        self._traveller.stop()

    @rule(hours=st.sampled_from([1, 3, 9, 20, 50, 160]))
    def time_passes(self, hours: int) -> None:
        self._clock.shift(timedelta(hours=hours))

    @rule()
    def the_deadline_sweep_runs(self) -> None:
        sweep_deadlines()

    @invariant()
    def counters_equal_a_rebuild_from_the_events(self) -> None:
        kept = snapshot()
        rebuild.rebuild_all()
        rebuilt = snapshot()
        assert kept[2] == rebuilt[2], "facts differ"
        assert kept[0] == rebuilt[0], "counters differ"
        assert kept[1] == rebuilt[1], "category counters differ"


@pytest.mark.django_db
def test_kept_counters_equal_rebuilt_ones_over_random_histories(
    cast, incident_category, service_category, settings, tmp_path
):
    from linli.workorders.tests.factories import ServiceCategoryFactory

    settings.MEDIA_ROOT = tmp_path
    CountedOrderLife.cast = cast
    CountedOrderLife.categories = {
        "incident": incident_category,
        "service": service_category,
        "service_no_check": ServiceCategoryFactory(check_required=False),
    }
    run_state_machine_as_test(
        CountedOrderLife,
        settings=hypothesis_settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


@pytest.mark.django_db
def test_rebuild_command_recomputes_counters_from_events(cast, make_order):
    order = make_order()
    kept = snapshot()
    out = StringIO()
    call_command("rebuild_kpis", stdout=out)
    assert snapshot() == kept
    assert WorkOrder.objects.count() == 1
    # Counters summed again from the stored facts are the same too.
    call_command("rebuild_kpis", "--counters-only", stdout=out)
    assert snapshot() == kept
    assert sum(row[len(rebuild.store.KEY_COLUMNS)] for row in kept[0]) > 0
    assert OrderFacts.objects.filter(order=order).exists()
    assert "reported" in COUNTER_FIELDS
