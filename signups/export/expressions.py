"""Database expressions that let the database, not Python, prepare a million export cells."""

from collections.abc import Sequence
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func
from django.db.models.sql.compiler import SQLCompiler

from ..formulas import FORMULA_CODES, FORMULA_PREFIXES

# What as_sql() returns: the SQL, and the parameters it needs.
Sql = tuple[str, tuple[Any, ...]]


class Neutralized(Func):
    """SQL for :func:`signups.formulas.neutralize`: the text with a leading ``'`` if it starts like a formula.

    ``NULL`` becomes an empty string. Done by the database, so that a million rows are
    not looked at one cell at a time in Python.
    """

    output_field = CharField()

    def _case(self, compiler: SQLCompiler, first: str, values: Sequence[str | int]) -> Sql:
        """``first`` is SQL for the text's first character (``{sql}`` stands for the text)."""
        sql, params = compiler.compile(self.source_expressions[0])
        marks = ", ".join(["%s"] * len(values))
        first = first.format(sql=sql)
        return (
            f"CASE WHEN {first} IN ({marks}) THEN '''' || {sql} ELSE COALESCE({sql}, '') END",
            (*params, *values, *params, *params),
        )

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, *args: Any, **kwargs: Any
    ) -> Sql:
        return self._case(compiler, "SUBSTR({sql}, 1, 1)", FORMULA_PREFIXES)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **kwargs: Any) -> Sql:
        # Comparing code points is several times faster than comparing one-letter strings.
        return self._case(compiler, "ASCII({sql})", FORMULA_CODES)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **kwargs: Any) -> Sql:
        return self._case(compiler, "UNICODE({sql})", FORMULA_CODES)


class LocalIsoTime(Func):
    """PostgreSQL: a time as ``datetime.isoformat()`` writes it in ``zone``, offset included.

    ``expression`` names a time field and ``zone`` is an IANA zone name
    (``America/New_York``): ``2026-01-15T07:00:00-05:00``, with ``.ffffff`` only when
    there are microseconds; ``NULL`` becomes an empty string. Other databases raise
    ``NotSupportedError``: there :func:`signups.export.rows` formats the time in Python.
    """

    output_field = CharField()

    def __init__(self, expression: str, zone: str) -> None:
        super().__init__(expression)
        self.zone = zone

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, *args: Any, **kwargs: Any
    ) -> Sql:
        raise NotSupportedError("LocalIsoTime is for PostgreSQL only.")

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **kwargs: Any) -> Sql:
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
