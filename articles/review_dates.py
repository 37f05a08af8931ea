"""When an article's medical sign-off is due again, and when that changes what readers see.

A sign-off on day *R* (in the site's time zone) is due again on *R* plus the site
settings' ``review_interval_months`` calendar months, the day number kept and clamped to
the month's last day (31 January + 1 month = 28 or 29 February). Until that day has
passed, readers see "Next review due <date>"; from the next day on the review is overdue:
readers see only when it was last reviewed and editors see "Review overdue". Regular
review dates are what the NHS England "Standard for creating health content" asks
publishers to show (https://www.england.nhs.uk/publication/standard-for-creating-health-content/).

Only a *current* sign-off has a next review date: one whose body has not changed since
(``review_outdated`` is false); a changed article needs a new sign-off at once.
"""

from calendar import monthrange
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:  # the models import this module (ArticleQuerySet.review_due)
    from .models import Article


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative: back), the day number clamped
    to the last day of the month reached."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def start_of_day(day: date) -> datetime:
    """The aware ``datetime`` at which ``day`` begins in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def due_date(reviewed_at: datetime, months: int) -> date:
    """The day a sign-off at ``reviewed_at`` (aware) is due again, ``months`` months later."""
    return add_months(timezone.localdate(reviewed_at), months)


def next_review_due(article: "Article", months: int) -> date | None:
    """The date ``article``'s current sign-off is due again, or None without a current
    sign-off (never reviewed, or changed since)."""
    if article.reviewed_at is None or article.review_outdated:
        return None
    return due_date(article.reviewed_at, months)


def reader_notice(article: "Article", months: int) -> dict[str, date | None]:
    """What the article page says of the next review: ``next_review_due`` (a date, while
    the current sign-off is not overdue) or ``last_reviewed`` (a date, once it is), the
    other None; both None without a current sign-off."""
    due = next_review_due(article, months)
    if due is not None and due < timezone.localdate():
        return {"next_review_due": None, "last_reviewed": timezone.localdate(article.reviewed_at)}
    return {"next_review_due": due, "last_reviewed": None}


def overdue_cutoff(months: int, today: date | None = None) -> datetime:
    """The aware moment before which a sign-off is overdue on ``today`` (default: today).

    The due date grows with the sign-off date (never backwards, clamping included), so
    the overdue sign-offs are exactly those before the first day whose due date is not
    yet past: a bound a database can compare ``reviewed_at`` with.
    """
    today = today or timezone.localdate()
    first = add_months(today, -months)
    while add_months(first - timedelta(days=1), months) >= today:
        first -= timedelta(days=1)
    while add_months(first, months) < today:
        first += timedelta(days=1)
    return start_of_day(first)


def lapse_moment(reviewed_at: datetime, months: int) -> datetime:
    """The aware moment a sign-off at ``reviewed_at`` becomes overdue: the start of the day
    after its due date."""
    return start_of_day(due_date(reviewed_at, months) + timedelta(days=1))


def next_review_lapse() -> datetime | None:
    """The next aware moment at which a published article's "Next review due" notice
    turns into "Last reviewed", or None: the page cache keeps no page past it
    (``isha.pagecache.register_next_change``). Two queries."""
    from .models import Article, SiteSettings

    months = SiteSettings.load().review_interval_months
    earliest = (
        Article.objects.published()
        .filter(review_outdated=False, reviewed_at__gte=overdue_cutoff(months))
        .order_by("reviewed_at")
        .values_list("reviewed_at", flat=True)
        .first()
    )
    return None if earliest is None else lapse_moment(earliest, months)
