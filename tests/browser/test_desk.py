"""The editorial desk in Chromium, as each role uses it: an Editor submits a draft for
review (and is offered no Publish button); a Publisher sends it back with a note the
Editor then reads; the Publisher schedules it with the picker (in the site's zone),
unschedules it, schedules it again and publishes it now; the preview at phone width.
No page logs an error (a Content Security Policy refusal included)."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.apps import create_editorial_groups
from articles.models import Article, Author

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
TITLE = "Ketamine therapy and sleep"
NOTE = "Please cite the 2023 sleep trial before this goes out."


def staff(django_user_model, username, group):
    user = django_user_model.objects.create_user(
        username=username, password=PASSWORD, is_staff=True, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def people(live_server, django_user_model):
    create_editorial_groups(None)
    return staff(django_user_model, "edna", "Editors"), staff(django_user_model, "pablo", "Publishers")


def known(error):
    """Errors of pages this flow passes through that are not the desk's: the login page's
    missing /favicon.ico, and the body editor's own stylesheet, which Tiptap injects as
    an inline ``<style>`` without a nonce (its ``injectCSS`` option) on the change page."""
    on_login = "/admin/login/" in error and "404 (Not Found)" in error
    return on_login or ("/change/" in error and "Applying inline style violates" in error)


def signed_in(browser, live_server, user, errors):
    """A page in its own browser context, signed in as ``user``; console errors and
    uncaught exceptions are appended to ``errors``."""
    page = browser.new_context().new_page()
    page.on(
        "console", lambda message: message.type == "error" and errors.append(f"{page.url}: {message.text}")
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def test_submit_send_back_schedule_unschedule_publish_and_preview(browser, live_server, people, settings):
    settings.TIME_ZONE = "America/New_York"
    editor, publisher = people
    author = Author.objects.create(name="Dr. Rosa Example", slug="rosa-example")
    article = Article.objects.create(title="Working title", author=author, body="<p>Sleep matters.</p>")
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    errors = []

    # The Editor edits the title and submits for review in one press: no Publish button.
    desk = signed_in(browser, live_server, editor, errors)
    desk.goto(change)
    bar = desk.get_by_test_id("desk-action-bar")
    expect(bar.get_by_test_id("desk-state")).to_have_text("Draft")
    expect(bar.get_by_test_id("desk-publish")).to_have_count(0)
    desk.get_by_label("Title:").fill(TITLE)
    bar.get_by_role("button", name="Submit for review").click()
    expect(desk.get_by_test_id("desk-state")).to_have_text("In review")
    expect(desk.get_by_label("Title:")).to_have_value(TITLE)
    expect(desk.get_by_test_id("desk-publish")).to_have_count(0)
    expect(desk.get_by_test_id("desk-schedule")).to_have_count(0)

    # The Publisher's index shows it waiting; they send it back with a note.
    office = signed_in(browser, live_server, publisher, errors)
    expect(office.get_by_test_id("desk-waiting-in-review")).to_contain_text("In review: 1")
    office.get_by_test_id("desk-waiting-in-review").get_by_role("link").click()
    office.get_by_role("link", name=TITLE).click()
    bar = office.get_by_test_id("desk-action-bar")
    bar.get_by_role("button", name="Back to draft with note").click()
    expect(office.get_by_test_id("desk-errors")).to_contain_text("Write a note telling the editor")
    office.get_by_label("Note for the editor").fill(NOTE)
    office.get_by_role("button", name="Back to draft with note").click()
    expect(office.get_by_test_id("desk-state")).to_have_text("Draft")

    # The Editor reads the note, naming who sent it back.
    desk.reload()
    expect(desk.get_by_test_id("desk-note")).to_contain_text(NOTE)
    expect(desk.get_by_test_id("desk-note")).to_contain_text("Pablo")
    desk.get_by_role("button", name="Submit for review").click()
    expect(desk.get_by_test_id("desk-state")).to_have_text("In review")

    # A time the site's zone skips (clocks go forward at 2:00) is a form error.
    office.reload()
    office.get_by_label("Publish at (America/New_York)").fill("2030-03-10T02:30")
    office.get_by_role("button", name="Schedule", exact=True).click()
    expect(office.get_by_test_id("desk-errors")).to_contain_text("may not exist")
    office.get_by_label("Publish at (America/New_York)").fill("2030-07-01T09:00")
    office.get_by_role("button", name="Schedule", exact=True).click()
    expect(office.get_by_test_id("desk-state")).to_have_text("Scheduled")
    expect(office.get_by_test_id("desk-readers-see")).to_contain_text("July 1, 2030, 9 a.m.")
    office.get_by_role("link", name="Scheduled publications").first.click()
    expect(office.get_by_test_id("desk-calendar-row")).to_contain_text(TITLE)
    expect(office.get_by_test_id("desk-calendar-row")).to_contain_text("9 a.m.")
    office.get_by_role("link", name=TITLE).click()

    office.get_by_role("button", name="Unschedule").click()
    expect(office.get_by_test_id("desk-state")).to_have_text("Draft")
    office.get_by_label("Publish at (America/New_York)").fill("2030-07-02T10:30")
    office.get_by_role("button", name="Schedule", exact=True).click()
    expect(office.get_by_test_id("desk-state")).to_have_text("Scheduled")
    office.get_by_role("button", name="Publish now").click()
    expect(office.get_by_test_id("desk-state")).to_have_text("Live")
    expect(office.get_by_test_id("desk-readers-see")).to_have_text("Readers see this article.")

    # The preview: the reader's page in a phone-wide frame, nothing wider than the phone.
    with office.expect_popup() as popup:
        office.get_by_test_id("desk-preview").click()
    preview = popup.value
    preview.on("console", lambda message: message.type == "error" and errors.append(message.text))
    phone = preview.frame_locator("#desk-preview-phone")
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    frame = preview.frame(url=lambda url: "/desk-preview/frame/" in url)
    assert 380 <= frame.evaluate("document.documentElement.clientWidth") <= 390
    assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    expect(preview.frame_locator("#desk-preview-desktop").get_by_role("heading", level=1)).to_have_text(TITLE)
    assert [error for error in errors if not known(error)] == [], "\n".join(errors)
