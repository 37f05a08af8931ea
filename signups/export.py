"""Subscriber exports: one row generator behind the admin, the command, the dashboard and tests.

:func:`rows` turns a queryset into rows of plain values (header first) in one of the
:data:`PRESETS`; :func:`csv_chunks` and :func:`write_xlsx` write them. Memory stays flat
however long the list: rows come from ``values_list().iterator()`` (a server-side cursor
on PostgreSQL), CSV is produced in small chunks that a streaming response sends as they
come, and XLSX is written by XlsxWriter in constant-memory mode to a file.

Every text cell a spreadsheet would read as a formula (it starts with ``=``, ``+``,
``-``, ``@``, tab or carriage return) gets a leading single quote, as OWASP's "CSV
Injection" page recommends (https://owasp.org/www-community/attacks/CSV_Injection), in
CSV and XLSX alike. Times are ISO 8601 in the site's zone (``TIME_ZONE``) with its UTC
offset: the same instant the admin shows.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import islice

from django.db import NotSupportedError, connections
from django.db.models import CharField, F, Func
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import FORMULA_PREFIXES
from .models import Subscriber

Status = Subscriber.Status

# A worksheet holds 1,048,576 rows; one is the header.
XLSX_MAX_ROWS = 1_048_575
CHUNK_SIZE = 2000
# What an export holds when nobody asks for particular statuses.
DEFAULT_STATUSES = (Status.PENDING, Status.HELD, Status.CONFIRMED)
# Never in a list meant for mailing, whatever was asked.
NEVER_MAILED = (Status.UNSUBSCRIBED, Status.BOUNCED, Status.ERASED)
FORMATS = ("csv", "xlsx")


class TooManyRows(ValueError):
    """More rows than a worksheet holds: offer CSV instead."""

    def __init__(self, count):
        self.count = count
        super().__init__(
            f"{count:,} rows do not fit in an Excel worksheet (at most {XLSX_MAX_ROWS:,} besides "
            "the header). Export them as CSV instead, or narrow the filters."
        )


def neutralize(value):
    """``value`` with a leading ``'`` if a spreadsheet would take it for a formula."""
    if value and value[0] in FORMULA_PREFIXES:
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column: its header, the ``values_list`` fields it reads and how it turns them into a cell.

    ``kind`` is "text" (neutralised), "time" (ISO 8601 in the site's zone), "value"
    (as it is, ``None`` as empty) or "computed" (``compute(*values)`` then neutralised).
    """

    header: str
    fields: tuple
    kind: str = "text"
    compute: object = None


def _full_name(first, last):
    return " ".join(part for part in (first, last) if part)


FULL_COLUMNS = (
    Column("Email", ("email",)),
    Column("First name", ("first_name",)),
    Column("Last name", ("last_name",)),
    Column("Status", ("status",)),
    Column("Signed up", ("created_at",), "time"),
    Column("Confirmed", ("confirmed_at",), "time"),
    Column("Unsubscribed", ("unsubscribed_at",), "time"),
    Column("Source page", ("source_path",)),
    Column("Source article", ("source_article__slug",)),
    Column("UTM source", ("utm_source",)),
    Column("UTM medium", ("utm_medium",)),
    Column("UTM campaign", ("utm_campaign",)),
    Column("Referrer", ("referrer",)),
    Column("Consent copy version", ("consent_version_id",), "value"),
)

# Mailchimp's default audience fields, named as its importer matches them: "Email
# Address" (the only required column), "First Name", "Last Name"; plus "Tags", which
# the importer can apply to each contact (here: the slug of the article they signed up
# from). Sources: https://mailchimp.com/help/format-guidelines-for-your-import-file/ and
# https://mailchimp.com/help/import-contacts-mailchimp/. Consent times are not sent: a
# Mailchimp audience has no standard field for them, and the file must load unedited.
MAILCHIMP_COLUMNS = (
    Column("Email Address", ("email",)),
    Column("First Name", ("first_name",)),
    Column("Last Name", ("last_name",)),
    Column("Tags", ("source_article__slug",)),
)

# Ghost's member import columns, in the order its documentation lists them: email
# (required), name, note, subscribed_to_emails, stripe_customer_id, complimentary_plan,
# labels, created_at (ISO 8601). Source: https://ghost.org/help/import-members/
# ("Prepare your CSV file"). Everyone exported here is a confirmed, free subscriber.
GHOST_COLUMNS = (
    Column("email", ("email",)),
    Column("name", ("first_name", "last_name"), "computed", _full_name),
    Column("note", ("source_path",)),
    Column("subscribed_to_emails", (), "computed", lambda: "true"),
    Column("stripe_customer_id", (), "computed", lambda: ""),
    Column("complimentary_plan", (), "computed", lambda: "false"),
    Column("labels", ("source_article__slug",)),
    Column("created_at", ("created_at",), "time"),
)


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    columns: tuple
    # A list meant for mailing holds confirmed subscribers only.
    mailing: bool = False

    @property
    def headers(self):
        return [column.header for column in self.columns]

    def restrict(self, queryset):
        if self.mailing:
            return queryset.filter(status=Status.CONFIRMED).exclude(email="")
        return queryset


PRESETS = {
    preset.name: preset
    for preset in (
        Preset("full", _("Full layout (every column)"), FULL_COLUMNS),
        Preset("mailchimp", _("Mailchimp audience import (confirmed only)"), MAILCHIMP_COLUMNS, mailing=True),
        Preset("ghost", _("Ghost members import (confirmed only)"), GHOST_COLUMNS, mailing=True),
    )
}


def get_preset(preset):
    """The :class:`Preset` named ``preset`` (or ``preset`` itself); ``ValueError`` if unknown."""
    if isinstance(preset, Preset):
        return preset
    try:
        return PRESETS[preset]
    except KeyError:
        raise ValueError(f"Unknown layout {preset!r}; choose one of: {', '.join(PRESETS)}.") from None


# FORMULA_PREFIXES as code points, for the databases' ASCII() / UNICODE().
FORMULA_CODES = tuple(ord(character) for character in FORMULA_PREFIXES)


class Neutralized(Func):
    """SQL for :func:`neutralize`: the text with a leading ``'`` if it starts like a formula.

    ``NULL`` becomes an empty string. Done by the database, so that a million rows are
    not looked at one cell at a time in Python.
    """

    output_field = CharField()

    def as_sql(self, compiler, connection, first="SUBSTR({sql}, 1, 1)", values=FORMULA_PREFIXES):
        sql, params = compiler.compile(self.source_expressions[0])
        marks = ", ".join(["%s"] * len(values))
        first = first.format(sql=sql)
        return (
            f"CASE WHEN {first} IN ({marks}) THEN '''' || {sql} ELSE COALESCE({sql}, '') END",
            (*params, *values, *params, *params),
        )

    def as_postgresql(self, compiler, connection):
        # Comparing code points is several times faster than comparing one-letter strings.
        return self.as_sql(compiler, connection, "ASCII({sql})", FORMULA_CODES)

    def as_sqlite(self, compiler, connection):
        return self.as_sql(compiler, connection, "UNICODE({sql})", FORMULA_CODES)


class LocalIsoTime(Func):
    """PostgreSQL: a time as ``datetime.isoformat()`` writes it in ``zone``, offset included.

    ``2026-01-15T07:00:00-05:00``, with ``.ffffff`` only when there are microseconds;
    ``NULL`` becomes an empty string. Other databases return the time itself and
    :func:`rows` formats it in Python.
    """

    output_field = CharField()

    def __init__(self, expression, zone):
        super().__init__(expression)
        self.zone = zone

    def as_sql(self, compiler, connection):
        raise NotSupportedError("LocalIsoTime is for PostgreSQL only.")

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        local, local_params = f"({sql} AT TIME ZONE %s)", (*params, self.zone)
        # The zone's offset at that instant, as an interval; to_char() writes a negative
        # one as "-03:-30", hence the replace().
        offset = f"({local} - ({sql} AT TIME ZONE 'UTC'))"
        offset_params = (*local_params, *params)
        # isoformat() leaves out the fraction when there are no microseconds.
        date_format = "'YYYY-MM-DD\"T\"HH24:MI:SS.US'"
        return (
            f"CASE WHEN {sql} IS NULL THEN '' ELSE "
            f"REPLACE(TO_CHAR({local}, {date_format}), '.000000', '') "
            f"|| CASE WHEN {offset} < INTERVAL '0' THEN REPLACE(TO_CHAR({offset}, 'HH24:MI'), ':-', ':') "
            f"ELSE '+' || TO_CHAR({offset}, 'HH24:MI') END END",
            (*params, *local_params, *offset_params, *offset_params, *offset_params),
        )


def _select(columns, connection):
    """What to ask the database for, and how to finish each row in Python (``None``: as it comes).

    Text is neutralised by the database; times are formatted by PostgreSQL, or in
    Python elsewhere; computed columns (Ghost's name) are made in Python.
    """
    zone = timezone.get_current_timezone()
    in_sql = connection.vendor == "postgresql"
    expressions, keys, finish = [], [], []

    def select(expression, key):
        if key not in keys:
            keys.append(key)
            expressions.append(expression)
        return keys.index(key)

    for column in columns:
        if column.kind == "computed":
            indexes = [select(F(name), name) for name in column.fields]
            finish.append(("computed", column.compute, indexes))
        elif column.kind == "text":
            finish.append(("as is", None, select(Neutralized(column.fields[0]), ("text", column.fields[0]))))
        elif column.kind == "time" and in_sql:
            finish.append(
                ("as is", None, select(LocalIsoTime(column.fields[0], zone.key), ("time", column.fields[0])))
            )
        elif column.kind == "time":
            finish.append(("time", None, select(F(column.fields[0]), column.fields[0])))
        else:
            finish.append(("as is", None, select(F(column.fields[0]), column.fields[0])))

    if [spec[0] for spec in finish] == ["as is"] * len(finish) and [spec[2] for spec in finish] == list(
        range(len(finish))
    ):
        return expressions, None

    def cell(kind, compute, index, values):
        if kind == "as is":
            return values[index]
        if kind == "time":
            value = values[index]
            return value.astimezone(zone).isoformat() if value is not None else ""
        return neutralize(compute(*(values[i] for i in index)))

    return expressions, lambda values: [cell(*spec, values) for spec in finish]


def rows(queryset, preset="full", *, header=True, chunk_size=CHUNK_SIZE):
    """Yield the export of ``queryset`` in ``preset``: the header row, then one row per subscriber.

    Cells are plain values (strings, and integers for the copy version), ready for a CSV
    or XLSX writer. Mailing presets keep only confirmed subscribers with an address,
    whatever ``queryset`` holds. Rows keep ``queryset``'s order.
    """
    preset = get_preset(preset)
    queryset = preset.restrict(queryset)
    expressions, finish = _select(preset.columns, connections[queryset.db])
    if header:
        yield preset.headers
    values = queryset.values_list(*expressions).iterator(chunk_size=chunk_size)
    if finish is None:
        yield from values
    else:
        for row in values:
            yield finish(row)


def count(queryset, preset="full"):
    """How many data rows :func:`rows` would yield for ``queryset``."""
    return get_preset(preset).restrict(queryset).count()


def filter_subscribers(queryset, *, statuses=None, since=None, until=None, source=None):
    """``queryset`` narrowed as the command's options and the dashboard's period say.

    ``statuses``: status names (default: everyone); ``since``/``until``: dates in the
    site's zone, both included, on the sign-up time; ``source``: an article slug.
    """
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if since:
        queryset = queryset.filter(created_at__gte=start_of_day(since))
    if until:
        queryset = queryset.filter(created_at__lt=start_of_day(until + timedelta(days=1)))
    if source:
        queryset = queryset.filter(source_article__slug=source)
    return queryset


def start_of_day(day):
    """Midnight starting ``day`` in the site's zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


class _Drain(io.StringIO):
    def drain(self):
        value = self.getvalue()
        self.seek(0)
        self.truncate()
        return value


def csv_chunks(rows, *, bom=True, rows_per_chunk=1000):
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


def write_xlsx(rows, path):
    """Write ``rows`` (header first) to an XLSX file at ``path``; return the number of data rows.

    XlsxWriter in constant-memory mode writes each row to disk as it comes. It is told
    never to turn strings into formulas, links or numbers: a cell is exactly the text
    given (already neutralised by :func:`rows`).
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


def check_xlsx(count):
    """Raise :class:`TooManyRows` if ``count`` data rows do not fit in a worksheet."""
    if count > XLSX_MAX_ROWS:
        raise TooManyRows(count)


def mask_email(term):
    """``jane@example.com`` -> ``j***@example.com``: a search term kept in the export log."""
    local, sep, domain = term.strip().rpartition("@")
    if not sep:
        return term
    return f"{local[:1]}***@{domain}"


def recorded_filters(params):
    """The filters to keep in the export log: ``params`` with any address in them masked."""
    recorded = {}
    for key, value in params.items():
        if isinstance(value, str) and "@" in value:
            value = mask_email(value)
        elif isinstance(value, list):
            value = [mask_email(item) if isinstance(item, str) and "@" in item else item for item in value]
        recorded[key] = value
    return recorded


def log_export(*, via, format, preset, filters, row_count, user=None):
    """Record an export in the :class:`~signups.models.ExportLog`; returns the row."""
    from .models import ExportLog

    return ExportLog.objects.create(
        user=user if user is not None and user.pk else None,
        user_name=user.get_username() if user is not None and user.pk else "",
        via=via,
        format=format,
        preset=get_preset(preset).name,
        filters=recorded_filters(filters),
        row_count=row_count,
    )
