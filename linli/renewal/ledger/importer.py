"""Import the renovation ledger, all or nothing. Every row is checked first (references to
projects, estates, courtyards and divisions, stage dates); then every row is written through
the services inside one transaction. Any problem, found before or while writing, rolls the
whole file back and is reported with its sheet, row and column."""

from __future__ import annotations

from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.services import record_audit
from linli.lib.ledger import ImportFailed, ImportProblem, read_workbook
from linli.renewal.ledger import sheets as s
from linli.renewal.ledger.checks import _Check, _References
from linli.renewal.ledger.writer import LedgerImportResult, _Writer

__all__ = ["LedgerImportResult", "import_ledger"]


def import_ledger(file: BinaryIO, *, actor: User | None, paths: list[str]) -> LedgerImportResult:
    """Import a ledger; `paths` are the regions the importing person may change."""
    parsed = read_workbook(file, s.SPECS, required_sheets=())
    check = _Check()
    check.problems.extend(parsed.problems)
    rows = {spec.name: parsed.rows.get(spec.name, []) for spec in s.SPECS}
    if not parsed.problems and not any(rows.values()):
        check.problems.append(
            ImportProblem(
                _("file"),
                None,
                None,
                _("The file has none of the ledger's sheets, or they are empty."),
            )
        )
    if any(p.row is None or p.row == 1 for p in check.problems):
        raise ImportFailed(check.problems)  # not a ledger, or a sheet's header is wrong
    # Rows whose cells could not be read are reported as they are; the others are checked
    # against the database too, so that one pass names every problem in the file.
    unreadable = {(p.sheet, p.row) for p in check.problems}
    readable = {
        sheet: [r for r in sheet_rows if (sheet, r.row) not in unreadable]
        for sheet, sheet_rows in rows.items()
    }
    refs = _References(readable, paths, check)
    refs.check_all()
    if check.problems:
        raise ImportFailed(check.problems)
    result = LedgerImportResult()
    with transaction.atomic():
        _Writer(refs, check, actor, result).write_all()
        if check.problems:
            transaction.set_rollback(True)
        elif actor is not None:
            record_audit(
                actor=actor,
                action="renewal.ledger.import",
                target=actor,
                summary=", ".join(f"{k} {v}" for k, v in result.counts.items()),
            )
    if check.problems:
        raise ImportFailed(check.problems)
    return result
