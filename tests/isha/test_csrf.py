"""django-modern-csrf's rules, one test each, on every public form.

The public forms (the sign-up form, the confirmation button and reader feedback) carry no CSRF token, so
that they work on cached pages for visitors without cookies; Django's token check is off
for them and django-modern-csrf decides from the request's ``Sec-Fetch-Site`` (Fetch
Metadata, https://www.w3.org/TR/fetch-metadata/) and ``Origin`` headers. The unsubscribe
URL is exempt by design: RFC 8058 one-click POSTs come from mail providers, and the
secret token in its URL is what authenticates them.

Accepted means the view ran (a sign-up is stored; a confirmation with an unknown token
gets the view's own "link expired" page, 400); refused means django-modern-csrf's 403.
"""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import ReaderFeedback
from signups.models import Subscriber
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


def post_signup(client, **headers):
    response = client.post("/signup/", {"email": "jane@example.com"}, **headers)
    accepted = Subscriber.objects.filter(email="jane@example.com").exists()
    assert accepted == (response.status_code != 403), response.status_code
    return response


def post_confirm(client, **headers):
    return client.post("/signup/confirm/not-a-real-token/", **headers)


def post_feedback(client, **headers):
    article = ArticleFactory()
    response = client.post(reverse("articles:feedback", args=[article.slug]), {"helpful": "yes"}, **headers)
    accepted = ReaderFeedback.objects.filter(article=article).exists()
    assert accepted == (response.status_code != 403), response.status_code
    return response


FORMS = {"signup": post_signup, "confirm": post_confirm, "feedback": post_feedback}


@pytest.fixture(autouse=True)
def _no_fill_time_check(settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 0


@pytest.fixture
def csrf_client():
    """A browser-like client: Django's token check is enforced, and no cookie is kept."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture(params=FORMS, ids=list(FORMS))
def send(request):
    return FORMS[request.param]


def refused(response):
    return response.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": ORIGIN},
        # The person typed the address or used a bookmark: no site initiated it.
        {"HTTP_SEC_FETCH_SITE": "none"},
        # A browser without Fetch Metadata still sends Origin on a POST.
        {"HTTP_ORIGIN": ORIGIN},
    ],
    ids=["same-origin", "same-origin-with-origin", "user-initiated", "origin-only"],
)
def test_a_same_origin_post_is_accepted_without_cookie_or_token(csrf_client, send, headers):
    response = send(csrf_client, **headers)
    assert not refused(response)
    assert "csrftoken" not in csrf_client.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        # A sibling subdomain (same site, other origin) is not us either.
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://news.evil.example"},
        # Another of the clinic's own origins is refused too unless CSRF_TRUSTED_ORIGINS
        # lists it (empty here).
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://www.ishahealth.com"},
    ],
    ids=["cross-site", "cross-site-with-origin", "same-site-other-origin", "cross-site-untrusted-origin"],
)
def test_a_cross_site_post_is_refused(csrf_client, send, headers):
    assert refused(send(csrf_client, **headers))


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://testserver.evil.example"])
def test_a_post_with_a_foreign_origin_and_no_fetch_metadata_is_refused(csrf_client, send, origin):
    assert refused(send(csrf_client, HTTP_ORIGIN=origin))


def test_a_post_with_neither_fetch_metadata_nor_origin_is_accepted(csrf_client, send):
    """A decision, written down in the README's security notes: only non-browser clients
    (curl, scripts) and browsers too old to send ``Origin`` send neither header, and a
    page on another site cannot make a browser send a POST without them. Refusing them
    would stop no attack and lock out old browsers."""
    assert not refused(send(csrf_client))


def test_the_one_click_unsubscribe_is_exempt_by_design(csrf_client):
    """RFC 8058: the mail provider POSTs from no page of ours; the URL's token decides
    (an unknown token is 404, never 403)."""
    response = csrf_client.post(
        "/signup/unsubscribe/not-a-real-token/",
        {"List-Unsubscribe": "One-Click"},
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://mail.example",
    )
    assert response.status_code == 404
