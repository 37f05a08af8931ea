"""Medical review in the admin: reviewers sign off, a later body change is flagged on the
page and in the admin, and the review-due list finds what needs a review."""

import datetime as dt
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import Article, SiteSettings
from tests.factories import ArticleFactory, ReviewerFactory, record_sign_off, store_pending_changes

from .admin_support import change_url, error_text, form_data, staff_in

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"
SIGNED_OFF_ON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def sign_off_url(article):
    return reverse("admin:articles_article_sign_off_review", args=[article.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def page_text(article):
    """The public page's text, tags removed and spaces collapsed."""
    html = Client().get(article.get_absolute_url()).content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def sign_off(client, article):
    """Press the change page's "Sign off medical review" button, as a browser would."""
    page = client.get(change_url(article))
    return client.post(sign_off_url(article), {"version": str(page.context["original"].version)})


def changelist(client, **params):
    return client.get(reverse(CHANGELIST), params)


def listed(response):
    return {article.title for article in response.context["cl"].result_list}


def review_column(response, article):
    """What the change list's "Review" column says for ``article``."""
    cl = response.context["cl"]
    return cl.model_admin.review_state(next(row for row in cl.result_list if row.pk == article.pk))


# The Reviewers role


def test_the_reviewers_group_may_view_change_and_review_articles_but_not_publish():
    codenames = set(Group.objects.get(name="Reviewers").permissions.values_list("codename", flat=True))

    assert {"review_article", "view_article", "change_article", "view_source"} <= codenames
    assert not {"publish_article", "add_article", "delete_article", "change_source"} & codenames


# Signing off


def test_a_reviewer_signs_off_and_the_page_shows_who_and_when(reviewer_client, reviewer):
    article = ArticleFactory(body="<p>Ketamine is not addictive at clinical doses.</p>")

    with time_machine.travel(SIGNED_OFF_ON, tick=False):
        response = sign_off(reviewer_client, article)

    assert response.status_code == 302
    assert response.url == change_url(article)
    assert f"You signed off the medical review of “{article.title}”." in messages_of(response)
    article.refresh_from_db()
    assert article.reviewed_by == reviewer.reviewer_profile
    assert article.reviewed_at == SIGNED_OFF_ON
    assert not article.review_outdated
    text = page_text(article)
    assert "Medically reviewed by Dr Rhea Patel, MD, PhD" in text
    assert "Last medically reviewed March 10, 2026" in text


def test_the_sign_off_is_recorded_in_the_history_as_the_reviewer(reviewer_client, reviewer):
    article = ArticleFactory()
    sign_off(reviewer_client, article)

    record = article.history.first()
    assert record.history_user == reviewer
    assert record.history_change_reason == "Medical review signed off by Dr Rhea Patel, MD, PhD"
    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert entry.user == reviewer
    assert entry.get_change_message() == "Signed off the medical review as Dr Rhea Patel, MD, PhD."


def test_the_change_page_offers_reviewers_the_sign_off_button(reviewer_client):
    article = ArticleFactory()

    html = reviewer_client.get(change_url(article)).content.decode()

    assert "This article has never been medically reviewed." in html
    assert f'action="{sign_off_url(article)}"' in html
    assert "Sign off medical review" in html


def test_a_sign_off_from_a_page_loaded_before_the_article_changed_is_refused(reviewer_client):
    article = ArticleFactory(body="<p>What the reviewer read.</p>")
    page = reviewer_client.get(change_url(article))
    article.body = "<p>Changed while they were reading.</p>"
    article.save()

    response = reviewer_client.post(sign_off_url(article), {"version": str(page.context["original"].version)})

    assert response.status_code == 302
    assert "The article was changed after you opened it; read it again before signing off." in messages_of(
        response
    )
    article.refresh_from_db()
    assert article.reviewed_at is None


def test_signing_off_reviews_the_live_body_and_keeps_pending_changes_pending(
    reviewer_client, editor, publisher
):
    article = ArticleFactory(body="<p>Live body.</p>")
    store_pending_changes(
        article, editor, body="<p>Pending body.</p>", title="Pending title", citations=[], related=[]
    )

    page = reviewer_client.get(change_url(article))
    assert "signing off reviews the" in page.content.decode()
    response = reviewer_client.post(sign_off_url(article), {"version": str(page.context["original"].version)})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Live body.</p>"
    assert article.reviewed_body_hash == article.body_hash()
    assert not article.review_outdated
    assert article.pending_revision["fields"]["body"] == "<p>Pending body.</p>"
    assert article.pending_revision_by == editor

    # Publishing the pending body makes the review outdated.
    article = publishing.publish_pending(article=article, actor=publisher)
    assert article.body == "<p>Pending body.</p>"
    assert article.review_outdated


# Who may sign off


def test_staff_without_the_review_permission_see_no_button_and_a_crafted_post_is_refused(
    editor_client, editor
):
    ReviewerFactory(user=editor)  # A profile alone is not the permission.
    article = ArticleFactory()

    page = editor_client.get(change_url(article))
    assert "Sign off medical review" not in page.content.decode()
    response = editor_client.post(sign_off_url(article), {"version": str(article.version)})

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.reviewed_at is None


def test_publishers_cannot_sign_off_either(publisher_client):
    article = ArticleFactory()

    response = publisher_client.post(sign_off_url(article), {"version": str(article.version)})

    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).reviewed_at is None


def test_the_permission_without_a_reviewer_profile_is_told_what_is_missing(client, django_user_model):
    client.force_login(staff_in("Reviewers", django_user_model, "nora"))
    article = ArticleFactory()

    page = client.get(change_url(article))
    assert "your account must be the staff account of a medical reviewer profile" in page.content.decode()
    response = client.post(sign_off_url(article), {"version": str(article.version)})

    assert response.status_code == 302
    assert any("not linked to a medical reviewer profile" in message for message in messages_of(response))
    assert Article.objects.get(pk=article.pk).reviewed_at is None


def test_the_sign_off_address_only_answers_posts(reviewer_client):
    article = ArticleFactory()

    assert reviewer_client.get(sign_off_url(article)).status_code == 405
    assert Article.objects.get(pk=article.pk).reviewed_at is None


# A body change after the sign-off


def test_editing_the_body_after_the_sign_off_flips_the_page_and_the_admin(
    client, reviewer, publisher, publisher_client
):
    article = ArticleFactory(title="Is ketamine addictive?", body="<p>Reviewed text.</p>")
    with time_machine.travel(SIGNED_OFF_ON, tick=False):
        record_sign_off(article, reviewer.reviewer_profile, by=reviewer)
    assert "has changed since that review" not in page_text(article)

    page = publisher_client.get(change_url(article))
    response = publisher_client.post(change_url(article), form_data(page, body="<p>New text.</p>"))
    assert response.status_code == 302, error_text(response)

    article.refresh_from_db()
    assert article.review_outdated
    assert "This article has changed since that review" in page_text(article)
    html = publisher_client.get(change_url(article)).content.decode()
    assert "Changed since review:" in html and "it needs a new sign-off" in html
    assert review_column(changelist(publisher_client), article) == "Changed since review"
    assert listed(changelist(publisher_client, review="changed")) == {"Is ketamine addictive?"}


def test_an_editors_pending_body_change_flips_nothing_until_it_is_published(
    editor_client, reviewer, publisher
):
    article = ArticleFactory(body="<p>Reviewed text.</p>")
    record_sign_off(article, reviewer.reviewer_profile, by=reviewer)

    page = editor_client.get(change_url(article))
    editor_client.post(change_url(article), form_data(page, body="<p>Pending text.</p>"))

    article.refresh_from_db()
    assert article.pending_revision and not article.review_outdated
    assert "has changed since that review" not in page_text(article)
    publishing.publish_pending(article=article, actor=publisher)
    assert "This article has changed since that review" in page_text(article)


def test_the_review_column_says_never_reviewed_or_when(publisher_client, reviewer):
    never = ArticleFactory(title="Never")
    reviewed = ArticleFactory(title="Reviewed")
    with time_machine.travel(SIGNED_OFF_ON, tick=False):
        record_sign_off(reviewed, reviewer.reviewer_profile, by=reviewer)

    response = changelist(publisher_client)

    html = response.content.decode()
    assert '<th scope="col" class="sortable column-review_state">' in html
    assert "Never reviewed" in html and "Reviewed March 10, 2026" in html
    assert review_column(response, never) == "Never reviewed"
    assert review_column(response, reviewed) == "Reviewed March 10, 2026"


# The review-due list


@pytest.fixture
def review_ages(reviewer):
    """One article in each review state, reviewed relative to now."""
    profile = reviewer.reviewer_profile
    now = timezone.now()
    ArticleFactory(title="Never reviewed")
    changed = ArticleFactory(title="Changed since review", body="<p>Before.</p>")
    record_sign_off(changed, profile, by=reviewer)
    changed.body = "<p>After.</p>"
    changed.save()
    old = ArticleFactory(title="Reviewed 13 months ago")
    with time_machine.travel(now - timedelta(days=395), tick=False):
        record_sign_off(old, profile, by=reviewer)
    fresh = ArticleFactory(title="Reviewed last week")
    with time_machine.travel(now - timedelta(days=7), tick=False):
        record_sign_off(fresh, profile, by=reviewer)


def test_the_review_due_filter_lists_never_changed_and_old_reviews_but_not_fresh_ones(
    publisher_client, review_ages
):
    response = changelist(publisher_client, review="due")

    assert listed(response) == {"Never reviewed", "Changed since review", "Reviewed 13 months ago"}


@pytest.mark.parametrize(
    ("value", "titles"),
    [
        ("never", {"Never reviewed"}),
        ("changed", {"Changed since review"}),
        ("expired", {"Reviewed 13 months ago"}),
        ("current", {"Reviewed last week"}),
    ],
)
def test_the_review_filter_tells_the_reasons_apart(publisher_client, review_ages, value, titles):
    assert listed(changelist(publisher_client, review=value)) == titles


def test_the_review_interval_comes_from_the_site_settings(publisher_client, review_ages):
    settings = SiteSettings.load()
    settings.review_interval_months = 24
    settings.save()

    response = changelist(publisher_client, review="due")

    assert listed(response) == {"Never reviewed", "Changed since review"}
    assert "Reviewed more than 24 months ago" in response.content.decode()


def test_the_review_due_list_has_a_bookmarkable_address_linked_from_the_list(reviewer_client, review_ages):
    response = reviewer_client.get(reverse("admin:articles_article_review_due"))

    assert response.status_code == 302
    assert response.url == reverse(CHANGELIST) + "?review=due"
    assert f'href="{reverse(CHANGELIST)}?review=due"' in changelist(reviewer_client).content.decode()
    assert listed(reviewer_client.get(response.url)) == {
        "Never reviewed",
        "Changed since review",
        "Reviewed 13 months ago",
    }


def test_the_article_list_runs_the_same_number_of_queries_for_more_reviewed_articles(publisher_client):
    def reviewed_batch(count):
        for article in ArticleFactory.create_batch(count):
            record_sign_off(article, ReviewerFactory())

    reviewed_batch(2)
    with CaptureQueriesContext(connection) as few:
        assert changelist(publisher_client, review="current").status_code == 200
    reviewed_batch(6)
    with CaptureQueriesContext(connection) as many:
        assert len(changelist(publisher_client, review="current").context["cl"].result_list) == 8

    assert len(many) == len(few)
