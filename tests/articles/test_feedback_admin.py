"""The reader feedback queue in the admin and the counts in the article list."""

import pytest
from django.urls import reverse

from articles import feedback
from articles.models import ReaderFeedback, UpdateNote
from signups.abuse import Hold
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

Kind = ReaderFeedback.Kind
QUEUE = reverse("admin:articles_readerfeedback_changelist")


def change_url(item):
    return reverse("admin:articles_readerfeedback_change", args=[item.pk])


@pytest.fixture
def article():
    return ArticleFactory(title="Ketamine and depression")


def record(article, kind=Kind.PROBLEM, message="", **kwargs):
    if kind == Kind.PROBLEM and not message:
        message = "The dose in the second table looks wrong."
    return feedback.record_feedback(article=article, kind=kind, shown_version=1, message=message, **kwargs)


def test_the_article_list_counts_votes_and_open_reports_linking_to_the_queue(editor_client, article):
    for kind in (Kind.HELPFUL, Kind.HELPFUL, Kind.NOT_HELPFUL, Kind.PROBLEM):
        record(article, kind)
    record(article, Kind.PROBLEM, hold=Hold(ReaderFeedback.HeldReason.TRAP, "Trap filled in."))
    ArticleFactory(title="Nobody wrote about this one")

    page = editor_client.get(reverse("admin:articles_article_changelist")).text

    assert "2 yes, 1 no" in page
    open_link = f"{QUEUE}?article__id__exact={article.pk}&amp;state=open"
    assert f'<a href="{open_link}">1</a>' in page  # the held report is not counted


def test_the_queue_shows_open_reports_and_held_ones_apart(editor_client, article):
    record(article, message="A broken link in the sources.")
    record(article, message="Buy pills", hold=Hold(ReaderFeedback.HeldReason.TOO_FAST, "Sent in 0.1 s."))
    record(article, Kind.HELPFUL)

    open_page = editor_client.get(QUEUE, {"state": "open"}).text
    held_page = editor_client.get(QUEUE, {"state": "held"}).text

    assert "A broken link in the sources." in open_page
    assert "Buy pills" not in open_page
    assert "Buy pills" in held_page
    assert "Held: sent too fast" in held_page


def test_an_editor_resolves_a_report_linking_the_correction_note(editor_client, editor, article):
    report = record(article, email="ann@example.com")
    note = UpdateNote.objects.create(article=article, text="Corrected the dose.", is_correction=True)
    elsewhere = UpdateNote.objects.create(article=ArticleFactory(), text="Other.", is_correction=True)

    form = editor_client.get(change_url(report)).text
    assert "The dose in the second table looks wrong." in form
    assert "ann@example.com" in form
    assert "Corrected the dose." in form
    assert "Other." not in form  # only this article's notes to choose from

    refused = editor_client.post(change_url(report), {"resolved": "on", "correction_note": elsewhere.pk})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.text

    response = editor_client.post(change_url(report), {"resolved": "on", "correction_note": note.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.resolved_by, report.correction_note) == (editor, note)
    assert report.resolved_at is not None
    assert "Resolved" in editor_client.get(QUEUE).text


def test_unticking_resolved_puts_the_report_back_in_the_queue(editor_client, editor, article):
    report = feedback.resolve(feedback=record(article), actor=editor)

    editor_client.post(change_url(report), {"correction_note": ""})

    report.refresh_from_db()
    assert report.resolved_at is None
    assert ReaderFeedback.objects.open_reports().get() == report


def test_the_actions_resolve_and_release(editor_client, article):
    report = record(article)
    held = record(article, Kind.HELPFUL, hold=Hold(ReaderFeedback.HeldReason.TRAP, "Trap filled in."))

    editor_client.post(QUEUE, {"action": "resolve_selected", "_selected_action": [report.pk]})
    editor_client.post(QUEUE, {"action": "release_selected", "_selected_action": [held.pk]})

    report.refresh_from_db()
    held.refresh_from_db()
    assert report.resolved_at is not None
    assert held.held_reason == ""
    assert "was held: trap field filled in" in held.held_note


def test_nobody_adds_feedback_in_the_admin_and_reviewers_only_read_it(
    client, reviewer, editor_client, article
):
    report = record(article)
    assert editor_client.get(reverse("admin:articles_readerfeedback_add")).status_code == 403

    client.force_login(reviewer)
    assert client.get(QUEUE).status_code == 200
    client.post(change_url(report), {"resolved": "on"})
    report.refresh_from_db()
    assert report.resolved_at is None
