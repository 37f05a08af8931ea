"""The sign-up form on a page Varnish served from its cache, in Chromium, with JavaScript and
without: the POST passes through the edge to the site, and one reader's success or
campaign never reaches another reader's cached page."""

import re

import pytest
from playwright.sync_api import expect

from signups.models import DEFAULT_SUCCESS, Subscriber
from tests.factories import ArticleFactory
from tests.isha.edge.conftest import edge, edge_servers  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.edge]


@pytest.fixture
def cached_article(edge):  # noqa: F811
    """An article whose page is in Varnish's cache; returns its URL through Varnish."""
    path = ArticleFactory(title="Ketamine and sleep").get_absolute_url()
    edge.get(path)
    assert edge.get(path).header("x-cache") == "hit"
    return edge.varnish.url + path


def signup_block(page):
    block = page.locator("#signup")
    return block, block.get_by_role("status"), block.get_by_label("Email address")


def test_with_javascript_a_reader_signs_up_from_the_cached_page_with_their_campaign(
    page,
    cached_article,
    edge,  # noqa: F811
):
    response = page.goto(cached_article + "?utm_source=news&utm_medium=email&utm_campaign=spring")
    assert response.headers["x-cache"] == "hit"  # the tracking parameters did not split the cache
    block, status, email = signup_block(page)

    email.fill("jane@example.com")
    block.get_by_role("button", name="Sign up").click()

    expect(status).to_contain_text(DEFAULT_SUCCESS)
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "jane@example.com"
    assert (subscriber.utm_source, subscriber.utm_medium, subscriber.utm_campaign) == (
        "news",
        "email",
        "spring",
    )

    # The next reader, on the same cached page without a campaign, sends none.
    page.goto(cached_article)
    block, status, email = signup_block(page)
    email.fill("john@example.com")
    block.get_by_role("button", name="Sign up").click()
    expect(status).to_contain_text(DEFAULT_SUCCESS)
    john = Subscriber.objects.get(email="john@example.com")
    assert (john.utm_source, john.utm_medium, john.utm_campaign) == ("", "", "")


def test_without_javascript_a_reader_signs_up_from_the_cached_page(browser, cached_article, edge):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    response = page.goto(cached_article)
    assert response.headers["x-cache"] == "hit"
    block, status, email = signup_block(page)

    email.fill("jane@example.com")
    block.get_by_role("button", name="Sign up").click()

    # The thanks has its own address, never cached (Varnish passes it: private, no-store).
    expect(page).to_have_url(re.compile(r"/signup/thanks/\?next=[^#]*$"))
    _block, status, _email = signup_block(page)
    expect(status).to_contain_text(DEFAULT_SUCCESS)
    page.get_by_role("link", name="Back to the page you were reading").click()
    expect(page).to_have_url(cached_article)
    assert Subscriber.objects.get().email == "jane@example.com"
    # Other readers of the article still get the form, from the cache.
    other = edge.get(cached_article.removeprefix(edge.varnish.url))
    assert other.header("x-cache") == "hit" and DEFAULT_SUCCESS not in other.body
    context.close()
