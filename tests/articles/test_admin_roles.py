"""What each editorial role may change in the admin beyond articles (issue 12): what every
live page shows (site settings, reviewers' credentials, the sources articles cite) is a
publisher's decision, and linking a reviewer to a staff account a superuser's."""

import pytest
from django.urls import reverse

from articles import publishing
from articles.models import Article, Reviewer, SiteSettings, Source
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CitationFactory,
    ReviewerFactory,
    SourceFactory,
    record_sign_off,
)

from .admin_support import change_url, error_text, form_data

pytestmark = pytest.mark.django_db


def settings_url():
    return reverse("admin:articles_sitesettings_change", args=[SiteSettings.load().pk])


def reviewer_url(reviewer):
    return reverse("admin:articles_reviewer_change", args=[reviewer.pk])


def source_url(source):
    return reverse("admin:articles_source_change", args=[source.pk])


# Site settings


def test_an_editor_sees_the_site_settings_read_only(editor_client):
    response = editor_client.get(settings_url())

    assert response.status_code == 200
    assert b'name="disclosure"' not in response.content
    assert b"Isha Health provides the treatment" in response.content


def test_an_editor_cannot_change_the_site_wide_disclosure_by_a_crafted_post(editor_client):
    response = editor_client.post(
        settings_url(),
        {
            "learn_more_label": "Click",
            "learn_more_url": "https://evil.example/",
            "disclosure": "Nothing to disclose.",
            "review_interval_months": "12",
        },
    )

    assert response.status_code == 403
    assert SiteSettings.load().learn_more_url == "https://www.ishahealth.com/"


def test_a_publisher_changes_the_site_settings(publisher_client):
    data = form_data(
        publisher_client.get(settings_url()), form_id="sitesettings_form", disclosure="New disclosure."
    )

    response = publisher_client.post(settings_url(), data)

    assert response.status_code == 302, error_text(response)
    assert SiteSettings.load().disclosure == "New disclosure."


# Reviewer profiles


def test_an_editor_sees_a_reviewer_read_only_and_cannot_add_one(editor_client):
    reviewer = ReviewerFactory(credentials="MD")

    page = editor_client.get(reviewer_url(reviewer))
    added = editor_client.post(
        reverse("admin:articles_reviewer_add"), {"name": "Dr Fake", "credentials": "MD", "slug": "fake"}
    )

    assert page.status_code == 200 and b'name="credentials"' not in page.content
    assert added.status_code == 403
    assert not Reviewer.objects.filter(name="Dr Fake").exists()


def test_an_editor_cannot_change_a_reviewers_credentials_by_a_crafted_post(editor_client):
    reviewer = ReviewerFactory(name="Dr Ana Ruiz", slug="ana-ruiz", credentials="MD")

    response = editor_client.post(
        reviewer_url(reviewer), {"name": "Dr Ana Ruiz", "slug": "ana-ruiz", "credentials": "MD, PhD, FRCP"}
    )

    assert response.status_code == 403
    reviewer.refresh_from_db()
    assert reviewer.credentials == "MD"


def test_a_publisher_changes_credentials_but_cannot_link_a_staff_account(publisher_client, editor):
    reviewer = ReviewerFactory(name="Dr Ana Ruiz", slug="ana-ruiz", credentials="MD")
    page = publisher_client.get(reviewer_url(reviewer))
    data = form_data(page, form_id="reviewer_form", credentials="MD, PhD", user=str(editor.pk))

    response = publisher_client.post(reviewer_url(reviewer), data)

    assert b'name="user"' not in page.content
    assert response.status_code == 302, error_text(response)
    reviewer.refresh_from_db()
    assert reviewer.credentials == "MD, PhD"
    assert reviewer.user is None


def test_a_superuser_links_a_reviewer_to_a_staff_account(client, django_user_model, editor):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    reviewer = ReviewerFactory(name="Dr Ana Ruiz", slug="ana-ruiz")
    data = form_data(client.get(reviewer_url(reviewer)), form_id="reviewer_form", user=str(editor.pk))

    response = client.post(reviewer_url(reviewer), data)

    assert response.status_code == 302, error_text(response)
    reviewer.refresh_from_db()
    assert reviewer.user == editor


# Sources cited by reviewed articles


@pytest.fixture
def reviewed_article(reviewer):
    article = ArticleFactory(title="Reviewed")
    CitationFactory(article=article, source__title="Ketamine for depression", source__year=2019)
    return record_sign_off(article, reviewer.reviewer_profile, by=reviewer)


def test_editing_a_cited_sources_bibliographic_fields_marks_reviewed_articles_as_changed(
    editor_client, reviewed_article
):
    other = record_sign_off(ArticleFactory(title="Cites another"), Reviewer.objects.get())
    CitationFactory(article=other, source=SourceFactory(title="Another study"))
    source = Source.objects.get(title="Ketamine for depression")
    data = form_data(editor_client.get(source_url(source)), form_id="source_form", year="2009")

    response = editor_client.post(source_url(source), data)

    assert response.status_code == 302, error_text(response)
    reviewed_article.refresh_from_db()
    other.refresh_from_db()
    assert reviewed_article.review_outdated
    assert not other.review_outdated
    assert Article.objects.filter(review_outdated=True).count() == 1


def test_a_source_change_stays_changed_since_review_when_the_article_is_saved_again(
    publisher, reviewed_article
):
    source = Source.objects.get(title="Ketamine for depression")
    source.title = "Ketamine for depression: a retraction"
    source.save()

    publishing.archive(article=Article.objects.get(pk=reviewed_article.pk), actor=publisher)

    reviewed_article.refresh_from_db()
    assert reviewed_article.review_outdated


def test_a_new_sign_off_clears_the_mark(reviewer, reviewed_article):
    source = Source.objects.get(title="Ketamine for depression")
    source.title = "Ketamine for depression, corrected"
    source.save()

    article = record_sign_off(reviewed_article, reviewer.reviewer_profile, by=reviewer)

    assert not article.review_outdated


def test_saving_a_source_without_bibliographic_changes_leaves_reviews_alone(reviewed_article):
    source = Source.objects.get(title="Ketamine for depression")
    source.evidence_type = Source.EvidenceType.SYSTEMATIC_REVIEW
    source.save()

    reviewed_article.refresh_from_db()
    assert not reviewed_article.review_outdated


# A live article's citations and author


@pytest.fixture
def live_article():
    article = ArticleFactory(title="Live title")
    CitationFactory(article=article, position=0, source__citation_text="Live source.")
    return article


def test_an_editors_change_to_a_live_articles_citations_alone_waits_for_a_publisher(
    editor_client, live_article
):
    added = SourceFactory(citation_text="Added source.")
    page = editor_client.get(change_url(live_article))
    data = form_data(
        page,
        **{
            "citations-0-DELETE": "on",
            "citations-TOTAL_FORMS": "2",
            "citations-1-position": "1",
            "citations-1-source": str(added.pk),
            "citations-1-article": str(live_article.pk),
        },
    )

    response = editor_client.post(change_url(live_article), data)

    assert response.status_code == 302, error_text(response)
    live_article.refresh_from_db()
    assert list(Source.objects.cited_by(live_article).values_list("citation_text", flat=True)) == [
        "Live source."
    ]
    assert [row["source"] for row in live_article.pending_revision["citations"]] == [added.pk]


def test_an_editors_change_to_a_live_articles_author_waits_for_a_publisher(editor_client, live_article):
    old_author, new_author = live_article.author, AuthorFactory(name="Someone Else")
    data = form_data(editor_client.get(change_url(live_article)), author=str(new_author.pk))

    response = editor_client.post(change_url(live_article), data)

    assert response.status_code == 302, error_text(response)
    live_article.refresh_from_db()
    assert live_article.author == old_author
    assert live_article.pending_revision["fields"]["author"] == new_author.pk


def test_an_editor_still_adds_sources_authors_and_topics(editor_client):
    for name in ("source", "author", "topic"):
        assert editor_client.get(reverse(f"admin:articles_{name}_add")).status_code == 200
