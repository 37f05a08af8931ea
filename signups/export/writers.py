"""Writing export rows: CSV text in chunks for a streaming response, or an XLSX file."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from os import PathLike
from typing import IO, Any

from .spreadsheetml import write_rows

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


def write_xlsx(rows: Iterable[Sequence[Any]], path: str | PathLike[str] | IO[bytes]) -> int:
    """Write ``rows`` (header first) to an XLSX file at ``path``; return the number of data rows.

    Streamed by :func:`signups.export.spreadsheetml.write_rows`: memory stays flat, and a
    cell is exactly the text given (already neutralised by :func:`signups.export.rows`),
    never a formula. ``path`` may also be a binary file open for writing. Raises
    :class:`TooManyRows` past :data:`XLSX_MAX_ROWS` data rows (the file is then
    incomplete) and ``OSError`` when the file cannot be written.
    """

    def bounded() -> Iterator[Sequence[Any]]:
        for index, row in enumerate(rows):
            if index > XLSX_MAX_ROWS:
                raise TooManyRows(index)
            yield row

    return write_rows(bounded(), path)


def check_xlsx(count: int) -> None:
    """Raise :class:`TooManyRows` if ``count`` data rows do not fit in a worksheet."""
    if count > XLSX_MAX_ROWS:
        raise TooManyRows(count)
