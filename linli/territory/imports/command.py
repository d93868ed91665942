"""What the import_* management commands share: open the file, run the import with a
tqdm progress bar, print the summary, or print every problem and exit non-zero."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from linli.territory.imports import ImportFailed, run_import
from linli.territory.imports.geojson import InputCrs

T = TypeVar("T")


def progress_bar(items: Sequence[T], label: str) -> Iterable[T]:
    bar: Iterable[T] = tqdm(items, desc=label, total=len(items), leave=False)
    return bar


class ImportCommand(BaseCommand):
    kind: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the file to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            file = path.open("rb")
        except OSError as exc:
            raise CommandError(
                _("Cannot open %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        with file:
            try:
                summary = run_import(
                    self.kind,
                    file=file,
                    actor=None,
                    crs=options.get("crs") or InputCrs.WGS84,
                    dry_run=options["dry_run"],
                    track=progress_bar,
                    source=f"manage.py: {path.name}",
                )
            except ImportFailed as failed:
                for problem in failed.problems:
                    self.stderr.write(str(problem))
                raise CommandError(
                    _("%(count)d problem(s) found in %(path)s; nothing was written.")
                    % {"count": len(failed.problems), "path": path}
                ) from None
        if summary.dry_run:
            self.stdout.write(_("Checked, nothing written: %(summary)s") % {"summary": summary})
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported: %(summary)s") % {"summary": summary}))
