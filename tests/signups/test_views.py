from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from signups.forms import SignupForm
from signups.models import (
    DEFAULT_CHECK_INBOX,
    DEFAULT_ERROR,
    DEFAULT_SUCCESS,
    SignupEvent,
    SignupFormCopy,
    Subscriber,
)
from tests.factories import ArticleFactory, SubscriberFactory
from tests.signups.conftest import form_stamp

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("signups:signup")
THANKS_URL = reverse("signups:thanks")
JSON = {"HTTP_ACCEPT": "application/json"}


def thanks(next_path):
    """Where a sign-up without JavaScript from ``next_path`` is sent."""
    return f"{THANKS_URL}?{urlencode({'next': next_path})}"


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def edited_copy():
    copy = SignupFormCopy.load()
    copy.heading = "Get our clinical notes"
    copy.intro = "Twice a month.\nNo spam."
    copy.button_label = "Count me in"
    copy.success_message = "You are on the list, welcome."
    copy.error_message = "That did not work, please check the address."
    copy.check_inbox_message = "Look for our email."
    copy.save()
    return copy


def post(client, email, next_path="/", **extra):
    return client.post(SIGNUP_URL, {"email": email, "next": next_path, "rendered_at": form_stamp()}, **extra)


# The page and the block


def test_the_signup_page_shows_the_form_with_the_default_copy(client):
    response = client.get(SIGNUP_URL)

    assert response.status_code == 200
    assert "Sign up for the Isha Health newsletter" in response.text
    assert 'name="email"' in response.text
    assert 'role="status"' in response.text
    assert DEFAULT_SUCCESS not in response.text


def test_an_article_page_shows_the_form_posting_to_signup_with_the_page_as_next(client, article):
    response = client.get(article.get_absolute_url())

    assert f'action="{SIGNUP_URL}"' in response.text
    assert f'name="next" value="{article.get_absolute_url()}"' in response.text


def test_the_blocks_plain_markup_matches_the_forms_fields(client, article):
    # The block is written out by hand (no form rendering): it must say what the form checks.
    text = client.get(article.get_absolute_url()).text

    email = SignupForm.base_fields["email"]
    assert f'maxlength="{email.max_length}"' in text
    assert f'autocomplete="{email.widget.attrs["autocomplete"]}"' in text
    assert f'placeholder="{email.widget.attrs["placeholder"]}"' in text
    assert f'for="id_email" class="form-label requiredField">{email.label}<' in text
    for name, field in SignupForm.base_fields.items():
        kind = "hidden" if field.widget.is_hidden else field.widget.input_type
        assert f'<input type="{kind}" name="{name}"' in text


def test_the_form_carries_no_csrf_token_so_cached_pages_stay_shareable(client, article):
    response = client.get(article.get_absolute_url())

    assert "csrfmiddlewaretoken" not in response.text
    assert "csrftoken" not in response.cookies


def test_admin_edited_copy_appears_on_article_pages_and_the_signup_page(client, article, edited_copy):
    for url in (article.get_absolute_url(), SIGNUP_URL):
        text = client.get(url).text
        assert "Get our clinical notes" in text
        assert "Twice a month.<br>No spam." in text
        assert ">Count me in</button>" in text
        assert "Sign up for the Isha Health newsletter" not in text


def test_admin_edited_success_message_replaces_the_form_on_the_thanks_page(client, article, edited_copy):
    text = client.get(THANKS_URL).text

    assert "You are on the list, welcome." in text
    assert text.index("You are on the list, welcome.") < text.index("Look for our email.")
    assert "data-signup-form" not in text


def test_the_old_thanks_parameter_no_longer_changes_a_page(client, article, edited_copy):
    text = client.get(article.get_absolute_url() + "?signup=thanks").text

    assert "You are on the list, welcome." not in text
    assert "data-signup-form" in text


def test_admin_edited_error_message_appears_on_an_invalid_sign_up(client, edited_copy):
    response = post(client, "not-an-address")

    assert "That did not work, please check the address." in response.text
    assert DEFAULT_ERROR not in response.text


def test_markup_in_the_edited_copy_is_shown_as_text(client, article):
    copy = SignupFormCopy.load()
    copy.heading = "<b>Bold</b> news"
    copy.save()

    text = client.get(article.get_absolute_url()).text

    assert "<b>Bold</b>" not in text
    assert "&lt;b&gt;Bold&lt;/b&gt; news" in text


def test_other_methods_are_not_allowed(client):
    assert client.put(SIGNUP_URL).status_code == 405


def test_head_answers_like_get_for_monitors_and_link_checkers(client):
    assert client.head(SIGNUP_URL).status_code == 200


# A valid sign-up without JavaScript


def test_a_valid_sign_up_redirects_to_next_and_that_page_then_shows_the_success_message(
    client, article, edited_copy
):
    response = post(client, "jane@example.com", article.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == thanks(article.get_absolute_url())
    page = client.get(response["Location"])
    assert "You are on the list, welcome." in page.text
    assert 'name="email"' not in page.text
    assert f'<a href="{article.get_absolute_url()}">Back to the page you were reading</a>' in page.text


def test_the_thanks_page_is_never_stored_by_any_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 600

    for _ in range(2):
        response = client.get(THANKS_URL + "?next=/")
        assert "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("next_path", ["https://evil.example/", "//evil.example", "javascript:alert(1)", ""])
def test_the_thanks_page_links_back_only_to_this_site(client, next_path):
    text = client.get(THANKS_URL, {"next": next_path}).text

    assert "Back to the page you were reading" not in text
    assert "evil.example" not in text
    assert DEFAULT_SUCCESS in text


def test_the_thanks_page_answers_only_get_and_head(client):
    assert client.head(THANKS_URL).status_code == 200
    assert client.post(THANKS_URL).status_code == 405


def test_a_sign_up_from_an_article_records_the_page_and_the_article(client, article):
    post(client, "jane@example.com", article.get_absolute_url())

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "jane@example.com"
    assert subscriber.source_path == article.get_absolute_url()
    assert subscriber.source_article == article
    assert subscriber.events.get().article == article


def test_a_sign_up_from_a_draft_articles_path_does_not_link_the_draft(client):
    draft = ArticleFactory(draft=True)

    post(client, "jane@example.com", draft.get_absolute_url())

    subscriber = Subscriber.objects.get()
    assert subscriber.source_path == draft.get_absolute_url()
    assert subscriber.source_article is None


def test_a_sign_up_from_the_signup_page_comes_back_to_it_with_the_success_message(client):
    response = post(client, "jane@example.com", SIGNUP_URL)

    assert response["Location"] == thanks(SIGNUP_URL)
    page = client.get(response["Location"]).text
    assert DEFAULT_SUCCESS in page
    assert DEFAULT_CHECK_INBOX in page
    assert "Back to the page you were reading" not in page


@pytest.mark.parametrize("again", ["JANE@example.COM", "  jane@example.com  ", "Jane@Example.Com\t"])
def test_the_same_address_again_succeeds_without_a_new_subscriber_but_with_a_new_event(
    client, article, again
):
    post(client, "jane@example.com", article.get_absolute_url())

    response = post(client, again, SIGNUP_URL)

    assert response.status_code == 302
    assert response["Location"] == thanks(SIGNUP_URL)
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "jane@example.com"
    assert subscriber.source_article == article
    assert list(subscriber.events.order_by("pk").values_list("path", flat=True)) == [
        article.get_absolute_url(),
        SIGNUP_URL,
    ]


def test_the_next_page_loses_its_query_string_and_fragment(client, article):
    url = article.get_absolute_url()

    response = post(client, "jane@example.com", f"{url}?signup=thanks&utm_source=x#refs")

    assert response["Location"] == thanks(url)
    assert Subscriber.objects.get().source_path == url


# Redirects only to this site


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example/",
        "//evil.example",
        "//evil.example/articles/x/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "",
        "/" + "a" * 600,
    ],
)
def test_a_next_outside_this_site_redirects_to_the_signup_page(client, next_path):
    response = post(client, "jane@example.com", next_path)

    assert response.status_code == 302
    assert response["Location"] == thanks(SIGNUP_URL)
    assert Subscriber.objects.get().source_path == SIGNUP_URL


def test_a_next_with_line_breaks_cannot_add_a_header(client):
    response = post(client, "jane@example.com", "/page\r\nSet-Cookie: x=1")

    assert response.status_code == 302
    assert "\n" not in response["Location"]
    assert "x" not in response.cookies


# Invalid and hostile input

HOSTILE = {
    "empty": ("", "Enter your email address."),
    "too-long": ("a" * 250 + "@example.com", "That address is too long"),
    "script": ("<script>alert(1)</script>@x.com", "Enter a valid email address"),
    "control-character": ("jane\x07doe@example.com", "Enter a valid email address"),
    "null-character": ("jane\x00@example.com", "Null characters are not allowed."),
    "plus-prefix": ("+1234@example.com", "An address cannot start with +."),
    "equals-prefix": ("=cmd|calc@example.com", "An address cannot start with =."),
}


@pytest.mark.parametrize(("email", "field_error"), HOSTILE.values(), ids=HOSTILE.keys())
def test_invalid_input_answers_400_with_the_error_copy_and_the_field_error(client, email, field_error):
    response = post(client, email, "/articles/x/")

    assert response.status_code == 400
    assert "signups/signup.html" in [t.name for t in response.templates]
    assert DEFAULT_ERROR in response.text
    assert escape(field_error) in response.text
    assert 'aria-invalid="true"' in response.text
    assert not Subscriber.objects.exists()
    assert not SignupEvent.objects.exists()


@pytest.mark.parametrize(("email", "field_error"), HOSTILE.values(), ids=HOSTILE.keys())
def test_invalid_input_is_never_echoed_as_markup(client, email, field_error):
    text = post(client, email).text

    assert "<script>" not in text
    assert "<script>alert(1)</script>" not in text


@pytest.mark.parametrize(
    "email",
    ["not-an-address", "<script>alert(1)</script>@x.com", "a" * 250 + "@example.com", "+1234@example.com"],
)
def test_the_typed_value_is_kept_escaped_in_the_field(client, email):
    text = post(client, email).text

    assert f'value="{escape(email)}"' in text


def test_the_next_page_is_kept_so_a_corrected_sign_up_returns_to_the_article(client, article):
    url = article.get_absolute_url()

    response = post(client, "not-an-address", url)

    assert f'name="next" value="{url}"' in response.text


def test_an_invalid_sign_up_does_not_touch_an_existing_subscriber(client):
    SubscriberFactory(email="jane@example.com")

    post(client, "+jane@example.com")

    assert Subscriber.objects.count() == 1
    assert not SignupEvent.objects.exists()


# The page script's JSON


def test_json_success_answers_ok_with_the_success_message(client, article, edited_copy):
    response = post(client, "jane@example.com", article.get_absolute_url(), **JSON)

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "message": "You are on the list, welcome.",
        "detail": "Look for our email.",
        "errors": {},
    }
    assert Subscriber.objects.get().source_article == article


def test_json_repeat_sign_up_answers_ok_too(client):
    SubscriberFactory(email="jane@example.com")

    response = post(client, "Jane@Example.com", **JSON)

    assert response.json()["ok"] is True
    assert Subscriber.objects.count() == 1
    assert SignupEvent.objects.count() == 1


def test_json_failure_answers_400_with_the_error_message_and_field_errors(client, edited_copy):
    response = post(client, "<script>alert(1)</script>@x.com", **JSON)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "ok": False,
        "message": "That did not work, please check the address.",
        "detail": "",
        "errors": {"email": ["Enter a valid email address, like name@example.com."]},
    }
    assert not Subscriber.objects.exists()


# Cross-site request forgery


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://news.evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
    ids=["origin", "fetch-site", "both", "same-site-other-origin", "null-origin"],
)
def test_a_forged_cross_site_post_is_refused_and_records_nothing(csrf_client, headers):
    response = post(csrf_client, "victim@example.com", **headers)

    assert response.status_code == 403
    assert "This form could not be sent" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not SignupEvent.objects.exists()


def test_a_forged_cross_site_fetch_asking_for_json_is_refused(csrf_client):
    response = post(csrf_client, "victim@example.com", HTTP_SEC_FETCH_SITE="cross-site", **JSON)

    assert response.status_code == 403
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},
    ],
    ids=["fetch-site", "fetch-site-and-origin", "origin"],
)
def test_a_same_origin_post_succeeds_without_a_cookie_or_token(csrf_client, headers):
    response = post(csrf_client, "jane@example.com", **headers)

    assert response.status_code == 302
    assert Subscriber.objects.filter(email="jane@example.com").exists()
    assert "csrftoken" not in csrf_client.cookies


def test_an_international_address_too_long_in_ascii_answers_400_and_stores_nothing(client):
    # 231 characters as typed, 279 once the domain is in ASCII: PostgreSQL refused the row (a 500).
    email = "a" * 60 + "@" + ".".join(["ü" * 20] * 8) + ".de"

    response = client.post(SIGNUP_URL, {"email": email, "next": "/"})

    assert response.status_code == 400
    assert Subscriber.objects.count() == 0
