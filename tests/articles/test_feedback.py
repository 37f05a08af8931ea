"""Reader feedback on article pages: "Was this page helpful?" and "Report a problem"."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from articles import feedback
from articles.models import Article, ReaderFeedback, SlugRedirect, UpdateNote
from articles.models.feedback import feedback_counts
from signups.abuse import STAMP_SALT
from signups.models import Subscriber
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
Kind = ReaderFeedback.Kind


def form_stamp(seconds_ago=60):
    """The hidden ``rendered_at`` of a form shown ``seconds_ago`` (a person's pace)."""
    return signing.dumps(time.time() - seconds_ago, salt=STAMP_SALT)


@pytest.fixture
def article():
    return ArticleFactory(title="Ketamine and depression", slug="ketamine-and-depression")


@pytest.fixture
def send(client, article):
    """POST the feedback form as a reader would: ``send(helpful="yes")``, ``send(message=...)``;
    ``rendered_at=None`` leaves the stamp out; headers as keyword arguments in capitals."""

    def post(*, to=None, **fields):
        headers = {name: value for name, value in fields.items() if name.isupper()}
        data = {"version": str(article.version), "rendered_at": form_stamp()}
        data |= {name: value for name, value in fields.items() if not name.isupper()}
        data = {name: value for name, value in data.items() if value is not None}
        return client.post(reverse("articles:feedback", args=[(to or article).slug]), data, **headers)

    return post


def test_every_article_ends_with_both_forms_carrying_nothing_per_visitor(client, article):
    html = client.get(article.get_absolute_url()).text

    assert "Was this page helpful?" in html
    assert "Report a problem with this page" in html
    assert html.count(f'action="{reverse("articles:feedback", args=[article.slug])}"') == 2
    assert f'name="version" value="{article.version}"' in html
    assert "csrfmiddlewaretoken" not in html
    assert html.index('id="feedback"') < html.index('id="signup"')


def test_article_pages_stay_cached_before_and_after_feedback(settings, article, send):
    settings.PAGE_CACHE_SECONDS = 600
    reader = Client()
    reader.get(article.get_absolute_url())
    assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    assert send(helpful="yes").status_code == 302
    assert send(message="The dose in the second table looks wrong.").status_code == 302

    response = reader.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert "Set-Cookie" not in response


def test_a_yes_vote_is_stored_with_the_article_and_version_and_thanked(client, article, send):
    response = send(helpful="yes")

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?feedback=yes#feedback"
    vote = ReaderFeedback.objects.get()
    assert (vote.article, vote.kind, vote.article_version) == (article, Kind.HELPFUL, article.version)
    assert vote.held_reason == ""
    page = client.get(response["Location"]).text
    assert "Thank you for your feedback." in page
    assert 'value="yes"' not in page  # the vote form is gone; the report form stays
    assert "Report a problem with this page" in page


def test_a_no_vote_opens_the_report_form_inviting_details(client, send):
    response = send(helpful="no")

    assert ReaderFeedback.objects.get().kind == Kind.NOT_HELPFUL
    page = client.get(response["Location"]).text
    assert "Tell us below what was missing or wrong" in page
    assert '<details class="feedback__report" open>' in page


def test_a_problem_report_keeps_its_text_and_optional_email(client, send):
    response = send(
        message="  The phone number of the crisis line is out of date. ", reply_email="ann@example.com"
    )

    report = ReaderFeedback.objects.get()
    assert report.kind == Kind.PROBLEM
    assert report.message == "The phone number of the crisis line is out of date."
    assert report.email == "ann@example.com"
    assert "Thank you for your report." in client.get(response["Location"]).text


def test_the_page_script_gets_json(send):
    answer = send(message="A broken link in the sources.", **JSON)

    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "message": "Thank you for your report. An editor reads every one.",
        "outcome": "reported",
        "errors": {},
    }


def test_an_empty_report_is_refused_with_a_clear_message(send):
    response = send(message="   ", reply_email="ann@example.com")

    assert response.status_code == 400
    assert "Describe the problem, in a sentence or two." in response.text
    assert 'value="ann@example.com"' in response.text
    assert not ReaderFeedback.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"message": "x" * 2001}, "Please keep it under 2000 characters (this has 2001)."),
        ({"message": "Typo in the title.", "reply_email": "ann@"}, "Enter a valid email address"),
    ],
    ids=["too-long", "bad-email"],
)
def test_bad_input_gets_a_form_message_and_keeps_what_was_typed(send, fields, error):
    response = send(**fields)

    assert response.status_code == 400
    assert error in response.text
    assert fields["message"] in response.text
    assert "Back to “Ketamine and depression”" in response.text

    answer = send(**fields, **JSON)
    assert answer.status_code == 400
    assert answer.json()["ok"] is False
    assert any(error in message for messages in answer.json()["errors"].values() for message in messages)
    assert not ReaderFeedback.objects.exists()


def test_a_vote_without_a_choice_is_refused(send):
    response = send(helpful="maybe")

    assert response.status_code == 400
    assert "Choose Yes or No." in response.text


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"hp_q7x": "https://spam.example"}, ReaderFeedback.HeldReason.TRAP),
        ({"rendered_at": "just now"}, ReaderFeedback.HeldReason.TOO_FAST),
        ({"rendered_at": None}, ReaderFeedback.HeldReason.NO_STAMP),
        ({"rendered_at": "forged"}, ReaderFeedback.HeldReason.NO_STAMP),
    ],
    ids=["trap", "too-fast", "no-stamp", "forged-stamp"],
)
def test_feedback_that_looks_automated_is_held_not_dropped_and_not_counted(send, article, fields, reason):
    if fields.get("rendered_at") == "just now":
        fields = {"rendered_at": form_stamp(seconds_ago=0)}
    response = send(message="Buy cheap pills at spam.example", **fields)

    assert response.status_code == 302  # answered like anyone's
    held = ReaderFeedback.objects.get()
    assert held.held_reason == reason
    assert held.held_note
    counted = Article.objects.annotate(**feedback_counts()).get(pk=article.pk)
    assert counted.open_reports == 0


def test_feedback_has_its_own_rate_limit_and_keeps_the_typed_text(send, settings, client):
    settings.FEEDBACK_RATE_LIMIT = "2/m"
    settings.SIGNUP_RATE_LIMIT = "2/m"
    assert [send(helpful="yes").status_code for _ in range(2)] == [302, 302]

    turned_away = send(message="The second table is missing a unit.")

    assert turned_away.status_code == 429
    assert turned_away["Retry-After"] == "60"
    assert "Please try again in a minute" in turned_away.text
    assert "The second table is missing a unit." in turned_away.text
    assert ReaderFeedback.objects.count() == 2
    answer = send(message="The second table is missing a unit.", **JSON)
    assert answer.status_code == 429
    assert answer.json() == {"ok": False, "message": turned_away.context["status_message"], "errors": {}}
    # The sign-up counts on its own: feedback did not use up a reader's sign-ups.
    client.post(reverse("signups:signup"), {"email": "ann@example.com", "rendered_at": form_stamp()})
    assert Subscriber.objects.filter(email="ann@example.com").exists()


def test_only_published_articles_take_feedback(send):
    draft = ArticleFactory(draft=True)

    assert send(helpful="yes", to=draft).status_code == 404
    assert not ReaderFeedback.objects.exists()


def test_a_page_opened_before_a_slug_change_still_sends_its_feedback(send, article):
    old_slug = article.slug
    article.slug = "ketamine-for-depression"
    article.save()
    SlugRedirect.objects.create(old_slug=old_slug, article=article)

    response = send(helpful="no", to=Article(slug=old_slug))

    assert response["Location"] == "/articles/ketamine-for-depression/?feedback=no#feedback"
    assert ReaderFeedback.objects.get().article == article


def test_the_feedback_address_only_takes_posts(client, article):
    assert client.get(reverse("articles:feedback", args=[article.slug])).status_code == 405


def test_the_version_the_reader_saw_is_kept_and_an_impossible_one_is_not(send, article):
    Article.objects.filter(pk=article.pk).update(version=5)

    send(helpful="yes", version="3")
    send(helpful="yes", version="99")
    send(helpful="yes", version="x")

    assert list(ReaderFeedback.objects.order_by("pk").values_list("article_version", flat=True)) == [3, 5, 5]


def test_previews_for_staff_show_no_feedback_forms(client, django_user_model):
    from tests.articles.admin_support import staff_in

    client.force_login(staff_in("Editors", django_user_model, "edna"))
    draft = ArticleFactory(draft=True)

    page = client.get(draft.get_absolute_url()).text

    assert "Preview: not published." in page
    assert "Was this page helpful?" not in page


# The service


def test_resolving_needs_the_change_permission_and_a_note_of_the_same_article(article, django_user_model):
    from django.core.exceptions import PermissionDenied

    from tests.articles.admin_support import staff_in

    report = feedback.record_feedback(article=article, kind=Kind.PROBLEM, shown_version=1, message="Typo.")
    stranger = django_user_model.objects.create_user("someone", is_staff=True)
    editor = staff_in("Editors", django_user_model, "edna")
    other_note = UpdateNote.objects.create(article=ArticleFactory(), text="Fixed.", is_correction=True)

    with pytest.raises(PermissionDenied):
        feedback.resolve(feedback=report, actor=stranger)
    with pytest.raises(ValueError, match="another article"):
        feedback.resolve(feedback=report, actor=editor, correction_note=other_note)

    note = UpdateNote.objects.create(article=article, text="Corrected a typo.", is_correction=True)
    feedback.resolve(feedback=report, actor=editor, correction_note=note)
    report.refresh_from_db()
    assert (report.resolved_by, report.correction_note) == (editor, note)
    assert report.resolved_at is not None
    assert ReaderFeedback.objects.open_reports().count() == 0

    feedback.reopen(feedback=report, actor=editor)
    assert ReaderFeedback.objects.open_reports().get() == report
