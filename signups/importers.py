"""Reading existing lists into subscribers: Mailchimp audience exports and plain CSV files.

A Mailchimp audience export comes as one CSV per status (``subscribed_…``,
``unsubscribed_…``, ``cleaned_…``) with columns such as "Email Address", "First Name",
"Last Name", "MEMBER_RATING", "OPTIN_TIME", "CONFIRM_TIME", "UNSUB_TIME",
"CLEAN_TIME"; a plain CSV needs an email column (``email``, ``Email``, ``E-mail``…) and
may have ``first_name``/``last_name`` and ``status``. The status comes from a status
column if there is one, else from the caller (``--status``), else from the file's name.

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
  address, and reported with their line number.
"""

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .addresses import validate_address
from .erasure import is_erased
from .models import SignupEvent, Subscriber

Status = Subscriber.Status

# Mailchimp's names (and ours) for a list's status, to the status a subscriber gets.
STATUS_MAP = {
    "subscribed": Status.CONFIRMED,
    "confirmed": Status.CONFIRMED,
    "unsubscribed": Status.UNSUBSCRIBED,
    "cleaned": Status.BOUNCED,
    "bounced": Status.BOUNCED,
}
EMAIL_COLUMNS = ("email address", "email", "e-mail", "e-mail address", "email_address", "mail")
FIRST_NAME_COLUMNS = ("first name", "first_name", "firstname", "fname")
LAST_NAME_COLUMNS = ("last name", "last_name", "lastname", "lname")
STATUS_COLUMNS = ("status", "member status", "subscription status")
# Mailchimp's opt-in, confirmation and unsubscription times, or our own export's names.
TIME_COLUMNS = {
    "created_at": ("optin_time", "created_at", "signed up"),
    "confirmed_at": ("confirm_time", "confirmed_at", "confirmed"),
    "unsubscribed_at": ("unsub_time", "unsubscribed_at", "unsubscribed"),
}
NAME_MAX_LENGTH = Subscriber._meta.get_field("first_name").max_length


class ImportFileError(ValueError):
    """The file as a whole cannot be read (no email column, unknown status, not UTF-8...)."""


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list = field(default_factory=list)  # (line, reason): people we must not touch
    errors: list = field(default_factory=list)  # (line, message): rows that are not valid

    @property
    def rows(self):
        return self.created + self.updated + self.unchanged + len(self.skipped) + len(self.errors)


def status_from_name(value):
    """Our status for a status name from a file or option; ``None`` if not one we know."""
    return STATUS_MAP.get((value or "").strip().lower())


def status_from_filename(path):
    """``subscribed_members_export_….csv`` and the like (Mailchimp's names) -> a status name."""
    name = Path(path).name.lower()
    for prefix in ("unsubscribed", "subscribed", "cleaned"):
        if name.startswith(prefix):
            return prefix
    return None


def parse_time(value):
    """A time from the file: ISO 8601, or Mailchimp's "YYYY-MM-DD HH:MM:SS" (taken as UTC)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date and time (YYYY-MM-DD HH:MM:SS).") from None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _column(headers, candidates):
    lowered = {header.strip().lower(): header for header in headers if header}
    return next((lowered[name] for name in candidates if name in lowered), None)


def import_csv(path, *, status=None, source=None, dry_run=False):
    """Import the list at ``path``; return a :class:`Report`. Sends no email.

    ``status`` (subscribed, unsubscribed, cleaned; or confirmed, bounced) applies to
    rows without a status column; ``source`` is what ``import_source`` records (default:
    the file's name). Raises :class:`ImportFileError` for a file that cannot be read.
    """
    path = Path(path)
    if status is not None and status_from_name(status) is None:
        raise ImportFileError(f"Unknown status {status!r}; use subscribed, unsubscribed or cleaned.")
    source = (source or f"import: {path.name}")[:200]
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            headers = reader.fieldnames or []
            email_column = _column(headers, EMAIL_COLUMNS)
            if email_column is None:
                raise ImportFileError(
                    'The file has no email column (looked for: "Email Address", "email", "E-mail").'
                )
            columns = {
                "email": email_column,
                "first_name": _column(headers, FIRST_NAME_COLUMNS),
                "last_name": _column(headers, LAST_NAME_COLUMNS),
                "status": _column(headers, STATUS_COLUMNS),
                **{name: _column(headers, candidates) for name, candidates in TIME_COLUMNS.items()},
            }
            default_status = status or status_from_filename(path)
            if columns["status"] is None and default_status is None:
                raise ImportFileError(
                    "The file does not say which list it is: add --status subscribed, unsubscribed "
                    "or cleaned (Mailchimp exports one file per status)."
                )
            report = Report()
            with transaction.atomic():
                for row in reader:
                    _import_row(row, reader.line_num, columns, default_status, source, report)
                if dry_run:
                    transaction.set_rollback(True)
            return report
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text; save it as CSV UTF-8 and try again.") from None
    except csv.Error as exc:
        raise ImportFileError(f"The file is not a readable CSV: {exc}.") from None


def _cell(row, column):
    value = row.get(column) if column else None
    return value.strip() if isinstance(value, str) else ""


def _checked_address(raw, email):
    """The normalised ``email``; ``ValueError`` saying why not, quoting the cell as it is in the file."""
    try:
        return validate_address(raw)
    except ValidationError as exc:
        if exc.code == "formula_prefix":
            raise ValueError(f"{raw!r}: an address cannot start with {exc.params['char']!r}.") from None
        raise ValueError(f"{email!r} is not a valid email address.") from None


def _import_row(row, line, columns, default_status, source, report):
    email = _cell(row, columns["email"])
    if not email and not any((value or "").strip() for value in row.values() if isinstance(value, str)):
        return  # a blank line
    raw = row.get(columns["email"]) or ""
    try:
        email_normalized = _checked_address(raw, email)
        status_name = _cell(row, columns["status"]) or default_status
        status = status_from_name(status_name)
        if status is None:
            raise ValueError(f"unknown status {status_name!r} (subscribed, unsubscribed or cleaned).")
        times = {name: parse_time(_cell(row, columns[name])) for name in TIME_COLUMNS}
        times["created_at"] = times["created_at"] or times["confirmed_at"]
    except ValueError as exc:
        report.errors.append((line, str(exc)))
        return
    names = {
        "first_name": _cell(row, columns["first_name"])[:NAME_MAX_LENGTH],
        "last_name": _cell(row, columns["last_name"])[:NAME_MAX_LENGTH],
    }
    if is_erased(email_normalized):
        report.skipped.append((line, "erased on request: not imported"))
        return
    existing = Subscriber.objects.filter(email_normalized=email_normalized).first()
    if existing is None:
        try:
            with transaction.atomic():
                _create(email, email_normalized, status, times, names, source, line)
        except IntegrityError:  # someone signed up meanwhile: treat as existing
            existing = Subscriber.objects.get(email_normalized=email_normalized)
        else:
            report.created += 1
            return
    outcome = _update(existing, status, times, names, source, line)
    if outcome == "skipped":
        report.skipped.append((line, f"{existing.get_status_display()}: left as it is"))
    elif outcome:
        report.updated += 1
    else:
        report.unchanged += 1


def _create(email, email_normalized, status, times, names, source, line):
    now = timezone.now()
    confirmed_at = times["confirmed_at"] or (times["created_at"] if status == Status.CONFIRMED else None)
    subscriber = Subscriber.objects.create(
        email=email,
        email_normalized=email_normalized,
        status=status,
        import_source=source,
        confirmation_nonce="",
        confirmed_at=confirmed_at,
        unsubscribed_at=times["unsubscribed_at"] or (now if status == Status.UNSUBSCRIBED else None),
        **names,
    )
    # auto_now_add stamps "now" on create: the original opt-in time goes in afterwards.
    if times["created_at"]:
        Subscriber.objects.filter(pk=subscriber.pk).update(created_at=times["created_at"])
    SignupEvent.objects.create(
        subscriber=subscriber,
        kind=SignupEvent.Kind.IMPORTED,
        note=f"Imported as {status.label} from {source} (line {line}); consent given there."[:300],
    )


def _update(subscriber, status, times, names, source, line):
    """Apply the file to someone already here; True if changed, "skipped" if untouchable."""
    if subscriber.status in (Status.UNSUBSCRIBED, Status.ERASED):
        # Never brought back, and nothing added to them.
        return False if subscriber.status == status else "skipped"
    changes = {name: value for name, value in names.items() if value and not getattr(subscriber, name)}
    event = None
    if status == Status.UNSUBSCRIBED:
        changes.update(
            status=Status.UNSUBSCRIBED,
            confirmation_nonce="",
            unsubscribed_at=times["unsubscribed_at"] or timezone.now(),
        )
        event = SignupEvent.Kind.UNSUBSCRIBED
    elif status == Status.BOUNCED and subscriber.status != Status.BOUNCED:
        changes["status"] = Status.BOUNCED
        event = SignupEvent.Kind.IMPORTED
    if not changes:
        return False
    Subscriber.objects.filter(pk=subscriber.pk).update(**changes)
    if event:
        SignupEvent.objects.create(
            subscriber=subscriber,
            kind=event,
            note=f"Marked {status.label} by the import of {source} (line {line})."[:300],
        )
    return True
