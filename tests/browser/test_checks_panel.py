"""An Editor sees the checks panel follow the body as they write, then the stored result
in the article list: the reading level and a claim without a citation."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Author

from .admin_pages import SAVED_NEW_ARTICLE, choose_author, editor_parts, log_in, staff_user, watch

pytestmark = pytest.mark.browser

CLAIM = "Studies show 80% of patients feel better after one session."


@pytest.fixture
def editor(live_server):
    """An Editor, and the author they write as."""
    user = staff_user("edna", "Editors")
    assert not user.has_perm("articles.publish_article")
    Author.objects.create(name="Dr. Rosa Example", slug="rosa-example")
    return user


def test_an_editor_sees_the_checks_while_writing_and_the_stored_result_in_the_list(page, live_server, editor):
    problems = []
    watch(page, problems)
    log_in(page, live_server, editor)
    page.goto(live_server.url + "/admin/articles/article/add/")
    panel = page.get_by_test_id("checks-panel")
    expect(panel.get_by_test_id("checks-reading-level")).to_have_text("Reading level: no text yet.")

    # Write: the panel follows the body as typed (the checks view itself stores nothing:
    # tests/articles/test_editorial_checks_admin.py; autosave may save the draft meanwhile).
    page.get_by_label("Title:").fill("What a first session feels like")
    choose_author(page, "Dr. Rosa Example")
    _, content = editor_parts(page)
    content.click()
    page.keyboard.type("You rest in a quiet room. A nurse stays with you. " + CLAIM)
    finding = panel.get_by_test_id("checks-findings").locator("li[data-check='uncited_claim']")
    expect(finding).to_contain_text("Claims without a citation")
    expect(finding).to_contain_text(CLAIM)
    level = panel.get_by_test_id("checks-reading-level")
    expect(level).to_have_text(re.compile(r"Reading level: grade -?\d+\.\d \(target: grade 8 or below\)"))
    expect(panel.get_by_test_id("checks-count")).to_have_text("1 warning.")

    # Save: the list shows the stored grade and the warning count.
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text(SAVED_NEW_ARTICLE)
    article = Article.objects.get()
    assert article.open_warnings == 1 and article.reading_grade is not None
    row = page.locator("#result_list tbody tr", has_text=article.title)
    expect(row.locator("td.field-reading_level")).to_have_text(f"{article.reading_grade:.1f}")
    expect(row.locator("td.field-warnings")).to_have_text("1")
    page.get_by_role("link", name="Has warnings").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert problems == [], "\n".join(problems)
