"""Autosave in a real browser, as an Editor: a new article saves itself while it is
written, survives a reload, is kept in the browser while offline and offered back, and an
autosave after someone else's save warns instead of overwriting."""

import re

import pytest
from playwright.sync_api import expect

from articles import publishing
from articles.models import Article, Author
from tests.factories import TopicFactory

from .admin_pages import (
    autosave_now,
    choose_author,
    choose_topic,
    control_the_clock,
    editor_parts,
    log_in,
    staff_user,
    watch,
)

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved \d\d:\d\d$")
# ms: each wait follows autosave_now(), which fires the 4-second interval at once; a loaded
# CI machine may still take a while to answer.
WAIT = 20_000


@pytest.fixture
def editor(live_server):
    return staff_user("edna", "Editors")


@pytest.fixture
def publisher(live_server):
    return staff_user("pablo", "Publishers")


def autosave_sending(topics):
    """A predicate on Playwright responses: the answer to an autosave POST whose form
    (multipart, RFC 7578) carries every one of ``topics``."""

    def predicate(response):
        request = response.request
        if request.method != "POST" or not response.url.endswith("/autosave/"):
            return False
        body = request.post_data or ""
        return all(f'name="topics"\r\n\r\n{topic.pk}\r\n' in body for topic in topics)

    return predicate


def test_an_editor_s_draft_saves_itself_survives_offline_and_never_overwrites_another_save(
    page, live_server, editor, publisher
):
    problems = []  # script errors and Content Security Policy errors
    watch(page, problems)
    control_the_clock(page)
    log_in(page, live_server, editor)
    topics = [TopicFactory(name="Depression"), TopicFactory(name="Anxiety")]

    # A new article: a title and a first sentence, no author yet, and no Save pressed.
    page.goto(live_server.url + "/admin/articles/article/add/")
    status = page.locator("#autosave-status")
    expect(status).to_have_attribute("aria-live", "polite")
    page.locator("#id_title").fill("Notes on integration sessions")
    _, content = editor_parts(page)
    content.click()
    page.keyboard.type("Integration turns an experience into change.")
    autosave_now(page)
    expect(status).to_have_text(SAVED, timeout=WAIT)
    expect(page).to_have_url(re.compile(r"/admin/articles/article/\d+/change/$"))
    article = Article.objects.get()
    assert article.status == "draft" and article.author is None

    # Two topics picked: autosave saves them too.
    # Waited for in the browser, not by polling the database: on SQLite this thread and the
    # live server share one in-memory connection, which two threads must not use at once.
    # The interval also ticks on its own meanwhile, so any answer carrying both will do.
    with page.expect_response(autosave_sending(topics), timeout=WAIT) as answer:
        choose_topic(page, "Depr", "Depression")
        choose_topic(page, "Anx", "Anxiety")
        autosave_now(page)
    assert answer.value.status == 200
    assert set(article.topics.values_list("name", flat=True)) == {"Depression", "Anxiety"}
    expect(status).to_have_text(SAVED, timeout=WAIT)

    # A reload shows what was autosaved, in the same article.
    page.reload()
    _, content = editor_parts(page)
    expect(page.locator("#id_title")).to_have_value("Notes on integration sessions")
    expect(page.locator(".field-topics .select2-selection__choice")).to_have_count(2)
    expect(content).to_contain_text("Integration turns an experience into change.")
    change_url = page.url

    # Offline: the next words are kept in this browser.
    page.context.set_offline(True)
    content.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Written on a train without signal.")
    autosave_now(page)
    expect(status).to_contain_text("kept in this browser", timeout=WAIT)
    assert problems == [], "\n".join(problems)
    page.close()
    assert "without signal" not in Article.objects.get().body

    # Back online, the editor returns and is offered the copy; restoring saves it.
    context = page.context
    context.set_offline(False)
    page = watch(context.new_page(), problems)
    page.goto(change_url)
    offer = page.locator("#autosave-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Restore unsaved changes from")
    _, content = editor_parts(page)
    expect(content).not_to_contain_text("without signal")
    page.locator("#autosave-restore").click()
    expect(offer).to_be_hidden()
    expect(content).to_contain_text("Written on a train without signal.")
    status = page.locator("#autosave-status")
    autosave_now(page)
    expect(status).to_have_text(SAVED, timeout=WAIT)
    assert "without signal" in Article.objects.get().body
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('isha-autosave'))") == []

    # The editor's own save, once an author is chosen, updates the same article; the
    # history shows the autosaving session once, then the save.
    Author.objects.create(name="Dr. Rosa Example", slug="rosa-example")
    choose_author(page, "Dr. Rosa Example")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Article.objects.count() == 1
    history = Article.objects.get().history.order_by("history_date", "history_id")
    assert [record.history_change_reason for record in history] == ["Autosaved", None]
    status = page.locator("#autosave-status")

    # A value the server refuses: it says why, and the browser keeps the page's state,
    # offered back after a reload.
    page.locator("#id_updated_on").fill("someday")
    autosave_now(page)
    expect(status).to_contain_text("Not saved", timeout=WAIT)
    expect(status).to_contain_text("kept in this browser")
    expect(status).to_have_attribute("data-state", "error")
    page.reload()
    expect(page.locator("#autosave-offer")).to_be_visible()
    page.locator("#autosave-restore").click()
    expect(page.locator("#id_updated_on")).to_have_value("someday")
    status = page.locator("#autosave-status")
    autosave_now(page)
    expect(status).to_contain_text("Not saved", timeout=WAIT)
    page.locator("#id_updated_on").fill("")
    autosave_now(page)
    expect(status).to_have_text(SAVED, timeout=WAIT)
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('isha-autosave'))") == []
    _, content = editor_parts(page)

    # A publisher saves the article meanwhile: the editor's next autosave warns, overwrites nothing.
    theirs = Article.objects.get()
    theirs.title = "Integration sessions, edited by the publisher"
    publishing.save_draft(article=theirs, actor=publisher)
    content.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" A sentence the publisher has not seen.")
    autosave_now(page)
    expect(status).to_contain_text("Pablo changed this article", timeout=WAIT)
    expect(status).to_have_attribute("data-state", "stale")
    stored = Article.objects.get()
    assert stored.title == "Integration sessions, edited by the publisher"
    assert "has not seen" not in stored.body
    expect(content).to_contain_text("A sentence the publisher has not seen.")

    assert problems == [], "\n".join(problems)
