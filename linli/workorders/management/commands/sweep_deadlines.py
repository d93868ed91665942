"""Run the deadline sweep once, or start its self-scheduling chain in the task worker."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linli.workorders.services.sweep import sweep_deadlines
from linli.workorders.tasks import schedule_sweep


class Command(BaseCommand):
    help = (
        "Mark orders past their deadline overdue, warn those near it and escalate those long "
        "overdue. With --schedule, queue the background sweep that repeats itself instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the self-repeating background sweep (no-op if one is queued)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            queued = schedule_sweep(delay_seconds=0)
            self.stdout.write("sweep queued" if queued else "a sweep is already queued")
            return
        self.stdout.write(json.dumps(sweep_deadlines().as_dict()))
