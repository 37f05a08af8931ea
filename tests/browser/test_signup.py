"""The sign-up block in a real browser: with JavaScript, without it, and by keyboard."""

import re

import pytest
from playwright.sync_api import expect

from signups.models import DEFAULT_CHECK_INBOX, DEFAULT_ERROR, DEFAULT_SUCCESS, Subscriber
from tests.factories import ArticleFactory

pytestmark = pytest.mark.browser

WAIT_LABEL = "Please wait..."
# The success message, then the "check your inbox" copy.
SUCCESS_TEXT = re.compile(rf"^\s*{re.escape(DEFAULT_SUCCESS)}\s*{re.escape(DEFAULT_CHECK_INBOX)}\s*$")


def expect_success(status):
    expect(status).to_have_text(SUCCESS_TEXT)
    expect(status.get_by_role("paragraph").first).to_have_text(DEFAULT_SUCCESS)


@pytest.fixture
def article_path(live_server):
    return ArticleFactory().get_absolute_url()


@pytest.fixture
def article_url(live_server, article_path):
    return live_server.url + article_path


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def signup_block(page):
    block = page.locator("#signup")
    return block, block.get_by_role("status"), block.get_by_label("Email address")


def hold_signup_posts(page):
    """Keep the sign-up POST waiting until the test lets it through; returns the held routes."""
    held = []

    def handle(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/signup/$"), handle)
    return held


def test_with_javascript_the_success_message_is_announced_without_a_reload(page, article_path, article_url):
    page.goto(article_url)
    block, status, email = signup_block(page)
    button = block.locator('button[type="submit"]')
    expect(button).to_have_text("Sign up")
    page.evaluate("window.notReloaded = true")
    held = hold_signup_posts(page)

    email.fill("jane@example.com")
    button.click()

    expect(button).to_have_text(WAIT_LABEL)
    expect(button).to_be_disabled()
    for _ in range(500):
        if held:
            break
        page.wait_for_timeout(10)
    else:
        pytest.fail("the script never sent the sign-up")
    assert not Subscriber.objects.exists()
    held[0].continue_()
    expect_success(status)
    expect(block.locator("form")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    assert page.url == article_url
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "jane@example.com"
    assert subscriber.source_path == article_path


def test_with_javascript_an_invalid_address_shows_the_error_and_marks_the_field(page, article_url):
    page.goto(article_url)
    block, status, email = signup_block(page)

    email.fill("not-an-address")
    block.get_by_role("button", name="Sign up").click()

    expect(status).to_have_text(DEFAULT_ERROR)
    expect(block.get_by_text("Enter a valid email address, like name@example.com.")).to_be_visible()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Enter a valid email address"))
    expect(block.get_by_role("button", name="Sign up")).to_be_enabled()
    assert not Subscriber.objects.exists()


def test_with_javascript_a_second_error_replaces_the_servers_error_instead_of_adding_one(page, article_url):
    page.goto(article_url)
    block, _status, email = signup_block(page)
    email.fill("first-mistake")
    # submit() skips the script's handler: the page becomes the server's 400 answer.
    block.locator("form").evaluate("form => form.submit()")
    expect(page).to_have_url(re.compile(r"/signup/$"))
    block, _status, email = signup_block(page)
    expect(email).to_have_value("first-mistake")

    email.fill("+second@example.com")
    block.get_by_role("button", name="Sign up").click()

    expect(block.locator(".invalid-feedback")).to_have_text("An address cannot start with +.")
    expect(email).to_have_attribute("aria-invalid", "true")
    # Only the new error describes the field: the server's is gone, not hidden behind it.
    expect(email).to_have_accessible_description(re.compile(r"^\W*An address cannot start with \+\.$"))


def test_without_javascript_the_form_posts_and_the_article_shows_the_success_message(no_js_page, article_url):
    page = no_js_page
    page.goto(article_url)
    block, status, email = signup_block(page)

    email.fill("jane@example.com")
    block.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/signup/thanks/\?next=[^#]*$"))
    block, status, email = signup_block(page)
    expect_success(status)
    expect(status).to_be_focused()
    expect(email).to_have_count(0)
    assert Subscriber.objects.get().email == "jane@example.com"

    page.get_by_role("link", name="Back to the page you were reading").click()
    expect(page).to_have_url(article_url)
    # The article itself never shows anyone's success message.
    expect(signup_block(page)[2]).to_be_visible()


def test_without_javascript_an_invalid_address_shows_the_error_page_with_the_value_kept(
    no_js_page, article_url
):
    page = no_js_page
    page.goto(article_url)
    block, status, email = signup_block(page)
    typed = "<script>alert(1)</script>@x.com"

    email.fill(typed)
    block.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/signup/$"))
    block, status, email = signup_block(page)
    expect(status).to_have_text(DEFAULT_ERROR)
    expect(block.get_by_text("Enter a valid email address, like name@example.com.")).to_be_visible()
    expect(email).to_have_value(typed)
    expect(email).to_have_attribute("aria-invalid", "true")
    assert not Subscriber.objects.exists()


def test_the_script_sends_the_visits_utm_parameters_and_referring_site(page, article_path, article_url):
    page.goto(
        article_url + "?utm_source=news&utm_medium=email&utm_campaign=spring",
        referer="https://www.google.com/search?q=x",
    )
    block, status, email = signup_block(page)

    email.fill("jane@example.com")
    block.get_by_role("button", name="Sign up").click()

    expect_success(status)
    subscriber = Subscriber.objects.get()
    assert (subscriber.utm_source, subscriber.utm_medium, subscriber.utm_campaign) == (
        "news",
        "email",
        "spring",
    )
    assert subscriber.referrer == "https://www.google.com"
    assert subscriber.source_path == article_path


def submit_signup(page, email):
    block, status, field = signup_block(page)
    field.fill(email)
    block.get_by_role("button", name="Sign up").click()
    return status


def campaign_of(email):
    subscriber = Subscriber.objects.get(email=email)
    return subscriber.utm_source, subscriber.events.get(kind="signed_up").utm_source


@pytest.mark.parametrize("script", ["js", "no-js"])
def test_a_campaign_is_recorded_for_its_own_visit_only_through_the_page_cache(
    browser, settings, article_url, script
):
    settings.PAGE_CACHE_SECONDS = 600
    page = browser.new_context(java_script_enabled=script == "js").new_page()

    first = page.goto(article_url + "?utm_source=x")
    assert first.headers["x-page-cache"] == "miss"
    status = submit_signup(page, "first@example.com")
    if script == "js":
        expect_success(status)
    else:
        expect(page).to_have_url(re.compile(r"/signup/thanks/"))
    assert campaign_of("first@example.com") == ("x", "x")

    page.goto(article_url)  # stores the page under its plain address, if the visit above did not
    again = page.goto(article_url)
    assert again.headers["x-page-cache"] == "hit"
    status = submit_signup(page, "second@example.com")
    if script == "js":
        expect_success(status)
    else:
        expect(page).to_have_url(re.compile(r"/signup/thanks/"))
    assert campaign_of("second@example.com") == ("", "")


def test_the_script_empties_campaign_fields_a_stored_page_still_carries(page, article_url):
    # A copy stored before the server stopped writing the campaign into the page (or by any
    # cache that kept one visit's): the script empties what this visit's address lacks.
    def stale_copy(route):
        response = route.fetch()
        body = response.text().replace('name="utm_source"', 'name="utm_source" value="someone-elses"')
        route.fulfill(response=response, body=body)

    page.route(article_url, stale_copy)
    page.goto(article_url)
    expect(page.locator('input[name="utm_source"]')).to_have_value("")

    expect_success(submit_signup(page, "jane@example.com"))
    assert campaign_of("jane@example.com") == ("", "")
