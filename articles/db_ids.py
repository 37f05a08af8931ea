"""Database ids read from what a person (or a pasted body) sent, safe to look up.

A body's image (``data-file="12"``), citation (``[cite:12]``) or a posted ``source=12``
is text: it may hold digits that are not ASCII ("²" passes ``str.isdigit`` but not
``int``) or a number no id column holds, which SQLite's driver refuses with
``OverflowError`` before the query runs. Both must read as "no such id", not a 500.
"""

from collections.abc import Iterable

#: The largest id a database column holds: a signed 64-bit integer (SQLite's INTEGER,
#: PostgreSQL's bigint); Django's AutoField ids are smaller still.
MAX_ID = 2**63 - 1


def parse_id(text: object) -> int | None:
    """``text`` as an id (ASCII digits, 1 to :data:`MAX_ID`), else ``None``."""
    text = str(text).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def storable_ids(ids: Iterable[int]) -> list[int]:
    """The ``ids`` a column can hold (1 to :data:`MAX_ID`), in order: safe for ``pk__in``."""
    return [value for value in ids if 0 < value <= MAX_ID]
