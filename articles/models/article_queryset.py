"""The questions asked of many articles at once: what readers see, what is scheduled,
what a list shows, what to read next and what needs a medical review."""

from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, When
from django.utils import timezone

from ..review_dates import overdue_cutoff

#: What an article card shows (``includes/article_card.html``), and the ordering's column.
CARD_FIELDS = (
    "pk",  # first: reading_next() selects the others after it
    "slug",
    "title",
    "summary",
    "published_at",
    "published_on",
    "hero_image",
    "hero_renditions",
    "thumbnail",
    "thumbnail_renditions",
)


# The statement of ArticleQuerySet.reading_next(): "visible" is published() (status
# published, publication time reached) and not the article itself.
_READING_NEXT_SQL = """
SELECT a.id, {columns}, r.position AS pick_position, r.id AS pick_id, {shares_a} AS shares_topic
FROM {article} a
LEFT JOIN {related} r ON r.to_article_id = a.id AND r.from_article_id = %s
WHERE a.status = %s AND a.published_at <= %s AND a.id <> %s
AND (
    r.id IS NOT NULL
    OR a.id IN (
        SELECT b.id FROM {article} b
        WHERE b.status = %s AND b.published_at <= %s AND b.id <> %s AND {shares_b}
        AND NOT EXISTS (SELECT 1 FROM {related} p WHERE p.to_article_id = b.id AND p.from_article_id = %s)
        ORDER BY b.published_at DESC, b.id DESC LIMIT %s
    )
    OR a.id IN (
        SELECT b.id FROM {article} b
        WHERE b.status = %s AND b.published_at <= %s AND b.id <> %s
        AND NOT EXISTS (SELECT 1 FROM {related} p WHERE p.to_article_id = b.id AND p.from_article_id = %s)
        ORDER BY b.published_at DESC, b.id DESC LIMIT %s
    )
)
"""


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles readers may see: status published and publication time reached.

        This is the only definition of "visible to readers"; every public list, page,
        feed and link goes through it.
        """
        now = now or timezone.now()
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=now)

    def scheduled(self, now=None):
        """Published articles whose publication time is still to come."""
        now = now or timezone.now()
        return self.filter(status=self.model.Status.PUBLISHED, published_at__gt=now)

    def lead_story_first(self):
        """The same articles, newest first, but with the lead story first: the newest
        featured article among them, or (none being featured) simply the newest.

        Call it on ``published()``. The lead is chosen by a subquery of the same query, so
        a page costs no extra query and pagination stays consistent: the lead opens page 1
        and is not repeated later.
        """
        lead = self.filter(featured=True).order_by("-published_at", "-pk").values("pk")[:1]
        return self.annotate(
            is_lead=Case(When(pk__in=lead, then=1), default=0, output_field=IntegerField())
        ).order_by("-is_lead", "-published_at", "-pk")

    def with_listing_data(self):
        """Select what a list of article cards shows, in one query."""
        return self.select_related("author")

    def for_cards(self):
        """Only the columns an article card shows (``includes/article_card.html``)."""
        return self.only(*CARD_FIELDS)

    def reading_next(self, article, topic_ids, related_count, latest_count, now=None):
        """``(related, latest)`` for ``article``'s page, two lists of card-ready articles
        (:data:`CARD_FIELDS`), in one query. ``related`` is what :meth:`related_to` gives:
        the editor's published picks in order, then the newest published articles sharing
        one of ``topic_ids`` (the article's topics) up to ``related_count``; ``latest`` the
        newest ``latest_count`` published articles that are neither ``article`` nor related.
        ``now`` (an aware datetime in any zone; the current time by default) is the instant
        visibility is judged at, as in :meth:`published`.

        One query selects the picks, the ``related_count`` newest others sharing a topic
        and the ``latest_count + related_count`` newest others (each a ``LIMIT``
        subquery; only ``related_count`` of the newest can be taken as related, so that
        many are enough); Python then orders them as the two lists want. It is written
        in SQL (standard SQL that PostgreSQL and SQLite both run) because the ORM took
        several milliseconds of CPU to compile the same statement on every page view.
        Visibility is :meth:`published`'s rule, repeated in :data:`_READING_NEXT_SQL`.
        """
        now = now or timezone.now()
        model, through = self.model, self.model.topics.through
        related_table = model._meta.get_field("related_links").related_model._meta.db_table
        shares = (
            f"EXISTS (SELECT 1 FROM {through._meta.db_table} t WHERE t.article_id = {{a}}.id"
            f" AND t.topic_id IN ({', '.join(['%s'] * len(topic_ids))}))"
            if topic_ids
            else "1 = 0"
        )
        sql = _READING_NEXT_SQL.format(
            columns=", ".join(
                f"a.{model._meta.get_field(name).column}" for name in CARD_FIELDS if name != "pk"
            ),
            article=model._meta.db_table,
            related=related_table,
            shares_a=shares.format(a="a"),
            shares_b=shares.format(a="b"),
        )
        # raw() binds each parameter as the ORM would (adapt_unknown_value): on SQLite an aware
        # time becomes the naive UTC text the column holds, so any zone compares correctly.
        visible = [model.Status.PUBLISHED.value, now, article.pk]
        params = [
            *topic_ids,
            article.pk,
            *visible,
            *visible,
            *topic_ids,
            article.pk,
            related_count,
            *visible,
            article.pk,
            latest_count + related_count,
        ]
        rows = list(model.objects.raw(sql, params).using(self.db))
        picked = (a for a in rows if a.pick_id is not None)
        chosen = sorted(picked, key=lambda a: (a.pick_position, a.pick_id))
        rest = sorted((a for a in rows if a.pick_id is None), key=lambda a: (a.published_at, a.pk))[::-1]
        chosen += [a for a in rest if a.shares_topic][: max(related_count - len(chosen), 0)]
        taken = {a.pk for a in chosen}
        return chosen, [a for a in rest if a.pk not in taken][:latest_count]

    def related_to(self, article, count):
        """``article``'s related reading: the editor's picks in order, then articles
        sharing a topic (newest first) until there are ``count``. Never ``article``
        itself; call it on ``published()`` so nothing unpublished is offered. Returns a
        list, in two queries."""
        picks = list(
            self.with_listing_data()
            .filter(incoming_related__from_article=article)
            .exclude(pk=article.pk)
            .order_by("incoming_related__position", "incoming_related__pk")
        )
        missing = count - len(picks)
        if missing > 0:
            picks += list(
                self.with_listing_data()
                .filter(topics__in=article.topics.all())
                .exclude(pk__in=[article.pk, *(a.pk for a in picks)])
                .distinct()[:missing]
            )
        return picks

    def review_due(self, months, now=None):
        """Articles needing a medical review: never reviewed, changed since the sign-off,
        or with a sign-off overdue at ``now`` (its due date, ``months`` calendar months
        after it, has passed: ``articles.review_dates``), or citing a source the registries
        flagged since the sign-off (:meth:`citing_flagged_sources`)."""
        today = timezone.localdate(now) if now else None
        return self.filter(
            Q(reviewed_at__isnull=True)
            | Q(review_outdated=True)
            | Q(reviewed_at__lt=overdue_cutoff(months, today))
            | self._cites_flagged_source()
        )

    def needs_sign_off(self):
        """What a reviewer can act on now (the admin index's "Needs medical review"): never
        reviewed, changed since the sign-off, or citing a source flagged since; not archived."""
        needs = Q(reviewed_at__isnull=True) | Q(review_outdated=True) | self._cites_flagged_source()
        return self.filter(needs).exclude(status=self.model.Status.ARCHIVED)

    def citing_flagged_sources(self):
        """Reviewed articles citing a source that ``check_sources`` found retracted,
        corrected or under an expression of concern after the article's sign-off."""
        return self.filter(self._cites_flagged_source())

    def _cites_flagged_source(self):
        citations = self.model._meta.get_field("citations").related_model.objects
        return Exists(
            citations.filter(article=OuterRef("pk"), source__registry_flagged_at__gt=OuterRef("reviewed_at"))
        )
