"""The desk in the admin: the action bar's buttons by role, moves saved with the edits,
the schedule picker in the site's zone (daylight-saving gaps and overlaps refused), the
scheduled calendar, the preview frames and what waits on the admin index."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import Article, SiteSettings
from tests.factories import ArticleFactory, AuthorFactory, store_pending_changes

from .admin_support import change_url, error_text, form_data

pytestmark = pytest.mark.django_db

ZONE = "America/New_York"


def buttons(response):
    page = response.content.decode()
    moves = ("save", "submit", "publish", "schedule", "publish_pending", "unpublish", "archive")
    shown = [move for move in moves if f'data-testid="desk-{move}"' in page]
    return shown + [move for move in ("back_to_draft", "unschedule") if f'data-testid="desk-{move}"' in page]


def press(client, article, move, **changes):
    page = client.get(change_url(article))
    return client.post(change_url(article), form_data(page, _desk=move, _save=None, **changes))


def test_an_editor_sees_submit_but_no_publish_and_submits_with_unsaved_edits(editor_client):
    article = ArticleFactory(draft=True, title="First title")
    page = editor_client.get(change_url(article))
    assert buttons(page) == ["save", "submit"]
    assert "Readers see nothing" in page.content.decode()

    response = press(editor_client, article, "submit", title="Edited then submitted")
    assert response.status_code == 302, error_text(response)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.status) == ("Edited then submitted", Article.Status.IN_REVIEW)
    assert buttons(editor_client.get(change_url(article))) == ["save"]


def test_a_publishers_buttons_follow_the_state(publisher_client):
    assert buttons(publisher_client.get(change_url(ArticleFactory(draft=True, status="in_review")))) == [
        "save",
        "publish",
        "schedule",
        "back_to_draft",
    ]
    assert buttons(publisher_client.get(change_url(ArticleFactory(scheduled=True)))) == [
        "save",
        "publish",
        "unschedule",
    ]
    assert buttons(publisher_client.get(change_url(ArticleFactory()))) == ["save", "unpublish", "archive"]


def test_back_to_draft_needs_a_note_which_the_editor_then_sees(publisher_client, client, editor):
    article = ArticleFactory(draft=True, status="in_review")
    response = press(publisher_client, article, "back_to_draft", desk_note="")
    assert response.status_code == 200
    assert "Write a note telling the editor" in response.content.decode()

    response = press(publisher_client, article, "back_to_draft", desk_note="Add the 2023 trial.")
    assert response.status_code == 302, error_text(response)
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert 'data-testid="desk-note"' in page and "Add the 2023 trial." in page and "Pablo" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2030-03-10T02:30", "may not exist"),  # clocks jump from 2:00 to 3:00
        ("2030-11-03T01:30", "may be ambiguous"),  # 1:00 to 2:00 happens twice
        ("2001-01-01T09:00", "Choose a time in the future"),
        ("not a time", "Enter a valid date/time"),
    ],
)
def test_a_schedule_time_the_zone_cannot_place_is_a_form_error(publisher_client, settings, typed, message):
    settings.TIME_ZONE = ZONE
    article = ArticleFactory(draft=True, title="Kept title")
    response = press(publisher_client, article, "schedule", desk_at=typed, title="Typed, not lost")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'data-testid="desk-errors"' in page
    assert "Typed, not lost" in page and typed in page
    assert Article.objects.get(pk=article.pk).title == "Kept title"


def test_a_schedule_is_read_in_the_sites_zone_and_listed_on_the_calendar(publisher_client, settings):
    settings.TIME_ZONE = ZONE
    article = ArticleFactory(draft=True, title="Sleep after treatment")
    response = press(publisher_client, article, "schedule", desk_at="2030-07-01T09:00")
    assert response.status_code == 302, error_text(response)
    stored = Article.objects.get(pk=article.pk)
    assert stored.published_at == datetime(2030, 7, 1, 9, 0, tzinfo=ZoneInfo(ZONE))
    assert "Scheduled" in publisher_client.get(change_url(article)).content.decode()

    calendar = publisher_client.get(reverse("admin:articles_article_scheduled")).content.decode()
    assert "Sleep after treatment" in calendar and "July 1, 2030" in calendar and "9 a.m." in calendar
    assert (
        reverse("admin:articles_article_scheduled")
        in publisher_client.get(reverse("admin:articles_article_changelist")).content.decode()
    )


def test_an_editors_body_edit_of_a_scheduled_article_returns_it_to_draft(editor_client):
    article = ArticleFactory(scheduled=True)
    response = press(editor_client, article, "save", body="<p>New body.</p>")
    assert response.status_code == 302, error_text(response)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    page = editor_client.get(change_url(article)).content.decode()
    assert "back in Draft" in page


def test_the_sign_off_setting_refuses_publish_with_a_form_error(publisher_client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"publish_requires_sign_off": True})
    article = ArticleFactory(draft=True, status="in_review")
    response = press(publisher_client, article, "publish")
    assert response.status_code == 200
    assert "needs a current medical sign-off" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


def test_publish_now_and_unpublish_from_the_bar(publisher_client):
    article = ArticleFactory(draft=True, published_at=timezone.now() + timedelta(days=5))
    assert press(publisher_client, article, "publish").status_code == 302
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert press(publisher_client, article, "unpublish").status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_the_preview_frames_the_readers_page_at_two_widths(publisher_client):
    article = ArticleFactory(draft=True, title="Preview me")
    page = publisher_client.get(reverse("admin:articles_article_desk_preview", args=[article.pk]))
    assert 'width="390"' in page.content.decode() and 'width="1280"' in page.content.decode()
    frame = publisher_client.get(reverse("admin:articles_article_desk_preview_frame", args=[article.pk]))
    assert frame.status_code == 200 and "Preview me" in frame.content.decode()
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in frame["Content-Security-Policy"]
    # Exactly what readers will get: no staff banner inside the frame (the page around it
    # says what it shows), though the article's own address shows one to staff.
    assert "preview-banner" not in frame.content.decode()
    assert "preview-banner" in publisher_client.get(article.get_absolute_url()).content.decode()


def test_the_index_shows_each_role_what_waits_for_them(publisher_client, client, reviewer, editor):
    ArticleFactory(draft=True, status="in_review")
    ArticleFactory(reviewed_at=None)
    ArticleFactory(archived=True, reviewed_at=None)
    page = publisher_client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="desk-waiting-in-review"' in page and "In review: <strong>1</strong>" in page
    assert "Needs medical review" not in page

    client.force_login(reviewer)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Needs medical review: <strong>2</strong>" in page and "In review:" not in page
    listed = client.get(reverse("admin:articles_article_changelist") + "?review=needs_sign_off")
    assert listed.context["cl"].result_count == 2

    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "In review:" not in page and "Needs medical review" not in page
    assert 'id="desk-index-calendar"' in page


def test_a_move_from_a_stale_page_is_refused_by_the_stale_save_protection(publisher_client, editor):
    article = ArticleFactory(draft=True, status="in_review", title="Original")
    stale_page = publisher_client.get(change_url(article))
    newer = Article.objects.get(pk=article.pk)
    newer.title = "Edna's newer title"
    publishing.save_draft(article=newer, actor=editor)

    response = publisher_client.post(change_url(article), form_data(stale_page, _desk="publish", _save=None))
    assert response.status_code == 200
    assert "Edna changed this article on" in response.content.decode()
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.title) == (Article.Status.IN_REVIEW, "Edna's newer title")


def test_a_new_article_is_saved_and_submitted_in_one_press(editor_client):
    author = AuthorFactory()
    page = editor_client.get(reverse("admin:articles_article_add"))
    assert buttons(page) == ["save", "submit"]
    data = form_data(page, _desk="submit", _save=None, title="Brand new", author=str(author.pk))
    data["body"] = "<p>Text.</p>"
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, error_text(response)
    assert Article.objects.get(title="Brand new").status == Article.Status.IN_REVIEW


def test_the_preview_of_a_live_article_shows_its_pending_changes(publisher_client, editor):
    article = store_pending_changes(ArticleFactory(title="Live title"), editor, title="Pending title")
    page = publisher_client.get(reverse("admin:articles_article_desk_preview", args=[article.pk]))
    frame_url = reverse("admin:articles_article_desk_preview_frame", args=[article.pk]) + "?preview=pending"
    assert frame_url in page.content.decode()
    assert "Pending title" in publisher_client.get(frame_url).content.decode()


def test_publish_pending_changes_from_the_bar(publisher_client, editor):
    article = store_pending_changes(ArticleFactory(title="Live title"), editor, title="Pending title")
    assert "publish_pending" in buttons(publisher_client.get(change_url(article)))
    response = press(publisher_client, article, "publish_pending")
    assert response.status_code == 302, error_text(response)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.pending_revision) == ("Pending title", None)
    assert "The pending changes are published." in publisher_client.get(change_url(article)).content.decode()
