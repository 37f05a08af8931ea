"""One article from first word to readers, in Chromium, as each role does it.

An Editor writes a new article in the admin: an image uploaded from the editor's toolbar
(alt text and caption), a citation picked from the source library, two topics; the checks
panel shows the reading level and a claim without a citation while they write, and
autosave keeps the draft without a press of Save. A second Editor who opened the same
article meanwhile is warned before anything is overwritten. The first Editor submits it
for review; a Reviewer signs off its medical review; a Publisher schedules it, then
publishes it now. Readers get the image (responsive, from the site's own origin), the
numbered citation, the topics and the review. No page logs a script error or a Content
Security Policy refusal.

With ``EDITOR_SCREENSHOTS=<folder>`` (``scripts/editor_screenshots.sh`` sets it) the test
also saves the README's pictures of the action bar, the citation picker and the checks
panel there; CI never sets it.
"""

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import Article, Author, Reviewer, Topic

from .admin_pages import (
    autosave_now,
    choose_topic,
    control_the_clock,
    editor_parts,
    fill_figure_dialog,
    kryst_source,
    next_frames,
    open_picker,
    png,
    put_cursor_after,
    signed_in,
    staff_user,
    start_article,
    upload_from_toolbar,
)

pytestmark = pytest.mark.browser

TITLE = "Is ketamine therapy safe for older adults?"
AUTHOR = "Dr. Rosa Example"
FIRST = "Ketamine can ease depression in older adults within a day."
CLAIM = "Studies show 70% of patients feel better within a week."
ALT = "A clinician talking with an older patient in a bright treatment room"
CAPTION = "Sessions are supervised from start to finish."
# Autosave runs every few seconds; a loaded CI machine may take longer to answer.
AUTOSAVE_WAIT = 20_000
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def people(live_server):
    """Two Editors, a Reviewer (with the medical reviewer profile linked to their account)
    and a Publisher, by username."""
    people = {
        "edna": staff_user("edna", "Editors"),
        "eric": staff_user("eric", "Editors"),
        "rita": staff_user("rita", "Reviewers"),
        "pablo": staff_user("pablo", "Publishers"),
    }
    Reviewer.objects.create(
        name="Dr. Rita Okafor",
        slug="rita-okafor",
        credentials="MD",
        specialty="Psychiatry",
        user=people["rita"],
    )
    return people


@pytest.fixture
def library(live_server):
    """The author, a source in the library and three topics the Editor finds."""
    Author.objects.create(name=AUTHOR, slug="rosa-example")
    kryst_source()
    for name in ("Depression", "Older adults", "Sleep"):
        Topic.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def poll(condition, seconds=AUTOSAVE_WAIT / 1000):
    """Wait until ``condition()`` is true, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "still not true after the deadline"
        time.sleep(0.1)


def screenshot(locator, name):
    """Save ``locator`` as ``<EDITOR_SCREENSHOTS>/<name>.png`` when that folder is given."""
    folder = os.environ.get("EDITOR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        locator.screenshot(path=str(Path(folder) / f"{name}.png"), animations="disabled")


def write_the_article(page, live_server):
    """The first Editor's writing, up to the first autosave; returns the editor's content area."""
    menu, content = start_article(page, live_server, TITLE, AUTHOR)
    page.keyboard.type(FIRST)
    page.keyboard.press("Enter")
    page.keyboard.type(CLAIM)

    # The checks panel reads the body as it is typed: a reading level and the uncited claim.
    panel = page.get_by_test_id("checks-panel")
    expect(panel.get_by_test_id("checks-reading-level")).to_have_text(re.compile(r"Reading level: grade"))
    expect(panel.locator("li[data-check=uncited_claim]")).to_contain_text(CLAIM)
    screenshot(panel, "checks-panel")

    # An image uploaded from the toolbar into the media library, with this use's alt text.
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    upload_from_toolbar(page, menu, "treatment-room.png", png())
    fill_figure_dialog(page, ALT, CAPTION)
    expect(content.get_by_role("img", name=ALT)).to_be_visible()

    # A citation picked from the library, at the cursor after the first sentence.
    put_cursor_after(content, FIRST)
    dialog = open_picker(page, menu)
    dialog.get_by_label("Search the source library by title, author, DOI or PMID").fill("Kryst")
    expect(dialog.get_by_role("status")).to_have_text(re.compile("^Sources found: 1\\."))
    screenshot(dialog, "citation-picker")
    dialog.get_by_role("button", name=re.compile("Kryst et al. 2020")).click()
    expect(dialog).to_be_hidden()
    expect(content.locator("[data-testid=citation-chip]")).to_have_text(
        [re.compile(r"^1\s*Kryst et al\. 2020$")]
    )
    assert "[cite:" not in content.inner_text()

    choose_topic(page, "Depr", "Depression")
    choose_topic(page, "Older", "Older adults")

    # Autosave keeps the draft without a press of Save (its interval fired now, not up to
    # four seconds later).
    autosave_now(page)
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", "saved", timeout=AUTOSAVE_WAIT)
    next_frames(page)
    return content


def test_an_article_written_checked_reviewed_scheduled_and_published_in_the_admin(
    browser, live_server, people, library, serve_media
):
    problems = []

    # --- The Editor writes; autosave keeps a draft.
    desk = signed_in(browser, live_server, people["edna"], problems, **DESKTOP)
    control_the_clock(desk)
    content = write_the_article(desk, live_server)
    article = Article.objects.get()
    assert (article.title, article.status) == (TITLE, Article.Status.DRAFT)
    assert "Studies show 70%" in article.body
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    assert desk.url == change_url  # later saves update this article, never a second one

    # --- A second Editor opens the same article; the first one's next autosave moves it on,
    # so the second one's autosave is refused with a warning and overwrites nothing.
    other = signed_in(browser, live_server, people["eric"], problems, **DESKTOP)
    control_the_clock(other)
    other.goto(change_url)
    _menu, other_content = editor_parts(other)
    expect(other_content).to_contain_text(FIRST)
    content.locator("p", has_text=CLAIM).click()
    desk.keyboard.press("End")
    desk.keyboard.type(" Side effects were mild.")
    autosave_now(desk)
    poll(lambda: "Side effects were mild." in Article.objects.get().body)
    other_content.locator("p", has_text=FIRST).click()
    other.keyboard.press("End")
    other.keyboard.type(" A second editor's words.")
    autosave_now(other)
    other_status = other.locator("#autosave-status")
    expect(other_status).to_have_attribute("data-state", "stale", timeout=AUTOSAVE_WAIT)
    expect(other_status).to_contain_text("Edna changed this article")
    assert "second editor" not in Article.objects.get().body
    other.context.close()

    # --- The Editor submits it for review (a save of the whole form: topics, citation).
    bar = desk.get_by_test_id("desk-action-bar")
    expect(bar.get_by_test_id("desk-publish")).to_have_count(0)
    bar.get_by_test_id("desk-submit").click()
    expect(desk.get_by_test_id("desk-state")).to_have_text("In review")
    article = Article.objects.get()
    assert sorted(article.topics.values_list("name", flat=True)) == ["Depression", "Older adults"]
    assert list(article.citations.values_list("source__authors", flat=True)) == [
        "Kryst J, Kawalec P, Mitoraj AM"
    ]
    desk.context.close()

    # --- The Reviewer finds it waiting and signs off its medical review.
    clinic = signed_in(browser, live_server, people["rita"], problems, **DESKTOP)
    expect(clinic.get_by_test_id("desk-waiting-needs-review")).to_contain_text("Needs medical review: 1")
    clinic.goto(change_url)
    clinic.get_by_role("button", name="Sign off medical review").click()
    expect(clinic.locator("#review-notice")).to_contain_text("Medically reviewed by Dr. Rita Okafor")
    clinic.context.close()

    # --- The Publisher schedules it, then publishes it now.
    office = signed_in(browser, live_server, people["pablo"], problems, **DESKTOP)
    expect(office.get_by_test_id("desk-waiting-in-review")).to_contain_text("In review: 1")
    office.goto(change_url)
    bar = office.get_by_test_id("desk-action-bar")
    screenshot(bar, "action-bar")
    office.get_by_test_id("desk-schedule-at").fill("2030-07-01T09:00")
    bar.get_by_test_id("desk-schedule").click()
    expect(office.get_by_test_id("desk-state")).to_have_text("Scheduled")
    office.get_by_role("button", name="Publish now").click()
    expect(office.get_by_test_id("desk-state")).to_have_text("Live")
    office.context.close()

    # --- Readers get the image, the numbered citation, the topics and the review.
    reader = browser.new_context().new_page()
    serve_media(reader)
    reader.goto(live_server.url + Article.objects.get().get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    image = reader.get_by_role("img", name=ALT)
    expect(image).to_be_visible()
    assert reader.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
    webp = reader.locator("picture source[type='image/webp']")
    expect(webp).to_have_attribute("srcset", re.compile(r"^/media/"))
    expect(reader.get_by_text(CAPTION)).to_be_visible()
    citation = reader.locator("sup.citation a")
    expect(citation).to_have_text(["1"])
    expect(citation).to_have_attribute("href", "#source-1")
    expect(reader.locator("#source-1")).to_contain_text("Kryst")
    expect(reader.get_by_role("link", name="Depression")).to_be_visible()
    expect(reader.get_by_role("link", name="Older adults")).to_be_visible()
    expect(reader.get_by_text(re.compile("Medically reviewed by"))).to_be_visible()
    expect(reader.get_by_text("Dr. Rita Okafor").first).to_be_visible()

    assert problems == [], "\n".join(problems)
