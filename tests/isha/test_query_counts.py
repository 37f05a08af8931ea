"""Every public page runs a fixed number of queries, however many rows it shows.

Each page is requested with a little content (``SMALL`` of everything), then with more
(``LARGE``), and the second request may run no more queries than the first. A query
per article, topic, citation or note shown would make the second count larger.

:class:`Library` builds the content and is shared with ``test_admin_query_counts``.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.citations import marker_for
from articles.models import Article, Image, Page, ReaderFeedback, SiteSettings, UpdateNote
from articles.reader_parts import store_parts
from signups.models import ErasureLog, SignupEvent, SignupFormCopy, SignupFormCopyVersion
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CitationFactory,
    RelatedArticleFactory,
    ReviewerFactory,
    SourceFactory,
    SubscriberFactory,
    TopicFactory,
)

SMALL, LARGE = 2, 8


def optional_model(app_label, model_name):
    """The model if this tree has it (models are added while others work), else None."""
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


class Library:
    """Content around one topic, author and reviewer, grown a few rows at a time.

    ``article`` is the page-rich article: each :meth:`grow` gives it more citations,
    editor's picks and update notes, and adds to every list the public pages and the
    admin show (published articles in the topic by the author and reviewer, with a
    draft, scheduled or archived one beside each; sources; topics; authors; reviewers;
    subscribers with their history; form copy versions; erasure and export logs).
    """

    HIDDEN_TRAITS = ({"draft": True}, {"scheduled": True}, {"archived": True})

    def __init__(self, staff_user=None):
        self.staff_user = staff_user
        self.count = 0
        SiteSettings.load()
        self.copy = SignupFormCopy.load()
        self.topic = TopicFactory(name="Depression", description="Low mood that lasts.")
        self.author = AuthorFactory(name="Dr Writer", bio="<p>Writes about mood.</p>")
        self.reviewer = ReviewerFactory(name="Dr Checker")
        self.article = self.published_article(title="Ketamine for depression")
        # Cited by every article: its admin page lists all of them.
        self.shared_source = SourceFactory(title="A shared trial", journal="J Example", year=2020)
        CitationFactory(article=self.article, source=self.shared_source)
        self.subscriber = SubscriberFactory(
            email="reader@example.com", source_article=self.article, consent_version=self.copy.current_version
        )

    def published_article(self, **kwargs):
        article = ArticleFactory(
            author=self.author,
            reviewed_by=self.reviewer,
            reviewed_at=timezone.now() - timedelta(days=3),
            updated_on=timezone.localdate(),
            body="<h2>What it is</h2><p>Ketamine and the article's subject.</p><h2>Evidence</h2><p>Text.</p>",
            **kwargs,
        )
        article.topics.add(self.topic)
        return article

    def grow(self, count):
        for _ in range(count):
            self._add_one()
        self._cite_everything_in_the_body()
        return self

    def _add_one(self):
        self.count += 1
        n = self.count
        other_topic = TopicFactory()
        article = self.published_article()
        article.topics.add(other_topic)
        hidden = ArticleFactory(author=AuthorFactory(), **self.HIDDEN_TRAITS[n % len(self.HIDDEN_TRAITS)])
        hidden.topics.add(self.topic)
        ReviewerFactory()

        source = SourceFactory(authors="Smith J", title=f"Study {n}", journal="J Example", year=2000 + n)
        CitationFactory(article=self.article, source=source)
        CitationFactory(article=article, source=source)
        CitationFactory(article=article, source=self.shared_source)
        CitationFactory(article=hidden, source=SourceFactory())
        RelatedArticleFactory(from_article=self.article, to_article=article)
        RelatedArticleFactory(from_article=article, to_article=self.article)
        UpdateNote.objects.create(article=self.article, text=f"Added study {n}.", is_correction=n % 2 == 0)
        Image.objects.create(file=f"library/grown-{n}.jpg", width=40, height=20, alt_text=f"Image {n}")
        Page.objects.create(title=f"Page {n}", body=f"<p>Page {n}.</p>", status=Page.Status.PUBLISHED)
        ReaderFeedback.objects.create(
            article=article, article_version=1, kind=ReaderFeedback.Kind.PROBLEM, message=f"Typo {n}."
        )

        version = SignupFormCopyVersion.objects.create(
            heading=f"Heading {n}", intro="", button_label="Sign up"
        )
        subscriber = SubscriberFactory(
            source_article=article, source_path=article.get_absolute_url(), consent_version=version
        )
        for kind in (SignupEvent.Kind.SIGNED_UP, SignupEvent.Kind.EMAILED):
            SignupEvent.objects.create(
                subscriber=subscriber, kind=kind, article=article, copy_version=version
            )
        SignupEvent.objects.create(
            subscriber=self.subscriber, path=article.get_absolute_url(), article=article, copy_version=version
        )
        ErasureLog.objects.create(staff=self.staff_user, staff_name="admin", via="admin", subscribers=1)
        expired = optional_model("signups", "ExpiredSignupCount")
        if expired is not None:
            expired.objects.create(day=timezone.localdate() - timedelta(days=n), status="pending", count=n)
        export_log = optional_model("signups", "ExportLog")
        if export_log is not None:
            export_log.objects.create(
                user=self.staff_user,
                user_name="admin",
                via="admin",
                format="csv",
                preset="full",
                filters={"status__exact": "confirmed"},
                row_count=n,
            )

    def _cite_everything_in_the_body(self):
        """Markers for the article's sources in its body, so the reference list is numbered."""
        markers = " ".join(
            marker_for(pk) for pk in self.article.citations.values_list("source_id", flat=True)
        )
        Article.objects.filter(pk=self.article.pk).update(body=f"<h2>Claims</h2><p>Studies {markers}.</p>")
        # What articles.publishing stores once a change commits: the page reads it.
        store_parts([self.article.pk])


def assert_fixed_query_count(
    client, url, library, django_assert_max_num_queries, record_property, *, allowance=0, **get
):
    """GET ``url`` with ``SMALL`` and with ``LARGE`` rows; the second may not run more
    queries (plus ``allowance``, for a known per-row cost the caller accounts for).

    Returns both responses. A first request warms what a process caches once (content
    types, the site settings row) so the small count is the steady one.
    """
    library.grow(SMALL)
    client.get(url(library), **get)
    with CaptureQueriesContext(connection) as small:
        small_response = client.get(url(library), **get)
    # Copied now: captured_queries is a window on the connection's log, which later
    # queries move once the log is full.
    small_count = len(small.captured_queries)
    assert small_response.status_code == 200, small_response

    library.grow(LARGE - SMALL)
    with django_assert_max_num_queries(small_count + allowance) as large:
        large_response = client.get(url(library), **get)
    assert large_response.status_code == 200, large_response
    record_property("queries", f"{small_count} with {SMALL} rows, {len(large.captured_queries)} with {LARGE}")
    return small_response, large_response


def _content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


PUBLIC_PAGES = {
    "home": lambda lib: reverse("articles:list"),
    "article-detail": lambda lib: lib.article.get_absolute_url(),
    "topic": lambda lib: lib.topic.get_absolute_url(),
    "author": lambda lib: lib.author.get_absolute_url(),
    "reviewer": lambda lib: lib.reviewer.get_absolute_url(),
    "search": lambda lib: reverse("articles:search") + "?q=ketamine",
    "signup": lambda lib: reverse("signups:signup"),
    "feed-rss": lambda lib: reverse("articles:feed-rss"),
    "feed-atom": lambda lib: reverse("articles:feed-atom"),
    "topic-feed-rss": lambda lib: reverse("articles:topic-feed-rss", kwargs={"slug": lib.topic.slug}),
    "topic-feed-atom": lambda lib: reverse("articles:topic-feed-atom", kwargs={"slug": lib.topic.slug}),
    "sitemap": lambda lib: reverse("sitemap"),
    "robots": lambda lib: reverse("robots"),
}


def shows_articles(response):
    """A list of article cards: the page-rich article and the LARGE published ones."""
    assert len(response.context["articles"]) == LARGE + 1


def shows_the_article_with_everything_attached(response):
    context = response.context
    assert context["parts"]["source_count"] == LARGE + 1  # its own studies and the shared one
    assert _content(response).decode().count('<li id="source-') == LARGE + 1
    assert len(context["related"]) == LARGE
    assert len(context["update_notes"]) == LARGE
    assert [topic.name for topic in context["topics"]] == ["Depression"]


def links_every_article(response):
    assert _content(response).decode().count("/articles/") >= LARGE + 1


def shows_the_form(response):
    assert b'name="email"' in response.content


def names_the_sitemap(response):
    assert b"/sitemap.xml" in response.content


# What each page must show once the library has grown, so no test passes on an empty page.
SHOWS_THE_ROWS = {
    "home": shows_articles,
    "article-detail": shows_the_article_with_everything_attached,
    "topic": shows_articles,
    "author": shows_articles,
    "reviewer": shows_articles,
    "search": shows_articles,
    "signup": shows_the_form,
    "feed-rss": links_every_article,
    "feed-atom": links_every_article,
    "topic-feed-rss": links_every_article,
    "topic-feed-atom": links_every_article,
    "sitemap": links_every_article,
    "robots": names_the_sitemap,
}


@pytest.mark.django_db
# Not named "page": pytest-playwright has a fixture of that name.
@pytest.mark.parametrize("public_page", list(PUBLIC_PAGES))
def test_a_public_page_runs_the_same_queries_however_many_rows_it_shows(
    public_page, client, settings, django_assert_max_num_queries, record_property
):
    settings.ARTICLES_PER_PAGE = 20  # every row on the first page
    library = Library()

    _, response = assert_fixed_query_count(
        client, PUBLIC_PAGES[public_page], library, django_assert_max_num_queries, record_property
    )

    SHOWS_THE_ROWS[public_page](response)
