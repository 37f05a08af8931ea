"""What a flagged source changes: the citing articles return to the review-due queue with
the reason, the source's admin page says so, and readers see "Retracted" or "Corrected"
beside the reference once an editor confirms it."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Reviewer, Source
from tests.factories import ArticleFactory, CitationFactory, SourceFactory, record_sign_off

from ..admin_support import error_text, form_data

pytestmark = pytest.mark.django_db

RETRACTED_DOI = "10.5555/ketamine.retracted"


@pytest.fixture
def cited_retraction(registry_server, reviewer):
    """A live article signed off a month ago, citing a source Crossref lists as retracted,
    and the check run since."""
    article = ArticleFactory(title="Ketamine and chronic pain")
    source = SourceFactory(doi=RETRACTED_DOI, title="Single-dose ketamine cures chronic pain")
    CitationFactory(article=article, source=source)
    record_sign_off(article, Reviewer.objects.get(user=reviewer), when=timezone.now() - timedelta(days=30))
    registry_server.answer(RETRACTED_DOI, "crossref/retracted.json")
    call_command("check_sources", stdout=io.StringIO(), stderr=io.StringIO())
    return Article.objects.get(pk=article.pk), Source.objects.get(pk=source.pk)


def listed(client, review):
    response = client.get(reverse("admin:articles_article_changelist"), {"review": review})
    return {article.title for article in response.context["cl"].result_list}


def page_text(article):
    html = Client().get(article.get_absolute_url()).content.decode()
    return html, " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_citing_article_enters_the_review_due_queue_with_the_reason(cited_retraction, editor_client):
    article, _ = cited_retraction
    assert listed(editor_client, "due") == {article.title}
    assert listed(editor_client, "sources") == {article.title}
    assert listed(editor_client, "expired") == set()
    assert listed(editor_client, "current") == set()
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    assert "Cites a source retracted or corrected since review" in response.content.decode()


def test_a_new_sign_off_takes_the_article_out_of_the_queue(cited_retraction, reviewer, editor_client):
    article, _ = cited_retraction
    record_sign_off(article, Reviewer.objects.get(user=reviewer))
    assert listed(editor_client, "sources") == set()
    assert listed(editor_client, "due") == set()


def test_an_article_signed_off_after_the_flag_is_not_queued_again_by_an_unchanged_check(
    cited_retraction, reviewer, editor_client
):
    article, source = cited_retraction
    record_sign_off(article, Reviewer.objects.get(user=reviewer))
    call_command("check_sources", "--source", str(source.pk), stdout=io.StringIO(), stderr=io.StringIO())
    assert Source.objects.get(pk=source.pk).registry_flagged_at == source.registry_flagged_at
    assert listed(editor_client, "due") == set()


def test_the_source_admin_says_what_the_registry_found(cited_retraction, editor_client):
    _, source = cited_retraction
    response = editor_client.get(reverse("admin:articles_source_change", args=[source.pk]))
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        "lists this source as retracted" in m and "1 article citing it is in the review-due queue" in m
        for m in messages
    )
    html = response.content.decode()
    assert "RETRACTED: Single-dose ketamine cures chronic pain" in html  # the registry's title
    assert "https://doi.org/10.5555/ketamine.retraction-notice" in html
    listing = editor_client.get(reverse("admin:articles_source_changelist"), {"registry_status": "retracted"})
    assert [s.pk for s in listing.context["cl"].result_list] == [source.pk]
    assert "Retracted" in listing.content.decode()


def test_readers_see_retracted_only_once_an_editor_confirms_it(cited_retraction, editor_client):
    article, source = cited_retraction
    assert "Retracted" not in page_text(article)[1]

    response = editor_client.post(
        reverse("admin:articles_source_changelist"),
        {"action": "confirm_registry_notice", "_selected_action": [source.pk]},
        follow=True,
    )

    assert "Readers now see the notice beside 1 source." in response.content.decode()
    html, text = page_text(article)
    assert "Retracted" in text
    assert '<a href="https://doi.org/10.5555/ketamine.retraction-notice">Retracted</a>' in html
    page = editor_client.get(reverse("admin:articles_source_change", args=[source.pk]))
    assert not any("lists this source" in str(m) for m in get_messages(page.wsgi_request))


def test_confirming_a_source_the_registries_do_not_flag_changes_nothing(editor_client):
    source = SourceFactory(doi="10.5555/ketamine.current", registry_status="current")
    response = editor_client.post(
        reverse("admin:articles_source_changelist"),
        {"action": "confirm_registry_notice", "_selected_action": [source.pk]},
        follow=True,
    )
    assert "has no retraction, correction or concern" in response.content.decode()
    assert Source.objects.get(pk=source.pk).notice == ""


def test_an_editor_can_set_a_corrected_notice_by_hand(editor_client):
    article = ArticleFactory()
    source = SourceFactory(title="Esketamine in older adults", citation_text="Esketamine in older adults")
    CitationFactory(article=article, source=source)
    url = reverse("admin:articles_source_change", args=[source.pk])
    data = form_data(
        editor_client.get(url),
        "source_form",
        notice="corrected",
        notice_url="https://doi.org/10.5555/erratum",
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, error_text(response)
    html, _ = page_text(article)
    assert '<a href="https://doi.org/10.5555/erratum">Corrected</a>' in html


def test_reviewers_see_it_under_needs_medical_review_on_the_admin_index(cited_retraction, reviewer_client):
    article, _ = cited_retraction
    assert listed(reviewer_client, "needs_sign_off") == {article.title}
    page = reviewer_client.get(reverse("admin:index")).content.decode()
    assert "Needs medical review: <strong>1</strong>" in page


def test_a_check_keeps_cached_pages_and_a_confirmation_retires_them(
    registry_server, settings, editor_client, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    article = ArticleFactory()
    source = SourceFactory(doi=RETRACTED_DOI)
    CitationFactory(article=article, source=source)
    registry_server.answer(RETRACTED_DOI, "crossref/retracted.json")
    Client().get(article.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_sources", stdout=io.StringIO(), stderr=io.StringIO())
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:articles_source_changelist"),
            {"action": "confirm_registry_notice", "_selected_action": [source.pk]},
        )
    page = Client().get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and ">Retracted</a>" in page.content.decode()
