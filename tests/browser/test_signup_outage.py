"""The page script's sign-up while PostgreSQL is down, in Chromium: the reader is told
nothing was saved (built-in copy), keeps what they typed, and nothing claims success.

The database is taken away for real (:class:`tests.isha.database_outage.DatabaseOutage`:
``ALLOW_CONNECTIONS false`` plus ``pg_terminate_backend`` on this run's own test
database), so it runs on PostgreSQL only, serially, in CI's ``faults and browser`` step.
"""

import pytest
from playwright.sync_api import expect

from signups.models import DEFAULT_SUCCESS, Subscriber
from signups.outage import COULD_NOT_SAVE, COULD_NOT_SAVE_DETAIL
from tests.browser.test_signup import expect_success, signup_block
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.faults]


def test_with_javascript_a_sign_up_during_an_outage_says_nothing_was_saved_and_keeps_the_address(
    page, live_server, database_outage
):
    article_url = live_server.url + ArticleFactory().get_absolute_url()
    page.goto(article_url)
    block, status, email = signup_block(page)
    button = block.get_by_role("button", name="Sign up")
    page.evaluate("window.notReloaded = true")
    email.fill("jane@example.com")

    database_outage.stop()
    button.click()

    expect(status.get_by_role("paragraph").first).to_have_text(str(COULD_NOT_SAVE))
    expect(status).to_contain_text(str(COULD_NOT_SAVE_DETAIL))
    expect(status).not_to_contain_text(DEFAULT_SUCCESS)
    expect(email).to_have_value("jane@example.com")
    expect(button).to_be_enabled()
    assert page.evaluate("window.notReloaded") is True

    database_outage.start()
    assert not Subscriber.objects.exists()
    # Sending again, once the database is back, is the sign-up that was meant.
    button.click()
    expect_success(status)
    assert Subscriber.objects.get().email == "jane@example.com"
