"""Subscriber exports: one row generator behind the admin, the command, the dashboard and tests.

:func:`rows` turns a queryset into rows of plain values (header first) in one of the
:data:`PRESETS`; :func:`csv_chunks` and :func:`write_xlsx` write them. Where each person
signed up (page, article, UTM values, referrer) is left out unless the caller passes
``include_source=True``: for a clinic the article read is an inferred health interest. Memory stays flat
however long the list: rows come from ``values_list().iterator()`` (a server-side cursor
on PostgreSQL), CSV is produced in small chunks that a streaming response sends as they
come, and XLSX is streamed into its zip by :mod:`.spreadsheetml`.

Every text cell a spreadsheet would read as a formula (it starts with ``=``, ``+``,
``-``, ``@``, tab or carriage return) gets a leading single quote, as OWASP's "CSV
Injection" page recommends (https://owasp.org/www-community/attacks/CSV_Injection), in
CSV and XLSX alike. Times are ISO 8601 in the site's zone (``TIME_ZONE``) with its UTC
offset: the same instant the admin shows.

The package, by part:

- :mod:`.layouts`: the columns of each layout (full, Mailchimp, Ghost) and who they hold;
- :mod:`.expressions`: the SQL that neutralises formulas and formats times in the database;
- :mod:`.queries`: the rows themselves, their count, and the command's and dashboard's filters;
- :mod:`.writers`: CSV chunks and the XLSX file, written by :mod:`.spreadsheetml`;
- :mod:`.audit`: the export log, with addresses in search terms masked;
- :mod:`.changes`: the change export since a previous export (Mailchimp and Ghost).

Callers use this package's names (``from signups import export; export.rows(...)``).
"""

from ..formulas import neutralize
from . import changes
from .audit import log_export, mask_email, recorded_filters
from .expressions import LocalIsoTime, Neutralized
from .layouts import (
    DEFAULT_STATUSES,
    INCLUDE_SOURCE_HELP,
    INCLUDE_SOURCE_LABEL,
    PRESETS,
    Column,
    Preset,
    get_preset,
)
from .queries import CHUNK_SIZE, count, filter_subscribers, rows, start_of_day
from .writers import FORMATS, XLSX_MAX_ROWS, TooManyRows, check_xlsx, csv_chunks, write_xlsx

__all__ = [
    "CHUNK_SIZE",
    "DEFAULT_STATUSES",
    "FORMATS",
    "INCLUDE_SOURCE_HELP",
    "INCLUDE_SOURCE_LABEL",
    "PRESETS",
    "XLSX_MAX_ROWS",
    "Column",
    "LocalIsoTime",
    "Neutralized",
    "Preset",
    "TooManyRows",
    "changes",
    "check_xlsx",
    "count",
    "csv_chunks",
    "filter_subscribers",
    "get_preset",
    "log_export",
    "mask_email",
    "neutralize",
    "recorded_filters",
    "rows",
    "start_of_day",
    "write_xlsx",
]
