"""Reading existing lists into subscribers: Mailchimp audience exports and plain CSV files.

The files' columns and status names are :mod:`signups.list_files`. A row's status comes
from a status column if there is one, else from the caller (``--status``), else from
the file's name.

Rules (issue 6):

- subscribed -> confirmed, unsubscribed -> unsubscribed, cleaned -> bounced; the
  original opt-in and confirmation times are kept (sign-up time = OPTIN_TIME; a
  subscribed row without CONFIRM_TIME counts as confirmed at its opt-in, Mailchimp's
  single opt-in); times without an offset are taken as UTC;
- the consent is marked as imported: ``import_source`` names the file and the history
  gets an "imported" event; no email is sent;
- running the same file again changes nothing; someone already on the list keeps our
  own evidence and status, except that an unsubscribe or a bounce in the file is
  applied (a "stop mailing" signal is always honoured), and missing names are filled;
- an unsubscribed or erased person is never brought back (:func:`signups.erasure.is_erased`);
- addresses are checked by :func:`signups.addresses.validate_address`, like the form's:
  those starting with ``=``, ``+``, ``-``, ``@``, tab or CR are refused, like any invalid
  address, and reported with their line number;
- every time must be one the site can show: from 1995-01-01 (in the site's zone) to one
  day after now, and a confirmation not before its sign-up (:func:`check_times`); a
  name may not hold a NUL character (PostgreSQL cannot store one);
- a bad row is reported with its line number and reason and the rest of the file is
  imported: each row is saved in a savepoint, so even a database error costs one row.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from os import PathLike
from pathlib import Path
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from .addresses import validate_address
from .erasure import is_erased
from .list_files import (
    TIME_COLUMNS,
    Columns,
    ImportFileError,
    Row,
    cell,
    find_columns,
    parse_time,
    status_from_filename,
    status_from_name,
)
from .models import SignupEvent, Subscriber

Status = Subscriber.Status

NAME_MAX_LENGTH = Subscriber._meta.get_field("first_name").max_length
# The earliest sign-up a list can hold: mailing-list consent records begin with the web.
EARLIEST_DAY = date(1995, 1, 1)
# Clocks differ, and a file may come from a zone ahead of ours: a day of leeway.
FUTURE_LEEWAY = timedelta(days=1)
TIME_NAMES = {"created_at": "sign-up", "confirmed_at": "confirmation", "unsubscribed_at": "unsubscription"}
__all__ = ["ImportFileError", "Report", "import_csv"]


@dataclass
class Report:
    """What an import did: how many people were added, updated or left as they were.

    ``skipped`` lists ``(line, reason)`` for people we must not touch (erased,
    unsubscribed); ``errors`` lists ``(line, message)`` for rows that are not valid.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Every row read, blank lines apart."""
        return self.created + self.updated + self.unchanged + len(self.skipped) + len(self.errors)


@dataclass(frozen=True)
class _Person:
    """One valid row of the file: who, with which status, times and names."""

    line: int
    email: str
    email_normalized: str
    status: Subscriber.Status
    times: dict[str, datetime | None]
    names: dict[str, str]


def import_csv(
    path: str | PathLike[str], *, status: str | None = None, source: str | None = None, dry_run: bool = False
) -> Report:
    """Import the list at ``path``; return a :class:`Report`. Sends no email.

    ``status`` (subscribed, unsubscribed, cleaned; or confirmed, bounced) applies to
    rows without a status column; ``source`` is what ``import_source`` records (default:
    the file's name). ``dry_run`` rolls everything back but reports as if it had not.
    Raises :class:`ImportFileError` for a file that cannot be read, and ``OSError``
    (``FileNotFoundError`` included) when it cannot be opened.
    """
    path = Path(path)
    if status is not None and status_from_name(status) is None:
        raise ImportFileError(f"Unknown status {status!r}; use subscribed, unsubscribed or cleaned.")
    source = (source or f"import: {path.name}")[:200]
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = find_columns(reader.fieldnames or [])
            default_status = status or status_from_filename(path)
            if columns["status"] is None and default_status is None:
                raise ImportFileError(
                    "The file does not say which list it is: add --status subscribed, unsubscribed "
                    "or cleaned (Mailchimp exports one file per status)."
                )
            report = Report()
            with transaction.atomic():
                for row in reader:
                    _import_row_safely(row, reader.line_num, columns, default_status, source, report)
                if dry_run:
                    transaction.set_rollback(True)
            return report
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text; save it as CSV UTF-8 and try again.") from None
    except csv.Error as exc:
        raise ImportFileError(f"The file is not a readable CSV: {exc}.") from None


def _checked_address(raw: str, email: str) -> str:
    """The normalised ``email``; ``ValueError`` saying why not, quoting the cell as it is in the file."""
    try:
        return validate_address(raw)
    except ValidationError as exc:
        if exc.code == "formula_prefix" and exc.params:
            raise ValueError(f"{raw!r}: an address cannot start with {exc.params['char']!r}.") from None
        raise ValueError(f"{email!r} is not a valid email address.") from None


def check_times(times: dict[str, datetime | None], now: datetime | None = None) -> None:
    """Raise ``ValueError`` unless every time in ``times`` is one the site can show.

    ``times`` maps ``created_at``, ``confirmed_at`` and ``unsubscribed_at`` to aware
    datetimes or ``None``. Each must be from 1995-01-01 00:00 in the site's zone
    (``TIME_ZONE``) to one day after ``now`` (default: the present), and a confirmation
    not before the sign-up. Such bounds also keep every time convertible to any zone: a
    year-1 or year-9999 time overflows Python's dates there, and the admin would fail.
    """
    earliest = timezone.make_aware(datetime.combine(EARLIEST_DAY, time.min))
    latest = (now or timezone.now()) + FUTURE_LEEWAY
    for name, value in times.items():
        if value is None:
            continue
        if value < earliest:
            raise ValueError(f"the {TIME_NAMES[name]} time {value.isoformat(' ')} is before 1995-01-01.")
        if value > latest:
            raise ValueError(
                f"the {TIME_NAMES[name]} time {value.isoformat(' ')} is more than a day from now."
            )
    created, confirmed = times.get("created_at"), times.get("confirmed_at")
    if created and confirmed and confirmed < created:
        raise ValueError(
            f"the confirmation time {confirmed.isoformat(' ')} is before "
            f"the sign-up time {created.isoformat(' ')}."
        )


def _read_row(row: Row, line: int, columns: Columns, default_status: str | None) -> _Person:
    """The person on ``row``; ``ValueError`` saying what is wrong with the row."""
    email = cell(row, columns["email"])
    email_normalized = _checked_address(row.get(columns["email"]) or "", email)
    status_name = cell(row, columns["status"]) or default_status
    status = status_from_name(status_name)
    if status is None:
        raise ValueError(f"unknown status {status_name!r} (subscribed, unsubscribed or cleaned).")
    times = {name: parse_time(cell(row, columns[name])) for name in TIME_COLUMNS}
    check_times(times)
    times["created_at"] = times["created_at"] or times["confirmed_at"]
    names = {
        "first_name": cell(row, columns["first_name"])[:NAME_MAX_LENGTH],
        "last_name": cell(row, columns["last_name"])[:NAME_MAX_LENGTH],
    }
    if any("\x00" in name for name in names.values()):
        raise ValueError("a name holds a NUL character, which cannot be stored.")
    return _Person(line, email, email_normalized, status, times, names)


def _import_row_safely(
    row: Row, line: int, columns: Columns, default_status: str | None, source: str, report: Report
) -> None:
    """:func:`_import_row` in a savepoint: a database error is reported for this row alone."""
    try:
        with transaction.atomic():
            _import_row(row, line, columns, default_status, source, report)
    except DatabaseError as exc:
        report.errors.append((line, f"could not be saved ({type(exc).__name__}: {exc})."[:300]))


def _import_row(
    row: Row, line: int, columns: Columns, default_status: str | None, source: str, report: Report
) -> None:
    if not any(value.strip() for value in row.values() if isinstance(value, str)):
        return  # a blank line
    try:
        person = _read_row(row, line, columns, default_status)
    except ValueError as exc:
        report.errors.append((line, str(exc)))
        return
    if is_erased(person.email_normalized):
        report.skipped.append((line, "erased on request: not imported"))
        return
    existing = Subscriber.objects.filter(email_normalized=person.email_normalized).first()
    if existing is None:
        try:
            with transaction.atomic():
                _create(person, source)
        except IntegrityError:  # someone signed up meanwhile: treat as existing
            existing = Subscriber.objects.get(email_normalized=person.email_normalized)
        else:
            report.created += 1
            return
    outcome = _update(existing, person, source)
    if outcome == "skipped":
        report.skipped.append((line, f"{existing.get_status_display()}: left as it is"))
    elif outcome == "updated":
        report.updated += 1
    else:
        report.unchanged += 1


def _create(person: _Person, source: str) -> None:
    now = timezone.now()
    status, times = person.status, person.times
    confirmed_at = times["confirmed_at"] or (times["created_at"] if status == Status.CONFIRMED else None)
    subscriber = Subscriber.objects.create(
        email=person.email,
        email_normalized=person.email_normalized,
        status=status,
        import_source=source,
        confirmation_nonce="",
        confirmed_at=confirmed_at,
        unsubscribed_at=times["unsubscribed_at"] or (now if status == Status.UNSUBSCRIBED else None),
        **person.names,
    )
    # auto_now_add stamps "now" on create: the original opt-in time goes in afterwards.
    if times["created_at"]:
        Subscriber.objects.filter(pk=subscriber.pk).update(created_at=times["created_at"])
    SignupEvent.objects.create(
        subscriber=subscriber,
        kind=SignupEvent.Kind.IMPORTED,
        note=f"Imported as {status.label} from {source} (line {person.line}); consent given there."[:300],
    )


def _update(
    subscriber: Subscriber, person: _Person, source: str
) -> Literal["updated", "unchanged", "skipped"]:
    """Apply the file to someone already here; "skipped" if they are not to be touched."""
    status = person.status
    if subscriber.status in (Status.UNSUBSCRIBED, Status.ERASED):
        # Never brought back, and nothing added to them.
        return "unchanged" if subscriber.status == status else "skipped"
    changes: dict[str, object] = {
        name: value for name, value in person.names.items() if value and not getattr(subscriber, name)
    }
    event = None
    if status == Status.UNSUBSCRIBED:
        changes.update(
            status=Status.UNSUBSCRIBED,
            confirmation_nonce="",
            unsubscribed_at=person.times["unsubscribed_at"] or timezone.now(),
        )
        event = SignupEvent.Kind.UNSUBSCRIBED
    elif status == Status.BOUNCED and subscriber.status != Status.BOUNCED:
        changes["status"] = Status.BOUNCED
        event = SignupEvent.Kind.IMPORTED
    if not changes:
        return "unchanged"
    if "status" in changes:
        changes["changed_at"] = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk).update(**changes)
    if event:
        SignupEvent.objects.create(
            subscriber=subscriber,
            kind=event,
            note=f"Marked {status.label} by the import of {source} (line {person.line})."[:300],
        )
    return "updated"
