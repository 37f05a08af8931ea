"""The export's rows: what is asked of the database, and how each row is finished in Python."""

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, OuterRef, QuerySet, StringAgg, Subquery, Value
from django.utils import timezone

from ..formulas import neutralize
from ..models import Subscriber
from .expressions import LocalIsoTime, Neutralized
from .layouts import TOPICS, Column, Preset, get_preset

CHUNK_SIZE = 2000

# How one column's cell is made: (how, compute, index or indexes into the fetched values).
CellPlan = tuple[str, Callable[..., str] | None, Any]


def _plan(column: Column, ask: Callable[[Any, Any], int], zone_key: str, in_sql: bool) -> CellPlan:
    """How to make ``column``'s cell; ``ask(expression, key)`` adds what to fetch, once per key."""
    field = column.fields[0] if column.fields else ""
    if column.kind == "computed":
        return ("computed", column.compute, [ask(F(name), name) for name in column.fields])
    if column.kind == "text":
        return ("as is", None, ask(Neutralized(field), ("text", field)))
    if column.kind == "time" and in_sql:
        return ("as is", None, ask(LocalIsoTime(field, zone_key), ("time", field)))
    if column.kind == "time":
        return ("time", None, ask(F(field), field))
    return ("as is", None, ask(F(field), field))


def _select(
    columns: Sequence[Column], connection: BaseDatabaseWrapper
) -> tuple[list[Any], Callable[[Sequence[Any]], list[Any]] | None]:
    """What to ask the database for, and how to finish each row in Python (``None``: as it comes).

    Text is neutralised by the database; times are formatted by PostgreSQL, or in
    Python elsewhere; computed columns (Ghost's name) are made in Python.
    """
    zone = timezone.get_current_timezone()
    expressions: list[Any] = []
    keys: list[Any] = []

    def ask(expression: Any, key: Any) -> int:
        if key not in keys:
            keys.append(key)
            expressions.append(expression)
        return keys.index(key)

    plan = [_plan(column, ask, zone.key, connection.vendor == "postgresql") for column in columns]
    if all(how == "as is" and index == position for position, (how, _, index) in enumerate(plan)):
        return expressions, None

    def cell(how: str, compute: Callable[..., str] | None, index: Any, values: Sequence[Any]) -> Any:
        if how == "as is":
            return values[index]
        if how == "time":
            return _local_iso(values[index], zone)
        assert compute is not None  # only computed columns get here
        return neutralize(compute(*(values[i] for i in index)))

    return expressions, lambda values: [cell(*spec, values) for spec in plan]


def _local_iso(value: datetime | None, zone: tzinfo) -> str:
    """``value`` in ISO 8601 in ``zone``; in UTC if ``zone``'s calendar cannot hold it (years 1 and 9999)."""
    if value is None:
        return ""
    try:
        return value.astimezone(zone).isoformat()
    except OverflowError:
        return value.astimezone(UTC).isoformat()


def with_topics(queryset: QuerySet[Subscriber]) -> QuerySet[Subscriber]:
    """``queryset`` annotated with ``newsletter_topics``: the chosen topics' names joined by
    commas (``None`` for none), one subquery per row in the same query. In name order where
    the database can order an aggregate (PostgreSQL; SQLite's ``group_concat`` cannot)."""
    ordered = connections[queryset.db].features.supports_aggregate_order_by_clause
    if ordered:
        names = StringAgg("topic__name", Value(","), order_by="topic__name")
    else:
        names = StringAgg("topic__name", Value(","))
    chosen = (
        Subscriber.topics.through.objects.filter(subscriber=OuterRef("pk"))
        .values("subscriber")
        .annotate(names=names)
        # The stubs' plugin does not see the annotation just made.
        .values("names")  # type: ignore[misc]
    )
    return queryset.annotate(**{TOPICS: Subquery(chosen)})


def rows(
    queryset: QuerySet[Subscriber],
    preset: str | Preset = "full",
    *,
    include_source: bool = False,
    header: bool = True,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[Sequence[Any]]:
    """Yield the export of ``queryset`` in ``preset``: the header row, then one row per subscriber.

    Cells are plain values (strings, and integers or ``None`` for the copy version), ready
    for a CSV or XLSX writer. Mailing presets keep only confirmed subscribers with an
    address, whatever ``queryset`` holds. The columns saying where each person signed up
    (:attr:`Column.source`: page, article, UTM values, referrer, Mailchimp's Tags, Ghost's
    note and labels) are left out unless ``include_source``. Rows keep ``queryset``'s
    order; they are read ``chunk_size`` at a time. Raises ``ValueError`` for an unknown
    preset name.
    """
    preset = get_preset(preset)
    queryset = preset.restrict(queryset)
    columns = preset.columns_for(include_source=include_source)
    if any(TOPICS in column.fields for column in columns):
        queryset = with_topics(queryset)
    expressions, finish = _select(columns, connections[queryset.db])
    if header:
        yield [column.header for column in columns]
    values = queryset.values_list(*expressions).iterator(chunk_size=chunk_size)
    if finish is None:
        yield from values
    else:
        for row in values:
            yield finish(row)


def count(queryset: QuerySet[Subscriber], preset: str | Preset = "full") -> int:
    """How many data rows :func:`rows` would yield for ``queryset``."""
    return get_preset(preset).restrict(queryset).count()


def filter_subscribers(
    queryset: QuerySet[Subscriber],
    *,
    statuses: Collection[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    source: str | None = None,
) -> QuerySet[Subscriber]:
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


def start_of_day(day: date) -> datetime:
    """Midnight starting ``day`` in the site's zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))
