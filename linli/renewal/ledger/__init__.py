"""The renovation ledger (改造台账) as an Excel workbook: one template, the same shape for
export and import. Sheets: 项目, 小区, 改造内容, 楼院合并, 智慧设施, 背街小巷."""

from linli.renewal.ledger.export import export_ledger
from linli.renewal.ledger.importer import LedgerImportResult, import_ledger
from linli.renewal.ledger.sheets import SPECS, ledger_template

__all__ = ["SPECS", "LedgerImportResult", "export_ledger", "import_ledger", "ledger_template"]
