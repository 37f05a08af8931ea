"""A Publisher, in Chromium, fills an article's search and sharing fields and watches the
preview follow (the placeholder shows the default), then changes the home page's
introduction in site settings and finds it on the home page. No Content Security Policy
error on the way."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.apps import create_editorial_groups
from tests.factories import ArticleFactory

from .test_admin_editor import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Sleep and recovery after ketamine therapy"
SUMMARY = "How sleep changes in the weeks after a ketamine session, and what helps."
SEARCH_TITLE = "Sleep after ketamine: what to expect"
INTRO = "We are a clinic that writes plainly about ketamine therapy."


@pytest.fixture
def publisher(live_server, django_user_model):
    create_editorial_groups(None)
    user = django_user_model.objects.create_user("pablo", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    return user


def watch_for_errors(page):
    errors = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and errors.append(f"{page.url}: {message.text[:60]}")
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_a_publisher_previews_the_search_result_and_changes_the_home_intro(page, live_server, publisher):
    article = ArticleFactory(title=TITLE, summary=SUMMARY)
    errors = watch_for_errors(page)
    log_in(page, live_server, publisher)

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    search_title = page.locator("#id_search_title")
    expect(search_title).to_have_attribute("placeholder", TITLE)
    expect(page.locator("#id_meta_description")).to_have_attribute("placeholder", SUMMARY)
    preview = page.get_by_test_id("seo-preview-title")
    expect(preview).to_have_text(f"{TITLE} · Isha Health")
    expect(page.get_by_test_id("seo-preview-card-title")).to_have_text(TITLE)
    # Loading the change page already logs "Applying inline style" from the body editor
    # (on main before this section existed; the admin-wide CSP test covers it): what
    # counts here is that the preview adds none while the publisher types.
    errors.clear()

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
    assert not errors, errors
