"""What converts: sign-ups per day and week, the confirmation rate, the articles that bring them.

Counted over the same queryset as the export (:func:`signups.export.filter_subscribers`
with the period's dates), so the dashboard's numbers are the export's row counts for the
same filters. Every sign-up counts, whatever became of it: erased people keep their
anonymous row for exactly this. The counts are exact at any size: two queries over the
period, read from the index on (sign-up time, confirmation time, source article) alone.
They are read from the reporting database (:func:`signups.routing.reporting_database`):
the read replica when there is one.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import Article

from .export import filter_subscribers, start_of_day
from .models import Subscriber
from .routing import reporting_database

TOP_ARTICLES = 10


@dataclass
class Bar:
    label: str
    count: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class AxisLabel:
    """A date under the x axis: ``x`` in percent of the chart's width, ``anchor`` the SVG
    ``text-anchor`` keeping it inside the chart, ``middle`` True for those between the
    first and the last (left out on narrow screens, where they would overlap)."""

    label: str
    x: float
    anchor: str
    middle: bool


@dataclass
class Chart:
    """A bar chart's geometry, drawn as SVG by the template (no script, no CDN).

    Horizontal positions (``x``, ``width``, ``left``, ``right``) are percentages of the
    chart's width and vertical ones (``y``, ``height``, ``top``, ``bottom``) pixels: the
    SVG has no ``viewBox``, so it fills any width without scaling its text, which stays
    readable on a 390 px phone.
    """

    title: str
    summary: str
    bars: list
    height: int = 220
    top: int = 20
    bottom: int = 30
    left: float = 10
    right: float = 1

    @property
    def maximum(self):
        return max((bar.count for bar in self.bars), default=0)

    @property
    def baseline(self):
        return self.height - self.bottom

    @property
    def axis_labels(self):
        """The bars labelled under the axis: the first, the last and a few between, as
        :class:`AxisLabel`; the first starts at its bar and the last ends at its bar, so
        neither is cut off at the chart's edges."""
        if not self.bars:
            return []
        step = max(1, len(self.bars) // 6)
        picked = self.bars[::step]
        if picked[-1] is not self.bars[-1]:
            # The last date ends at its bar, so a picked bar less than a step before it
            # would print over it: the last takes that one's place.
            if len(picked) > 1:
                picked.pop()
            picked.append(self.bars[-1])
        labels = []
        for index, bar in enumerate(picked):
            first, last = index == 0, index == len(picked) - 1
            if last and len(picked) > 1:
                x, anchor = bar.x + bar.width, "end"
            elif first:
                x, anchor = bar.x, "start"
            else:
                x, anchor = bar.x + bar.width / 2, "middle"
            labels.append(AxisLabel(bar.label, round(x, 3), anchor, middle=not (first or last)))
        return labels

    def layout(self):
        plot_width = 100 - self.left - self.right
        plot_height = self.baseline - self.top
        slot = plot_width / max(len(self.bars), 1)
        for index, bar in enumerate(self.bars):
            bar.width = round(max(slot * 0.8, 0.2), 3)
            bar.x = round(self.left + index * slot + slot * 0.1, 3)
            bar.height = round(plot_height * bar.count / self.maximum, 2) if self.maximum else 0
            bar.y = round(self.baseline - bar.height, 2)
        return self


def default_period(today=None):
    """The last 30 days, today included, in the site's zone."""
    today = today or timezone.localdate()
    return today - timedelta(days=29), today


def stats(since, until, queryset=None):
    """The dashboard's numbers for sign-ups from ``since`` to ``until`` (dates, both included).

    ``queryset`` defaults to every subscriber, read from :func:`reporting_database`.
    """
    if queryset is None:
        queryset = Subscriber.objects.using(reporting_database())
    queryset = filter_subscribers(queryset, since=since, until=until).order_by()
    tz = timezone.get_current_timezone()
    # One pass gives each day's sign-ups and confirmations; the period's totals are their sums.
    days_counted = (
        queryset.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values_list("day")
        .annotate(n=Count("*"), confirmed=Count("confirmed_at"))
        .values_list("day", "n", "confirmed")
    )
    per_day, total, confirmed = {}, 0, 0
    for day, count, confirmed_that_day in days_counted:
        per_day[day] = count
        total += count
        confirmed += confirmed_that_day
    days = [since + timedelta(days=offset) for offset in range((until - since).days + 1)]
    weeks = {}
    for day in days:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + per_day.get(day, 0)
    return {
        "since": since,
        "until": until,
        "start": start_of_day(since),
        "end": start_of_day(until + timedelta(days=1)),
        "total": total,
        "confirmed": confirmed,
        "rate": confirmed / total if total else None,
        "daily": _chart("Sign-ups per day", days, per_day, "day"),
        "weekly": _chart("Sign-ups per week", list(weeks), weeks, "week starting"),
        "top_articles": _top_articles(queryset),
    }


def _top_articles(queryset):
    """The :data:`TOP_ARTICLES` articles that brought the most of ``queryset``'s sign-ups,
    most first (ties by title): dicts of ``source_article__pk``, ``source_article__title``,
    ``source_article__slug``, ``signups`` and ``confirmed``.

    Counted per article id without joining the articles (a pass over the index alone, in
    parallel on PostgreSQL); the titles of the articles counted are read afterwards.
    """
    counts = (
        queryset.exclude(source_article=None)
        .values_list("source_article")
        .annotate(signups=Count("*"), confirmed=Count("confirmed_at"))
        .values_list("source_article", "signups", "confirmed")
    )
    counted = {pk: (signups, confirmed) for pk, signups, confirmed in counts}
    articles = Article.objects.using(queryset.db).filter(pk__in=counted).values_list("pk", "title", "slug")
    rows = [
        {
            "source_article__pk": pk,
            "source_article__title": title,
            "source_article__slug": slug,
            "signups": counted[pk][0],
            "confirmed": counted[pk][1],
        }
        for pk, title, slug in articles
    ]
    rows.sort(key=lambda row: (-row["signups"], row["source_article__title"]))
    return rows[:TOP_ARTICLES]


def _chart(title, keys, counts, unit):
    bars = [Bar(label=key.isoformat(), count=counts.get(key, 0)) for key in keys]
    if bars:
        busiest = max(bars, key=lambda bar: bar.count)
        summary = (
            f"{sum(bar.count for bar in bars)} sign-ups over {len(bars)} "
            f"{'days' if unit == 'day' else 'weeks'}, from {bars[0].label} to {bars[-1].label}; "
            f"the most in one {unit.split()[0]} was {busiest.count} ({unit} {busiest.label})."
        )
    else:
        summary = "No days in this period."
    return Chart(title=title, summary=summary, bars=bars).layout()
