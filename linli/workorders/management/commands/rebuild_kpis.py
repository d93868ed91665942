"""Recompute the KPI facts and counters from the orders' events (docs/kpis.md).

manage.py rebuild_kpis                 # facts from events, then counters from facts
manage.py rebuild_kpis --counters-only  # counters from the facts already stored
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from linli.workorders.kpis import rebuild


class Command(BaseCommand):
    help = "Recompute the work-order KPI facts and counters from the events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--counters-only",
            action="store_true",
            help="Only re-sum the counters from the stored facts (fast; no event replay).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def log(message: str) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {message}")

        if options["counters_only"]:
            with transaction.atomic():
                rebuild.rebuild_counters(log=log)
            summary = _("KPI counters re-summed from the stored facts in %(seconds).1f s.")
            count = 0
        else:
            count = rebuild.rebuild_all(log=log)
            summary = _(
                "KPI facts and counters rebuilt from the events of %(count)d orders in %(seconds).1f s."
            )
        self.stdout.write(summary % {"count": count, "seconds": time.perf_counter() - started})
