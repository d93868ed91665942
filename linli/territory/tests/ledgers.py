"""Building small .xlsx ledgers in tests: {sheet: [header row, row, …]} → a file object."""

import io

from openpyxl import Workbook


def xlsx(sheets: dict[str, list[list[object]]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
