"""Reading single cells of a Webflow CSV export: dates, booleans, multi-references.

The formats are Webflow's: dates are JavaScript ``Date.prototype.toString()`` text
(ECMA-262 §21.4.4.41), booleans ``true``/``false``, multi-references slugs joined by ``"; "``.
"""

import re
from datetime import UTC, datetime, timedelta, timezone


class RowError(ValueError):
    """One cell cannot be read; its row is skipped with this message."""


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_JS_DATE = re.compile(
    r"^(?:[A-Z][a-z]{2} )?(?P<mon>[A-Z][a-z]{2}) (?P<day>\d{1,2}) (?P<year>\d{4}) "
    r"(?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2}) GMT(?P<off>[+-]\d{4})(?: \(.*\))?$"
)


def parse_js_date(text: str, label: str = "date") -> datetime | None:
    """Parse JavaScript ``Date.toString()`` text into an aware datetime in its own offset.

    ``"Sun May 01 2022 14:03:00 GMT+0000 (Coordinated Universal Time)"`` gives
    2022-05-01 14:03 +00:00 (its ``.date()`` is the calendar date as written). ISO 8601 is
    accepted too. "" gives None. Raises :class:`RowError` naming ``label`` otherwise.
    """
    if not text:
        return None
    if match := _JS_DATE.match(text):
        try:
            offset = int(match["off"][1:3]) * 60 + int(match["off"][3:])
            return _in_range(
                datetime(
                    int(match["year"]),
                    _MONTHS[match["mon"]],
                    int(match["day"]),
                    int(match["h"]),
                    int(match["m"]),
                    int(match["s"]),
                    tzinfo=timezone(timedelta(minutes=-offset if match["off"][0] == "-" else offset)),
                )
            )
        except (KeyError, ValueError, OverflowError):
            pass
    else:
        try:
            parsed = datetime.fromisoformat(text)
            return _in_range(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
        except (ValueError, OverflowError):
            pass
    raise RowError(
        f"{label} {text!r} is not a date like "
        "'Sun May 01 2022 14:03:00 GMT+0000 (Coordinated Universal Time)'"
    )


def _in_range(value: datetime) -> datetime:
    """``value`` if it can be stored in UTC (year 1 to 9999 there too), else ValueError."""
    value.astimezone(UTC)  # raises OverflowError at the ends of the calendar
    return value


def parse_bool(text: str, label: str = "boolean") -> bool:
    """``"true"``/``"false"`` (any case) to bool; "" is False. Else raises :class:`RowError`."""
    value = text.strip().lower()
    if value in ("", "false"):
        return False
    if value == "true":
        return True
    raise RowError(f"{label} {text!r} is not true or false")


def parse_multi_reference(text: str) -> tuple[str, ...]:
    """``"a; b;a"`` to ``("a", "b")``: slugs in order, blanks and repeats dropped."""
    slugs = (s.strip() for s in text.split(";"))
    return tuple(dict.fromkeys(s for s in slugs if s))
