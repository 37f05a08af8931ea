"""Two-step sign-in in Chromium (issue 12): a Marketing user, required to use a second
factor, signs in, is sent to enrol, scans nothing but reads the key the page shows,
confirms with a code computed here from it (RFC 6238), keeps the backup codes, signs out,
and signs in again with a fresh code."""

import time

import pytest
from playwright.sync_api import expect

from tests.isha.test_login_two_factor import totp

from .admin_pages import PASSWORD, staff_user, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def marketing(live_server, settings):
    """A Marketing user (the group is recreated: live_server flushes the database)."""
    settings.ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA = True
    return staff_user("mia", "Marketing")


def fill_sign_in(page, live_server, code=None):
    page.goto(live_server.url + "/admin/login/?next=/admin/signups/subscriber/")
    page.get_by_label("Username").fill("mia")
    page.get_by_label("Password").fill(PASSWORD)
    if code is not None:
        page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Log in").click()


def test_a_marketing_user_enrols_signs_out_and_signs_in_with_a_code(page, live_server, marketing):
    # Most browser tests sign staff in with a session cookie, not this form: its pages
    # must log no script or Content Security Policy error either.
    problems = []
    watch(page, problems, every_console_error=True)
    fill_sign_in(page, live_server)
    expect(page).to_have_url(live_server.url + "/admin/two-factor/")
    expect(page.get_by_text("needs two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()

    page.get_by_label("Code from the app").fill(totp(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator("#two-factor-status")).to_contain_text("on")
    expect(page.locator("#backup-codes li")).to_have_count(10)

    page.goto(live_server.url + "/admin/signups/subscriber/")
    expect(page.get_by_role("heading", name="Select subscriber to change")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # A code is accepted once: the next one, from the following 30 s step, which the
    # site accepts a step early (one step of clock tolerance).
    fill_sign_in(page, live_server)
    expect(page.get_by_text("Enter the code from your authenticator app")).to_be_visible()
    fill_sign_in(page, live_server, code=totp(secret, time.time() + 30))
    expect(page).to_have_url(live_server.url + "/admin/signups/subscriber/")
    expect(page.get_by_role("heading", name="Select subscriber to change")).to_be_visible()
    assert problems == [], "\n".join(problems)
