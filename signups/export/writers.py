"""Writing export rows: CSV text in chunks for a streaming response, or an XLSX file."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from os import PathLike
from typing import Any

# A worksheet holds 1,048,576 rows; one is the header.
XLSX_MAX_ROWS = 1_048_575
FORMATS = ("csv", "xlsx")


class TooManyRows(ValueError):
    """More rows than a worksheet holds: offer CSV instead. ``count`` is how many there are."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(
            f"{count:,} rows do not fit in an Excel worksheet (at most {XLSX_MAX_ROWS:,} besides "
            "the header). Export them as CSV instead, or narrow the filters."
        )


class _Drain(io.StringIO):
    def drain(self) -> str:
        value = self.getvalue()
        self.seek(0)
        self.truncate()
        return value


def csv_chunks(
    rows: Iterable[Sequence[Any]], *, bom: bool = True, rows_per_chunk: int = 1000
) -> Iterator[str]:
    """Yield ``rows`` as CSV text, ``rows_per_chunk`` rows at a time.

    Starts with a UTF-8 byte-order mark (``"\\ufeff"``) unless ``bom`` is false, so that
    Excel reads accents and non-Latin names correctly. Lines end in CRLF (RFC 4180).
    """
    buffer = _Drain()
    writer = csv.writer(buffer)
    rows = iter(rows)
    if bom:
        buffer.write("\ufeff")
    while True:
        writer.writerows(islice(rows, rows_per_chunk))
        chunk = buffer.drain()
        if not chunk:
            return
        yield chunk


def write_xlsx(rows: Iterable[Sequence[Any]], path: str | PathLike[str]) -> int:
    """Write ``rows`` (header first) to an XLSX file at ``path``; return the number of data rows.

    XlsxWriter in constant-memory mode writes each row to disk as it comes. It is told
    never to turn strings into formulas, links or numbers: a cell is exactly the text
    given (already neutralised by :func:`signups.export.rows`). Raises
    :class:`TooManyRows` past :data:`XLSX_MAX_ROWS` data rows (the file is then incomplete).
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet("Sign-ups")
    bold = workbook.add_format({"bold": True})
    written = -1
    try:
        for index, row in enumerate(rows):
            if index > XLSX_MAX_ROWS:
                raise TooManyRows(index)
            sheet.write_row(index, 0, row, bold if index == 0 else None)
            written = index
        if written >= 0:
            sheet.freeze_panes(1, 0)
    finally:
        workbook.close()
    return max(written, 0)


def check_xlsx(count: int) -> None:
    """Raise :class:`TooManyRows` if ``count`` data rows do not fit in a worksheet."""
    if count > XLSX_MAX_ROWS:
        raise TooManyRows(count)
