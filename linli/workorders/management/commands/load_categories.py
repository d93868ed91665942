"""Load (or refresh) the work-order categories from data/categories/categories.json."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.workorders.services.categories import DEFAULT_FILE, load_categories_file


class Command(BaseCommand):
    help = "Upsert work-order categories from their data file (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
        parser.add_argument(
            "--force",
            action="store_true",
            help="also overwrite categories that were edited in the admin",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_categories_file(options["file"], force=options["force"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(result.summary())
