"""A Publisher, in Chromium, fills an article's search and sharing fields and watches the
preview follow (the placeholder shows the default), then changes the home page's
introduction in site settings and finds it on the home page. No Content Security Policy
error on the way."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory

from .admin_pages import log_in, staff_user, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Sleep and recovery after ketamine therapy"
SUMMARY = "How sleep changes in the weeks after a ketamine session, and what helps."
SEARCH_TITLE = "Sleep after ketamine: what to expect"
INTRO = "We are a clinic that writes plainly about ketamine therapy."


@pytest.fixture
def publisher(live_server):
    return staff_user("pablo", "Publishers")


def test_a_publisher_previews_the_search_result_and_changes_the_home_intro(page, live_server, publisher):
    article = ArticleFactory(title=TITLE, summary=SUMMARY)
    errors = []
    watch(page, errors)
    log_in(page, live_server, publisher)

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    search_title = page.locator("#id_search_title")
    expect(search_title).to_have_attribute("placeholder", TITLE)
    expect(page.locator("#id_meta_description")).to_have_attribute("placeholder", SUMMARY)
    preview = page.get_by_test_id("seo-preview-title")
    expect(preview).to_have_text(f"{TITLE} · Isha Health")
    expect(page.get_by_test_id("seo-preview-card-title")).to_have_text(TITLE)

    search_title.fill(SEARCH_TITLE)
    expect(preview).to_have_text(f"{SEARCH_TITLE} · Isha Health")
    expect(page.get_by_test_id("seo-preview-card-title")).to_have_text(SEARCH_TITLE)
    expect(page.get_by_test_id("seo-counter-search_title")).to_have_text(
        f"{len(SEARCH_TITLE)} / 60 characters"
    )
    page.locator("#id_meta_description").fill("x " * 90)
    expect(page.get_by_test_id("seo-counter-meta_description")).to_contain_text("search results may cut")
    page.locator("#id_meta_description").fill("What to expect from your sleep.")
    expect(page.locator("#seo-preview-description")).to_have_text("What to expect from your sleep.")
    # Emptying the field brings the default back, as the placeholder says.
    search_title.fill("")
    expect(preview).to_have_text(f"{TITLE} · Isha Health")
    search_title.fill(SEARCH_TITLE)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(live_server.url + article.get_absolute_url())
    expect(page).to_have_title(f"{SEARCH_TITLE} · Isha Health")

    page.goto(live_server.url + "/admin/articles/sitesettings/")
    page.get_by_label("Home page introduction").fill(INTRO)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(live_server.url + "/")
    expect(page.locator("#home-intro")).to_have_text(INTRO)
    assert errors == [], "\n".join(errors)
