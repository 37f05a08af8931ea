"""The subscriber list at a million rows: counts, search and the source filter that stay quick.

Django's admin counts the whole (filtered) list on every page and finds the articles for the
source filter with a ``DISTINCT`` over every subscriber; on PostgreSQL both read the whole
table, seconds at a million rows. Here:

- :class:`EstimatedCountPaginator` counts exactly up to :data:`EXACT_COUNT_LIMIT` rows (a
  bounded count stops there) and above it takes PostgreSQL's planner estimate (``EXPLAIN``,
  https://www.postgresql.org/docs/current/using-explain.html), which the list shows as
  "about N", or for search results says "more than 10,000";
- :func:`search_subscribers` searches the normalised address with ``LIKE`` (served by the
  trigram index of migration 0010, pg_trgm:
  https://www.postgresql.org/docs/current/pgtrgm.html#PGTRGM-INDEX) and the names;
- :class:`SourceArticleFilter` lists the articles with at least one sign-up by asking, per
  article, whether one exists (an index probe each).

SQLite (development) counts exactly: its lists are small.
"""

import json
import math
from functools import cached_property

from django.contrib import admin
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, Q
from django.utils.text import smart_split, unescape_string_literal

from .addresses import normalize_email
from .models import Subscriber

#: Lists up to this many rows are counted exactly; longer ones are estimated. More than the
#: admin's page (100) and its "Show all" (200), so a long list is always paginated.
EXACT_COUNT_LIMIT = 10_000


def planner_estimate(queryset):
    """PostgreSQL's estimate of the rows ``queryset`` returns (an ``int`` >= 0), from
    ``EXPLAIN (FORMAT JSON)``'s top "Plan Rows"; the query itself is not run."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # psycopg returns json as text unless it knows the type
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def rounded(number):
    """``number`` (>= 0) to three significant digits: an estimate claims no more precision."""
    if number < 1000:
        return number
    scale = 10 ** (int(math.log10(number)) - 2)
    return round(number / scale) * scale


class EstimatedCountPaginator(Paginator):
    """A paginator whose :attr:`count` is exact for short lists and estimated for long ones.

    Counting is bounded: at most :data:`EXACT_COUNT_LIMIT` + 1 rows are read to find out
    whether a list is short. A long list's count is then PostgreSQL's estimate
    (``count_is_estimate``: "about N") when ``estimate`` is True, which the admin passes
    for the list and its filters, whose columns PostgreSQL keeps statistics on; for search
    results, whose estimate can be several times off, it is the limit
    (``count_is_lower_bound``: "more than N"). A page past the end of such a list is
    empty rather than an error.
    """

    count_is_estimate = False
    count_is_lower_bound = False

    def __init__(self, *args, estimate=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.estimate = estimate

    @cached_property
    def count(self):
        """Rows in the list (``int``): exact up to :data:`EXACT_COUNT_LIMIT`, else as above."""
        queryset = self.object_list
        if connections[queryset.db].vendor != "postgresql":
            return queryset.count()
        bounded = queryset.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if bounded <= EXACT_COUNT_LIMIT:
            return bounded
        if not self.estimate:
            self.count_is_lower_bound = True
            return EXACT_COUNT_LIMIT
        self.count_is_estimate = True
        return max(rounded(planner_estimate(queryset)), bounded)

    def validate_number(self, number):
        """The page number as an ``int``; past the end of an estimated list, an empty page."""
        try:
            return super().validate_number(number)
        except EmptyPage:
            if not (self.count_is_estimate or self.count_is_lower_bound) or int(number) < 1:
                raise
            # Any page past the end is the same empty page (and a huge number no OFFSET).
            return self.num_pages + 1


def search_subscribers(queryset, search_term):
    """``queryset`` narrowed to people matching every word of ``search_term`` (as Django's
    admin search does: words split by spaces, quoted phrases kept whole).

    A word matches a person whose normalised address contains it, lower-cased (the
    address is stored lower-case, its domain in ASCII: :func:`signups.addresses.normalize_email`), or whose
    first or last name contains it in any case. Returns a queryset.
    """
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        bit = bit.strip()
        if not bit:
            continue
        queryset = queryset.filter(
            Q(email_normalized__contains=_address_key(bit))
            | Q(first_name__icontains=bit)
            | Q(last_name__icontains=bit)
        )
    return queryset


def _address_key(word):
    """``word`` as it appears in stored addresses: a whole address normalised (its domain in
    ASCII, so ``jo@bücher.example`` finds ``jo@xn--bcher-kva.example``), any other word
    lower-cased."""
    try:
        return normalize_email(word)
    except ValueError:
        return word.lower()


class SourceArticleFilter(admin.RelatedOnlyFieldListFilter):
    """The source article filter, offering only articles someone signed up from.

    Django's version finds them with ``SELECT DISTINCT source_article_id`` over the whole
    list; asking each article whether a sign-up exists reads one index entry per article.
    """

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        used = Q(Exists(Subscriber.objects.filter(source_article=OuterRef("pk"))))
        return field.get_choices(include_blank=False, limit_choices_to=used, ordering=ordering)
