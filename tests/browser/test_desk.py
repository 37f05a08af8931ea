"""The editorial desk in Chromium, as each role uses it: an Editor submits a draft for
review (and is offered no Publish button); a Publisher sends it back with a note the
Editor then reads; the Publisher schedules it with the picker (in the site's zone),
unschedules it, schedules it again and publishes it now; the preview at phone width.
No page logs an error (a Content Security Policy refusal included)."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Author

from .admin_pages import signed_in, staff_user, watch

pytestmark = pytest.mark.browser

TITLE = "Ketamine therapy and sleep"
NOTE = "Please cite the 2023 sleep trial before this goes out."


@pytest.fixture
def people(live_server):
    return staff_user("edna", "Editors"), staff_user("pablo", "Publishers")


def test_submit_send_back_schedule_unschedule_publish_and_preview(browser, live_server, people, settings):
    settings.TIME_ZONE = "America/New_York"
    editor, publisher = people
    author = Author.objects.create(name="Dr. Rosa Example", slug="rosa-example")
    article = Article.objects.create(title="Working title", author=author, body="<p>Sleep matters.</p>")
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    errors = []

    # The Editor edits the title and submits for review in one press: no Publish button.
    desk = signed_in(browser, live_server, editor, errors, every_console_error=True)
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
    office = signed_in(browser, live_server, publisher, errors, every_console_error=True)
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
    watch(preview, errors, every_console_error=True)
    phone = preview.frame_locator("#desk-preview-phone")
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    frame = preview.frame(url=lambda url: "/desk-preview/frame/" in url)
    assert 380 <= frame.evaluate("document.documentElement.clientWidth") <= 390
    assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    expect(preview.frame_locator("#desk-preview-desktop").get_by_role("heading", level=1)).to_have_text(TITLE)
    assert errors == [], "\n".join(errors)
