"""The workflow table (articles.workflow): every state, every move, who may make it, and
the require-sign-off setting, through the service functions."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import publishing, workflow
from articles.models import Article, SiteSettings
from articles.workflow import Move, State
from tests.factories import ArticleFactory, ReviewerFactory, store_pending_changes

pytestmark = pytest.mark.django_db


def fresh(article):
    return Article.objects.get(pk=article.pk)


def last_reason(article):
    return article.history.order_by("-history_date", "-history_id").first().history_change_reason


def test_each_state_is_read_from_the_stored_article(editor):
    assert workflow.state_of(ArticleFactory(draft=True)) == State.DRAFT
    assert workflow.state_of(ArticleFactory(draft=True, status="in_review")) == State.IN_REVIEW
    assert workflow.state_of(ArticleFactory(scheduled=True)) == State.SCHEDULED
    live = ArticleFactory()
    assert workflow.state_of(live) == State.LIVE
    assert workflow.state_of(store_pending_changes(live, editor, title="New")) == State.LIVE_PENDING
    assert workflow.state_of(ArticleFactory(archived=True)) == State.ARCHIVED


@pytest.mark.parametrize(
    ("state", "editor_moves", "publisher_moves"),
    [
        (State.DRAFT, ["save", "submit"], ["save", "submit", "publish", "schedule"]),
        (State.IN_REVIEW, ["save"], ["save", "publish", "schedule", "back_to_draft"]),
        (State.SCHEDULED, ["save"], ["save", "publish", "unschedule"]),
        (State.LIVE, ["save"], ["save", "unpublish", "archive"]),
        (State.LIVE_PENDING, ["save"], ["save", "publish_pending", "unpublish", "archive"]),
        (State.ARCHIVED, ["save"], ["save", "back_to_draft"]),
    ],
)
def test_each_role_is_offered_the_tables_moves(
    state, editor_moves, publisher_moves, editor, publisher, reviewer
):
    assert workflow.moves_for(state, editor) == editor_moves
    assert workflow.moves_for(state, publisher) == publisher_moves
    # Reviewers may change articles as editors do, and publish nothing.
    assert workflow.moves_for(state, reviewer) == editor_moves


def test_an_editor_submits_a_draft_and_a_publisher_publishes_it_now(editor, publisher):
    article = ArticleFactory(draft=True)
    workflow.perform(Move.SUBMIT, article=fresh(article), actor=editor)
    assert fresh(article).status == Article.Status.IN_REVIEW
    before = timezone.now()
    workflow.perform(Move.PUBLISH, article=fresh(article), actor=publisher)
    assert workflow.state_of(fresh(article)) == State.LIVE
    assert fresh(article).published_at >= before


def test_back_to_draft_keeps_the_note_in_the_history_until_resubmitted(editor, publisher):
    article = ArticleFactory(draft=True, status="in_review")
    workflow.send_back_to_draft(article=fresh(article), actor=publisher, note="Cite the 2023 trial.")
    stored = fresh(article)
    assert (stored.status, stored.draft_note) == (Article.Status.DRAFT, "Cite the 2023 trial.")
    assert last_reason(stored) == "Back to draft: Cite the 2023 trial."
    assert stored.history.first().draft_note == "Cite the 2023 trial."
    publishing.submit_for_review(article=stored, actor=editor)
    assert fresh(article).draft_note == ""


def test_back_to_draft_needs_a_note_a_publisher_and_an_article_in_review(editor, publisher):
    in_review = ArticleFactory(draft=True, status="in_review")
    with pytest.raises(ValueError, match="note"):
        workflow.send_back_to_draft(article=fresh(in_review), actor=publisher, note="  ")
    with pytest.raises(PermissionDenied):
        workflow.send_back_to_draft(article=fresh(in_review), actor=editor, note="No")
    with pytest.raises(ValueError, match="in review"):
        workflow.send_back_to_draft(article=ArticleFactory(draft=True), actor=publisher, note="No")
    assert fresh(in_review).status == Article.Status.IN_REVIEW


def test_schedule_unschedule_and_schedule_again(publisher):
    article = ArticleFactory(draft=True)
    when = timezone.now() + timedelta(days=3)
    workflow.perform(Move.SCHEDULE, article=fresh(article), actor=publisher, at=when)
    assert workflow.state_of(fresh(article)) == State.SCHEDULED
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert fresh(article).published_on == timezone.localdate(when)

    workflow.perform(Move.UNSCHEDULE, article=fresh(article), actor=publisher)
    stored = fresh(article)
    assert (stored.status, stored.published_at, stored.published_on) == ("draft", None, None)
    assert last_reason(stored) == "Unscheduled"

    workflow.schedule(article=stored, actor=publisher, at=when + timedelta(days=1))
    assert fresh(article).published_on == timezone.localdate(when + timedelta(days=1))


def test_a_scheduled_article_published_now_shows_todays_date_not_the_scheduled_one(publisher):
    article = ArticleFactory(draft=True)
    workflow.schedule(article=fresh(article), actor=publisher, at=timezone.now() + timedelta(days=30))

    workflow.perform(Move.PUBLISH, article=fresh(article), actor=publisher)

    stored = fresh(article)
    assert stored.published_on == timezone.localdate() == timezone.localdate(stored.published_at)


def test_a_publication_date_the_editor_set_stays_when_published_now(publisher):
    article = ArticleFactory(draft=True, published_on=timezone.localdate() - timedelta(days=400))
    workflow.perform(Move.PUBLISH, article=fresh(article), actor=publisher)
    assert fresh(article).published_on == timezone.localdate() - timedelta(days=400)


def test_a_schedule_needs_a_future_time_and_a_publisher(editor, publisher):
    article = ArticleFactory(draft=True)
    with pytest.raises(ValueError, match="future"):
        workflow.schedule(article=fresh(article), actor=publisher, at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(PermissionDenied):
        workflow.schedule(article=fresh(article), actor=editor, at=timezone.now() + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        workflow.unschedule(article=ArticleFactory(scheduled=True), actor=editor)
    with pytest.raises(ValueError, match="scheduled"):
        workflow.unschedule(article=ArticleFactory(), actor=publisher)
    assert fresh(article).status == Article.Status.DRAFT


@pytest.mark.parametrize("actor_name", ["editor", "publisher"])
def test_an_edit_to_a_scheduled_articles_body_returns_it_to_draft(actor_name, request):
    article = ArticleFactory(scheduled=True)
    edited = fresh(article)
    edited.body = "<p>Rewritten.</p>"
    saved = publishing.save_draft(article=edited, actor=request.getfixturevalue(actor_name))
    assert saved is publishing.Saved.UNSCHEDULED
    stored = fresh(article)
    assert (stored.status, stored.published_at, stored.body) == ("draft", None, "<p>Rewritten.</p>")


def test_an_edit_to_a_scheduled_articles_title_keeps_it_scheduled(publisher):
    article = ArticleFactory(scheduled=True)
    edited = fresh(article)
    edited.title = "A better title"
    assert publishing.save_draft(article=edited, actor=publisher) is publishing.Saved.WRITTEN
    assert workflow.state_of(fresh(article)) == State.SCHEDULED


def test_live_moves_unpublish_archive_and_archived_back_to_draft(editor, publisher):
    live = store_pending_changes(ArticleFactory(), editor, title="Pending title")
    for move in (Move.PUBLISH_PENDING, Move.UNPUBLISH, Move.ARCHIVE, Move.BACK_TO_DRAFT):
        with pytest.raises((PermissionDenied, ValueError)):
            workflow.perform(move, article=fresh(live), actor=editor)
    workflow.perform(Move.PUBLISH_PENDING, article=fresh(live), actor=publisher)
    assert (fresh(live).title, workflow.state_of(fresh(live))) == ("Pending title", State.LIVE)
    workflow.perform(Move.ARCHIVE, article=fresh(live), actor=publisher)
    assert workflow.state_of(fresh(live)) == State.ARCHIVED
    workflow.perform(Move.BACK_TO_DRAFT, article=fresh(live), actor=publisher)
    assert workflow.state_of(fresh(live)) == State.DRAFT
    with pytest.raises(ValueError, match="no move"):
        workflow.perform(Move.UNPUBLISH, article=fresh(live), actor=publisher)
    other = ArticleFactory()
    workflow.perform(Move.UNPUBLISH, article=fresh(other), actor=publisher)
    assert workflow.state_of(fresh(other)) == State.DRAFT


def test_the_setting_refuses_publish_and_schedule_without_a_current_sign_off(publisher, reviewer):
    SiteSettings.objects.update_or_create(pk=1, defaults={"publish_requires_sign_off": True})
    article = ArticleFactory(draft=True)
    for move, at in ((Move.PUBLISH, None), (Move.SCHEDULE, timezone.now() + timedelta(days=1))):
        with pytest.raises(ValidationError, match="needs a current medical sign-off"):
            workflow.perform(move, article=fresh(article), actor=publisher, at=at)
    assert fresh(article).status == Article.Status.DRAFT

    publishing.sign_off_review(article=fresh(article), reviewer=reviewer.reviewer_profile, actor=reviewer)
    edited = fresh(article)
    edited.body = "<p>Changed after the sign-off.</p>"
    with pytest.raises(ValidationError, match="sign-off"):
        publishing.publish(article=edited, actor=publisher)

    workflow.perform(Move.PUBLISH, article=fresh(article), actor=publisher)
    assert workflow.state_of(fresh(article)) == State.LIVE


def test_without_the_setting_an_unreviewed_article_is_published(publisher):
    article = ArticleFactory(draft=True, reviewed_by=ReviewerFactory(), reviewed_at=None)
    publishing.publish(article=fresh(article), actor=publisher)
    assert fresh(article).status == Article.Status.PUBLISHED
