"""The questions asked of many articles at once: what readers see, what is scheduled,
what a list shows, what to read next and what needs a medical review."""

from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, When
from django.utils import timezone

from ..review_dates import overdue_cutoff

#: What an article card shows (``includes/article_card.html``), and the ordering's column.
CARD_FIELDS = (
    "pk",
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

    def reading_next(self, article, topic_ids, related_count, latest_count):
        """``(related, latest)`` for ``article``'s page, two lists of card-ready articles,
        in one query. ``related`` is what :meth:`related_to` gives; ``latest`` the newest
        ``latest_count`` articles that are neither ``article`` nor in ``related``.
        ``topic_ids`` are the article's topics. Call it on ``published()``.

        One query selects the editor's picks, the ``related_count`` newest articles
        sharing a topic and the ``latest_count + related_count`` newest of the others
        (each a ``LIMIT`` subquery); Python then orders them as the two lists want. The
        newest others are enough: only ``related_count`` of them can be taken as related.
        """
        others = self.exclude(pk=article.pk)
        picks = article.related_links.filter(to_article=OuterRef("pk")).order_by("position", "pk")
        not_picked = others.exclude(Exists(picks))
        shares_topic = Exists(
            self.model.topics.through.objects.filter(article_id=OuterRef("pk"), topic_id__in=topic_ids)
        )
        newest = ["-published_at", "-pk"]
        rows = list(
            others.for_cards()
            .filter(
                Exists(picks)
                | Q(pk__in=not_picked.filter(shares_topic).order_by(*newest).values("pk")[:related_count])
                | Q(pk__in=not_picked.order_by(*newest).values("pk")[: latest_count + related_count])
            )
            .annotate(
                pick_position=Subquery(picks.values("position")[:1]),
                pick_id=Subquery(picks.values("pk")[:1]),
                shares_topic=shares_topic,
            )
        )
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
