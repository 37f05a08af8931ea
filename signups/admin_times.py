"""Times in the sign-up admin that render whatever the database holds.

A row written by a script, a restore or an old import can hold a time such as
0001-01-01 00:00 UTC, which is still year 0 in Los Angeles: Python's dates end at years 1
and 9999, so converting it to the site's zone raises ``OverflowError`` and the page that
shows it answers 500. Django's admin converts every time it shows (list columns, read-only
fields, the date drill-down), so the sign-up admin shows its times through
:func:`shown_time`, :class:`SafeChangeList` and :class:`SafeDateFieldListFilter` instead.

The date drill-down's choices come from :func:`distinct_periods`, which reads one index
entry per year, month or day shown instead of every row (``{% subscriber_date_hierarchy %}``).
"""

from datetime import UTC, datetime, timedelta

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.utils import formats, timezone

# The widest times a filter is given: two days inside Python's calendar, so that every zone
# can convert them. A filter beyond them selects what these do (the same rows, unless a
# row's own time is within two days of year 1 or 9999).
FILTER_FLOOR = datetime(1, 1, 1, tzinfo=UTC) + timedelta(days=2)
FILTER_CEILING = datetime(9999, 12, 31, tzinfo=UTC) - timedelta(days=2)


def shown_time(value: datetime | None) -> str:
    """``value`` as the admin shows times (site's zone, localised); "-" for ``None``.

    A time the site's zone cannot hold is shown in UTC, in ISO 8601 with its offset, rather
    than failing the page.
    """
    if value is None:
        return "-"
    try:
        return formats.localize(timezone.template_localtime(value))
    except (OverflowError, ValueError):
        return value.astimezone(UTC).isoformat(" ") if timezone.is_aware(value) else value.isoformat(" ")


def time_column(field_name: str, description: str):
    """A display method showing ``field_name`` by :func:`shown_time`, sortable by it.

    Assign it to a ``ModelAdmin`` or inline attribute (``created_at_shown =
    time_column("created_at", ...)``) and name that attribute in ``list_display`` or
    ``readonly_fields`` in place of the field.
    """

    @admin.display(description=description, ordering=field_name)
    def show(model_admin, obj):
        return shown_time(getattr(obj, field_name))

    show.__name__ = f"{field_name}_shown"
    return show


def fits_local_calendar(value: datetime | None) -> bool:
    """True if ``value`` (aware) can be converted to the site's zone: between years 1 and 9999 there."""
    if value is None:
        return True
    try:
        timezone.localtime(value)
    except (OverflowError, ValueError):
        return False
    return True


class SafeChangeList(ChangeList):
    """A change list whose date drill-down and filters never fail on awkward times.

    A drill-down to year 9999 makes Django compute a year 10000 (``ValueError``), and a
    filter or lookup time the site's zone cannot convert raises ``OverflowError``: all become
    :class:`IncorrectLookupParameters`, which the admin answers by showing the list
    unfiltered with an error flag. The date drill-down is left out when the list holds a
    time the site's zone cannot show (Django's template tag would fail on it), and for
    search results.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_results(self, request):
        # A lookup on a time no zone can convert (``created_at__year=1`` east of UTC) only
        # fails when the count's SQL is made, after Django's own check of the parameters.
        try:
            super().get_results(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.date_hierarchy and self.query:
            # Search results are offered without the drill-down: finding the first and last
            # time among a few matches walks the whole time index (PostgreSQL cannot tell
            # how rare a match is), seconds at a million rows.
            self.date_hierarchy = None
        if self.date_hierarchy:
            bounds = queryset.aggregate(first=Min(self.date_hierarchy), last=Max(self.date_hierarchy))
            if not all(fits_local_calendar(value) for value in bounds.values()):
                self.date_hierarchy = None
        return queryset


class SafeDateFieldListFilter(admin.DateFieldListFilter):
    """Django's date filter, for parameters typed or edited by hand as well as its own links.

    A value without an offset is read in the site's zone (as the admin shows times); one
    beyond what every zone can convert is moved to the nearest time that can be, which
    selects the same rows (see :data:`FILTER_FLOOR`): ``created_at__gte=9999-12-31
    23:59:59`` is an empty list, not a 500. A value that is not a time stays an invalid
    lookup (Django then shows the list unfiltered with an error flag).
    """

    def queryset(self, request, queryset):
        try:
            self.used_parameters = {
                name: [self._bounded(value) for value in values]
                if name in (self.lookup_kwarg_since, self.lookup_kwarg_until)
                else values
                for name, values in self.used_parameters.items()
            }
        except (ValidationError, ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        return super().queryset(request, queryset)

    def _bounded(self, value):
        moment = self.field.to_python(value)
        if moment is None:
            return value
        if isinstance(moment, datetime) and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return min(max(moment, FILTER_FLOOR), FILTER_CEILING)


def _period_start(moment: datetime, kind: str) -> datetime:
    """The start of the year, month or day (``kind``) holding ``moment``, in the site's zone."""
    day = timezone.localtime(moment).date()
    if kind in ("year", "month"):
        day = day.replace(day=1, **({"month": 1} if kind == "year" else {}))
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _next_period(start: datetime, kind: str) -> datetime:
    naive = timezone.make_naive(start)
    if kind == "year":
        naive = naive.replace(year=naive.year + 1)
    elif kind == "month":
        naive = naive.replace(year=naive.year + naive.month // 12, month=naive.month % 12 + 1)
    else:
        naive += timedelta(days=1)
    return timezone.make_aware(naive)


def distinct_periods(queryset, field_name: str, kind: str) -> list[datetime]:
    """The years, months or days (``kind``) in which ``queryset`` has a ``field_name`` time.

    The same as ``queryset.datetimes(field_name, kind)`` (aware datetimes at the start of
    each period, in the site's zone, oldest first), found by asking for the first time at
    or after the start of each next period: one indexed ``ORDER BY ... LIMIT 1`` per period
    shown, where ``datetimes()``'s ``DISTINCT`` reads every row (seconds at a million
    sign-ups). A period past year 9999 ends the list.
    """
    times = queryset.order_by(field_name).values_list(field_name, flat=True)
    found = []
    moment = times.first()
    while moment is not None:
        try:
            start = _period_start(moment, kind)
            following = _next_period(start, kind)
        except (OverflowError, ValueError):
            break
        found.append(start)
        moment = times.filter(**{f"{field_name}__gte": following}).first()
    return found
