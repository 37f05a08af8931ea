"""The page head: meta description, canonical URL, Open Graph, Twitter cards and JSON-LD."""

from datetime import date, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.demo import demo_image
from articles.derived import refresh_derived_data
from tests.articles.page_head import SITE, Head, get_head
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CitationFactory,
    ReviewerFactory,
    SourceFactory,
    TopicFactory,
    record_sign_off,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_url")]


def test_an_article_page_describes_itself_for_search_engines_and_link_previews(client):
    article = ArticleFactory(
        title="Is ketamine addictive?", summary="  What the <em>evidence</em>\n  says.  "
    )

    head = get_head(client, article.get_absolute_url())

    url = SITE + article.get_absolute_url()
    assert head.one("description") == "What the evidence says."
    assert [link["href"] for link in head.link("canonical")] == [url]
    assert head.one("og:type") == "article"
    assert head.one("og:title") == "Is ketamine addictive?"
    assert head.one("og:description") == "What the evidence says."
    assert head.one("og:url") == url
    assert head.one("og:site_name") == "Isha Health"
    assert head.one("twitter:card") == "summary"
    assert head.one("twitter:title") == "Is ketamine addictive?"
    assert "og:image" not in head.meta


def test_a_long_summary_is_cut_at_a_word_to_at_most_160_characters(client):
    article = ArticleFactory(summary="word " * 100)
    description = get_head(client, article.get_absolute_url()).one("description")
    assert len(description) <= 160
    assert description.endswith("word…")


def test_without_a_summary_the_body_s_paragraphs_do_not_run_together_in_the_description(client):
    article = ArticleFactory(
        summary="", body="<p>It helps <em>some</em> people.</p><p>Studies show more.</p><ul><li>One</li></ul>"
    )
    description = get_head(client, article.get_absolute_url()).one("description")
    assert description == "It helps some people. Studies show more. One"


def test_the_og_image_is_the_absolute_url_of_the_hero_images_largest_rendition(client):
    article = ArticleFactory(hero_image_alt="A calm waiting room")
    article.hero_image.save("hero.jpg", ContentFile(demo_image(900, 500, 0)))
    refresh_derived_data(article)  # what articles.publishing does once a save commits

    head = get_head(client, article.get_absolute_url())

    image = head.one("og:image")
    assert image.startswith(SITE + "/media/renditions/") and image.endswith("-900.jpg")
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("900", "500")
    assert head.one("og:image:alt") == "A calm waiting room"
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:image") == image
    crops = head.node("Article")["image"]
    assert [(crop["width"], crop["height"]) for crop in crops] == [(880, 495), (664, 498), (500, 500)]
    assert all(crop["url"].startswith(SITE + "/media/renditions/") for crop in crops)


def test_markup_in_a_title_or_summary_never_reaches_the_head_raw(client):
    title, summary = "<script>alert(1)</script>", "<b>x</b>\"quote'"
    article = ArticleFactory(title=title, summary=summary)

    html = client.get(article.get_absolute_url()).content.decode()
    head = Head(html)

    assert "<script>alert(1)" not in html and "<b>x" not in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · Isha Health</title>" in html
    assert head.title == f"{title} · Isha Health"
    for key in ("og:title", "twitter:title"):
        assert head.one(key) == title
    for key in ("description", "og:description", "twitter:description"):
        assert head.one(key) == "x\"quote'"
    assert head.node("Article")["headline"] == title
    assert head.node("MedicalWebPage")["name"] == title


def test_json_ld_is_a_medical_web_page_with_its_review_citations_and_article(client):
    reviewer = ReviewerFactory(name="Dr Rao", credentials="MD, PhD", specialty="Psychiatry")
    article = ArticleFactory(
        title="Ketamine and sleep",
        summary="What the trials found.",
        author=AuthorFactory(name="Ada Lovelace"),
        published_on=date(2024, 2, 3),
        updated_on=date(2024, 5, 6),
    )
    with_ids = SourceFactory(citation_text="Trial A.", doi="10.1111/acem.13755", pmid="30901130")
    with_url = SourceFactory(citation_text="Guideline B.", url="https://example.org/guideline")
    CitationFactory(article=article, source=with_ids, position=0)
    CitationFactory(article=article, source=with_url, position=1)
    record_sign_off(article, reviewer, when=datetime(2024, 7, 8, 12, tzinfo=timezone.get_current_timezone()))

    head = get_head(client, article.get_absolute_url())

    url = SITE + article.get_absolute_url()
    assert head.data()["@context"] == "https://schema.org"
    data, entity = head.node("MedicalWebPage"), head.node("Article")
    assert data["url"] == url
    assert (data["@id"], data["mainEntity"]) == (url + "#webpage", {"@id": url + "#article"})
    assert (entity["@id"], entity["mainEntityOfPage"]) == (url + "#article", {"@id": url + "#webpage"})
    assert data["medicalAudience"] == {"@type": "Patient"}
    assert data["lastReviewed"] == "2024-07-08"
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr Rao",
        "honorificSuffix": "MD, PhD",
        "hasCredential": [
            {"@type": "EducationalOccupationalCredential", "name": "MD"},
            {"@type": "EducationalOccupationalCredential", "name": "PhD"},
        ],
        "jobTitle": "Psychiatry",
        "url": SITE + reviewer.get_absolute_url(),
    }
    assert entity["citation"] == [
        {
            "@type": "ScholarlyArticle",
            "name": "Trial A.",
            "url": "https://doi.org/10.1111/acem.13755",
            "sameAs": ["https://pubmed.ncbi.nlm.nih.gov/30901130/"],
            "identifier": [
                {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1111/acem.13755"},
                {"@type": "PropertyValue", "propertyID": "PMID", "value": "30901130"},
            ],
        },
        {"@type": "CreativeWork", "name": "Guideline B.", "url": "https://example.org/guideline"},
    ]
    assert entity["headline"] == "Ketamine and sleep"
    assert entity["description"] == "What the trials found."
    assert entity["author"]["@type"] == "Person" and entity["author"]["name"] == "Ada Lovelace"
    assert entity["author"]["url"] == SITE + article.author.get_absolute_url()
    assert (entity["datePublished"], entity["dateModified"]) == (
        "2024-02-03T00:00:00+00:00",
        "2024-05-06T00:00:00+00:00",
    )
    publisher = head.node("Organization")
    assert entity["publisher"] == {"@id": publisher["@id"]}
    assert publisher["name"] == "Isha Health"
    assert publisher["logo"]["url"] == SITE + "/static/img/favicon.svg"


def test_a_team_author_is_an_organization_in_json_ld(client):
    article = ArticleFactory(author=AuthorFactory(name="Isha Editorial Team"))
    author = get_head(client, article.get_absolute_url()).node("Article")["author"]
    assert author["@type"] == "Organization"


def test_an_unreviewed_article_makes_no_review_claims_and_modified_falls_back_to_published(client):
    article = ArticleFactory(published_on=date(2024, 2, 3))
    head = get_head(client, article.get_absolute_url())
    page, entity = head.node("MedicalWebPage"), head.node("Article")
    assert "reviewedBy" not in page and "lastReviewed" not in page and "citation" not in entity
    assert entity["dateModified"] == entity["datePublished"] == "2024-02-03T00:00:00+00:00"


def test_a_source_title_cannot_break_out_of_the_json_ld_script(client):
    article = ArticleFactory()
    CitationFactory(article=article, source=SourceFactory(citation_text="</script><script>alert(1)</script>"))

    html = client.get(article.get_absolute_url()).content.decode()

    assert "</script><script>alert(1)" not in html
    assert Head(html).node("Article")["citation"][0]["name"] == "</script><script>alert(1)</script>"


def test_only_article_pages_carry_json_ld(client):
    ArticleFactory()
    assert get_head(client, reverse("articles:list")).json_ld == []


def test_the_head_runs_no_queries_per_citation_or_topic(client):
    def queries(article):
        with CaptureQueriesContext(connection) as captured:
            client.get(article.get_absolute_url())
        return len(captured)

    reviewer = ReviewerFactory()
    small, large = ArticleFactory(), ArticleFactory()
    for article, count in ((small, 1), (large, 6)):
        for _ in range(count):
            CitationFactory(article=article, source=SourceFactory(doi=f"10.1000/{_}-{count}"))
            article.topics.add(TopicFactory())
        record_sign_off(article, reviewer)

    client.get("/")  # the footer's standalone pages are then in the cache for both
    queries(small)  # and what a process reads once for an article page
    assert queries(large) == queries(small)
    assert len(get_head(client, large.get_absolute_url()).node("Article")["citation"]) == 6


class TestCanonicalUrl:
    def test_drops_the_query_string(self, client):
        article = ArticleFactory()
        head = get_head(client, article.get_absolute_url() + "?utm_source=mail&x=<y>")
        assert head.link("canonical")[0]["href"] == SITE + article.get_absolute_url()

    def test_keeps_the_page_number_of_list_pages_after_the_first(self, client, settings):
        settings.ARTICLES_PER_PAGE = 1
        topic = TopicFactory()
        for _ in range(2):
            ArticleFactory().topics.add(topic)

        for url in (reverse("articles:list"), topic.get_absolute_url()):
            assert get_head(client, url + "?page=1&utm_source=x").link("canonical")[0]["href"] == SITE + url
            assert get_head(client, url + "?page=2").link("canonical")[0]["href"] == f"{SITE}{url}?page=2"

    def test_is_left_out_of_error_pages(self, client):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert Head(response.content.decode()).link("canonical") == []


class TestOtherPages:
    def test_the_home_page_is_a_website_with_the_site_description(self, client):
        head = get_head(client, reverse("articles:list"))
        assert head.one("og:type") == "website"
        assert head.one("description") == head.one("og:description")
        assert "ketamine" in head.one("description")

    def test_topic_author_and_reviewer_pages_name_their_subject(self, client):
        topic, author = TopicFactory(name="PTSD"), AuthorFactory(name="Ada")
        reviewer = ReviewerFactory(name="Dr Rao")
        article = ArticleFactory(author=author)
        article.topics.add(topic)
        record_sign_off(article, reviewer)

        assert get_head(client, topic.get_absolute_url()).one("og:title") == "PTSD"
        assert get_head(client, author.get_absolute_url()).one("og:title") == "Ada"
        head = get_head(client, reviewer.get_absolute_url())
        assert head.one("og:title") == "Dr Rao, MD"
        assert head.one("og:description") == "Articles medically reviewed by Dr Rao, MD."

    def test_every_page_offers_the_site_feeds_and_topic_pages_their_own_first(self, client):
        topic = TopicFactory(name="PTSD")
        ArticleFactory().topics.add(topic)
        home = [link["href"] for link in get_head(client, reverse("articles:list")).link("alternate")]
        assert home == [reverse("articles:feed-rss"), reverse("articles:feed-atom")]
        on_topic = get_head(client, topic.get_absolute_url()).link("alternate")
        assert [(link["type"], link["href"]) for link in on_topic] == [
            ("application/rss+xml", reverse("articles:topic-feed-rss", kwargs={"slug": topic.slug})),
            ("application/atom+xml", reverse("articles:topic-feed-atom", kwargs={"slug": topic.slug})),
            ("application/rss+xml", reverse("articles:feed-rss")),
            ("application/atom+xml", reverse("articles:feed-atom")),
        ]

    def test_the_sign_up_page_has_a_canonical_url_and_open_graph_tags(self, client):
        head = get_head(client, reverse("signups:signup"))
        assert head.link("canonical")[0]["href"] == SITE + reverse("signups:signup")
        assert head.one("og:site_name") == "Isha Health"

    def test_staff_previews_of_unpublished_articles_ask_not_to_be_indexed(self, client):
        user = User.objects.create_user("editor", password="x", is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="change_article"))
        client.force_login(user)
        draft, live = ArticleFactory(draft=True), ArticleFactory()

        assert get_head(client, draft.get_absolute_url()).one("robots") == "noindex"
        assert "robots" not in get_head(client, live.get_absolute_url()).meta
