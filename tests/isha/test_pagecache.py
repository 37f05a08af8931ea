"""Anonymous readers get shared cached pages; nothing personal or stale leaks through."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path
from django.utils import timezone

from articles.models import SiteSettings
from isha.pagecache import cache_public_page
from signups.models import SignupFormCopy, Subscriber
from tests.factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def fetch(url, client=None):
    response = (client or Client()).get(url)
    return response, response.content.decode()


def test_a_second_anonymous_visitor_is_served_from_the_cache_without_queries(django_assert_num_queries):
    article = ArticleFactory()
    first, _ = fetch(article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second, _ = fetch(article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # Hits are answered early, but still inside the security-header middleware.
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Permissions-Policy",
        "Referrer-Policy",
    ):
        assert second[header] == first[header]


def test_saving_an_article_retires_cached_pages(django_capture_on_commit_callbacks):
    article = ArticleFactory(title="Before")
    fetch(article.get_absolute_url())
    fetch("/")
    article.title = "After"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert "After" in fetch(article.get_absolute_url())[1]
    assert "After" in fetch("/")[1]


def test_pages_are_retired_when_the_change_commits_not_before(django_capture_on_commit_callbacks):
    """Retired before the commit, a page would be refilled from the old row by the next
    reader and then kept for the whole cache time."""
    article = ArticleFactory(title="Before")
    fetch(article.get_absolute_url())
    article.title = "After"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article.save()
        response, html = fetch(article.get_absolute_url())
        assert response["X-Page-Cache"] == "hit" and "Before" in html
    for callback in callbacks:
        callback()
    response, html = fetch(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "After" in html


def test_a_change_rolled_back_retires_nothing(django_capture_on_commit_callbacks):
    article = ArticleFactory(title="Before")
    fetch(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        article.title = "Rolled back"
        article.save()
        transaction.set_rollback(True)
    response, html = fetch(article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit" and "Before" in html


def test_editing_the_sign_up_copy_or_site_settings_retires_cached_pages(django_capture_on_commit_callbacks):
    article = ArticleFactory()
    fetch(article.get_absolute_url())
    copy = SignupFormCopy.load()
    copy.heading = "Fresh heading"
    with django_capture_on_commit_callbacks(execute=True):
        copy.save()
    assert "Fresh heading" in fetch(article.get_absolute_url())[1]
    site = SiteSettings.load()
    site.disclosure = "Fresh disclosure."
    with django_capture_on_commit_callbacks(execute=True):
        site.save()
    assert "Fresh disclosure." in fetch(article.get_absolute_url())[1]


def test_changing_an_articles_topics_retires_cached_pages(django_capture_on_commit_callbacks):
    article = ArticleFactory()
    topic = TopicFactory(name="Sleep")
    assert "Sleep" not in fetch(article.get_absolute_url())[1]
    with django_capture_on_commit_callbacks(execute=True):
        article.topics.add(topic)
    assert "Sleep" in fetch(article.get_absolute_url())[1]


def test_a_scheduled_article_appears_when_its_time_comes_despite_the_cache():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ArticleFactory(title="Already out")
        scheduled = ArticleFactory(title="Coming soon", published_at=start + timedelta(minutes=5))
        assert "Coming soon" not in fetch("/")[1]
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        assert "Coming soon" in fetch("/")[1]
        assert fetch(scheduled.get_absolute_url())[0].status_code == 200


def test_logged_in_staff_are_never_served_or_stored_from_the_cache(admin_client):
    article = ArticleFactory(draft=True)
    public = ArticleFactory()
    staff_response = admin_client.get(article.get_absolute_url())
    assert "Preview: not published" in staff_response.content.decode()
    assert "X-Page-Cache" not in staff_response
    admin_client.get(public.get_absolute_url())
    assert fetch(public.get_absolute_url())[0]["X-Page-Cache"] == "miss"
    assert fetch(article.get_absolute_url())[0].status_code == 404


def test_cached_pages_carry_no_cookie_and_no_csrf_token():
    article = ArticleFactory()
    fetch(article.get_absolute_url())
    response, html = fetch(article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in html


def test_a_cookieless_visitor_signs_up_from_a_page_another_visitor_warmed(settings):
    """Without JavaScript and without cookies, through the cache, with CSRF enforced."""
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    article = ArticleFactory()
    url = article.get_absolute_url()
    Client().get(url)  # the first visitor warms the cache

    second = Client(enforce_csrf_checks=True)
    response = second.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert not second.cookies
    form_fields = _hidden_fields(response.content.decode())
    posted = second.post(
        "/signup/",
        {**form_fields, "email": "second@example.com"},
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )
    assert posted.status_code == 302
    assert Subscriber.objects.filter(email="second@example.com").exists()
    thanks = second.get(posted["Location"])
    assert SignupFormCopy.load().success_message in thanks.content.decode()


def test_a_forged_cross_site_post_is_still_refused_on_a_cached_page():
    article = ArticleFactory()
    Client().get(article.get_absolute_url())
    attacker = Client(enforce_csrf_checks=True)
    response = attacker.post(
        "/signup/",
        {"email": "victim@example.com", "next": article.get_absolute_url()},
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_turning_the_cache_off_renders_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticleFactory()
    fetch(article.get_absolute_url())
    assert "X-Page-Cache" not in fetch(article.get_absolute_url())[0]


def _hidden_fields(html):
    import re

    form = html[html.index('<form class="signup__form"') :]
    form = form[: form.index("</form>")]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def test_the_decorator_caches_on_its_own_without_the_middleware(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "isha.pagecache.PageCacheMiddleware"]
    article = ArticleFactory()
    assert fetch(article.get_absolute_url())[0]["X-Page-Cache"] == "miss"
    assert fetch(article.get_absolute_url())[0]["X-Page-Cache"] == "hit"


# Views for the cookie tests below (``pytest.mark.urls(__name__)``): each response gets a
# cookie at a different stage, the last two on its way out, after the view has returned.
@cache_public_page
def _sets_its_own_cookie(request):
    response = HttpResponse("own cookie")
    response.set_cookie("seen", "yes")
    return response


@cache_public_page
def _uses_a_csrf_token(request):
    return HttpResponse(f"token {get_token(request)}")


@cache_public_page
def _uses_the_session(request):
    request.session["visited"] = True
    return HttpResponse("session")


urlpatterns = [
    path("own-cookie/", _sets_its_own_cookie),
    path("csrf-cookie/", _uses_a_csrf_token),
    path("session-cookie/", _uses_the_session),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/own-cookie/", "/csrf-cookie/", "/session-cookie/"])
@pytest.mark.parametrize("middleware", [True, False], ids=["middleware", "decorator-alone"])
def test_a_response_that_set_a_cookie_on_its_way_out_is_never_stored(url, middleware, settings):
    """Another visitor would get the first one's CSRF token or session."""
    if not middleware:
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "isha.pagecache.PageCacheMiddleware"]
    first = Client().get(url)
    assert first.status_code == 200 and first.cookies
    second = Client().get(url)
    assert second.get("X-Page-Cache") != "hit"
    assert second.cookies


def test_a_cached_page_is_refused_to_a_host_outside_allowed_hosts():
    """A hit is answered before Django's own host check would run: it must run first."""
    article = ArticleFactory()
    fetch(article.get_absolute_url())
    assert fetch(article.get_absolute_url())[0]["X-Page-Cache"] == "hit"

    forged = Client().get(article.get_absolute_url(), HTTP_HOST="evil.example")

    assert forged.status_code == 400
    assert article.title not in forged.content.decode()


def test_cached_pages_are_not_all_dropped_on_a_timer():
    """The generation lives until content changes; the cache's default 300 s is no limit."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        article = ArticleFactory()
        fetch(article.get_absolute_url())
    with time_machine.travel(start + timedelta(seconds=301), tick=False):
        fetch("/")
        assert fetch(article.get_absolute_url())[0]["X-Page-Cache"] == "hit"


def test_caching_resumes_as_soon_as_a_scheduled_article_is_out():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ArticleFactory(title="Coming soon", published_at=start + timedelta(minutes=5))
        fetch("/")
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        first, html = fetch("/")
        assert "Coming soon" in html and first["X-Page-Cache"] == "miss"
        assert fetch("/")[0]["X-Page-Cache"] == "hit"
