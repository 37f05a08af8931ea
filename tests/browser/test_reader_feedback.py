"""Reader feedback in a real browser: a reader says a page was not helpful and reports the
problem; an editor finds it from the article list and resolves it, linking the correction."""

import re
import time

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.apps import create_editorial_groups
from articles.models import ReaderFeedback, UpdateNote
from tests.factories import ArticleFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
PROBLEM = "The crisis line number in the last section no longer works."


@pytest.fixture
def editor(live_server, django_user_model):
    """A staff user in "Editors" (the groups are recreated: live_server flushes)."""
    create_editorial_groups(None)
    user = django_user_model.objects.create_user(username="edna", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def reader_page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the feedback never arrived")
        time.sleep(0.05)


def test_a_reader_reports_a_problem_and_an_editor_resolves_it(
    live_server, settings, reader_page, page, editor
):
    settings.SIGNUP_MIN_FILL_SECONDS = 0  # the test types faster than a person
    article = ArticleFactory(title="Ketamine and depression")

    # The reader: "No", then the report form opens; an empty report gets a message.
    reader_page.goto(live_server.url + article.get_absolute_url())
    reader_page.evaluate("window.notReloaded = true")
    block = reader_page.locator("#feedback")
    status = block.get_by_role("status")
    expect(block.get_by_role("heading", name="Was this page helpful?")).to_be_visible()
    block.get_by_role("button", name="No").click()
    expect(status).to_have_text(re.compile("Tell us below what was missing or wrong"))
    expect(block.get_by_role("button", name="No")).to_have_count(0)
    report = block.get_by_label("What is wrong or missing?")
    expect(report).to_be_visible()
    block.get_by_role("button", name="Send report").click()
    expect(status).to_have_text("Please check what you entered.")
    expect(report).to_have_accessible_description(re.compile("Describe the problem, in a sentence or two."))
    report.fill(PROBLEM)
    block.get_by_label("Your email address (optional)").fill("ann@example.com")
    block.get_by_role("button", name="Send report").click()
    expect(status).to_have_text("Thank you for your report. An editor reads every one.")
    expect(status).to_be_focused()
    assert reader_page.evaluate("window.notReloaded") is True
    wait_for(lambda: ReaderFeedback.objects.filter(kind=ReaderFeedback.Kind.PROBLEM).exists())
    assert ReaderFeedback.objects.filter(kind=ReaderFeedback.Kind.NOT_HELPFUL, held_reason="").count() == 1

    # The editor: the article list counts it; the link opens the queue, then the report.
    note = UpdateNote.objects.create(
        article=article, text="Updated the crisis line number.", is_correction=True
    )
    page.goto(live_server.url + "/admin/login/?next=/admin/articles/article/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    row = page.get_by_role("row", name=re.compile("Ketamine and depression"))
    expect(row.get_by_role("link", name="0 yes, 1 no")).to_be_visible()
    row.locator("td.field-open_reports").get_by_role("link", name="1").click()
    page.get_by_role("link", name=PROBLEM).click()
    expect(page.get_by_text(PROBLEM, exact=True)).to_be_visible()
    expect(page.get_by_text("ann@example.com")).to_be_visible()
    page.get_by_label("Correction note").select_option(label=str(note))
    page.get_by_label("Resolved").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile("was changed successfully"))).to_be_visible()
    expect(page.get_by_role("link", name=PROBLEM, exact=True)).to_have_count(
        0
    )  # back in the open queue: done
    page.get_by_role("link", name="Resolved reports").click()
    expect(page.get_by_role("row", name=re.compile(re.escape(PROBLEM)))).to_contain_text("Resolved")
    resolved = ReaderFeedback.objects.get(kind=ReaderFeedback.Kind.PROBLEM)
    assert (resolved.resolved_by, resolved.correction_note) == (editor, note)
