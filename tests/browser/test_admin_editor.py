"""An editor's whole job in a real browser: write in the admin's prose editor, preview, publish.

A Publisher logs in through the admin's login page, writes an article with a heading, a
link and an image in the ProseMirror editor, saves it as a draft, opens the admin's
"Preview" link, checks that nobody else can see it, publishes it and finds it on the
public site from a fresh, anonymous browser.

The image is one the live server itself serves (a static file): media files are only
served by ``isha.urls`` when DEBUG is on, and tests run with DEBUG off.
"""

import re
from html.parser import HTMLParser

import pytest
from django.templatetags.static import static
from playwright.sync_api import expect

from articles.models import Article, Author

from .admin_pages import (
    SAVED_NEW_ARTICLE,
    choose_author,
    editor_parts,
    log_in,
    next_frames,
    paste_html,
    staff_user,
    start_article,
    watch,
)

pytestmark = pytest.mark.browser

TITLE = "Sleep and recovery after ketamine therapy"
AUTHOR = "Dr. Rosa Example"
HEADING = "Why sleep matters"
LINK_TEXT = "the NHS sleep guide"
LINK_URL = "https://www.nhs.uk/live-well/sleep-and-tiredness/"
IMAGE_ALT = "The Isha Health logo, a white letter i on a teal square"


@pytest.fixture
def publisher(live_server):
    """A staff user in "Publishers", the group post_migrate makes (recreated: live_server flushes)."""
    user = staff_user("pablo", "Publishers")
    assert user.has_perm("articles.publish_article") and not user.is_superuser
    return user


@pytest.fixture
def author(live_server):
    return Author.objects.create(name=AUTHOR, slug="rosa-example")


@pytest.fixture
def image_url(live_server):
    return live_server.url + static("img/favicon.svg")


@pytest.fixture
def anonymous_page(browser):
    """A page in a context of its own: no cookies from the publisher's session."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


class StartTags(HTMLParser):
    """Every start tag of an HTML fragment, as ``(name, {attribute: value})`` in order."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser.tags


def wait_for_selection(content, text):
    """Wait until the editor's own selection covers ``text`` ("" for a caret).

    ProseMirror learns of a caret moved by a native key (End, Shift+Arrow) from the
    browser's selectionchange event, a task later; a key pressed sooner acts on the old
    selection. No person types that fast, a script does.
    """
    content.page.wait_for_function(
        """([element, text]) => {
            const {from, to} = element.editor.state.selection;
            return element.editor.state.doc.textBetween(from, to) === text;
        }""",
        arg=[content.element_handle(), text],
    )


def write_body(page, image_url):
    menu, content = editor_parts(page)
    content.click()

    # A heading: type it, then make the paragraph a Heading 2 from the block-type menu.
    page.keyboard.type(HEADING)
    wait_for_selection(content, "")
    # The block-type dropdown opens from its wrapper (the button inside ignores the pointer).
    menu.locator(".prose-menubar__selected").click()
    menu.locator('.prose-menubar__option[data-name="heading2"]').click()
    expect(content.locator("h2")).to_have_text(HEADING)
    expect(content).to_be_focused()

    # A paragraph with a link: select the words, press "insert link", type the address.
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    lead_in = "Read "
    page.keyboard.type(f"{lead_in}{LINK_TEXT} before your next session.")
    page.keyboard.press("Home")
    for _ in lead_in:
        page.keyboard.press("ArrowRight")
    for _ in LINK_TEXT:
        page.keyboard.press("Shift+ArrowRight")
    wait_for_selection(content, LINK_TEXT)
    menu.get_by_role("button", name="insert link").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("URL").fill(LINK_URL)
    dialog.get_by_role("button", name="Update").click()
    expect(dialog).to_have_count(0)
    expect(content.get_by_role("link", name=LINK_TEXT, exact=True)).to_have_attribute("href", LINK_URL)
    # Tiptap refocuses the editor on the next animation frame and puts its selection (the
    # link text) back then: a key pressed before that would be undone.
    next_frames(page)
    expect(content).to_be_focused()
    page.keyboard.press("End")
    wait_for_selection(content, "")

    # An image with alt text.
    page.keyboard.press("Enter")
    paste_html(content, f'<img src="{image_url}" alt="{IMAGE_ALT}">')
    expect(content.locator("img")).to_have_attribute("alt", IMAGE_ALT)
    expect(content.locator("img")).to_have_attribute("src", image_url)


def assert_article_body(page, image_url):
    body = page.locator(".article__body")
    expect(body.get_by_role("heading", level=2, name=HEADING)).to_be_visible()
    link = body.get_by_role("link", name=LINK_TEXT, exact=True)
    expect(link).to_have_attribute("href", LINK_URL)
    image = body.get_by_role("img", name=IMAGE_ALT)
    expect(image).to_have_attribute("src", image_url)
    # The image really loads from the live server, not just sits in the markup.
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0


def test_a_publisher_writes_previews_and_publishes_an_article_with_heading_link_and_image(
    page, anonymous_page, live_server, publisher, author, image_url
):
    page_errors = []
    watch(page, page_errors)
    log_in(page, live_server, publisher)

    # Write the draft.
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Title:").fill(TITLE)
    choose_author(page, AUTHOR)
    write_body(page, image_url)
    expect(page.get_by_test_id("desk-state")).to_have_text("Draft")
    page.get_by_role("button", name="Save and continue editing").click()
    # Added by this save, or changed: autosave may have created it while it was written.
    expect(page.locator(".messagelist .success")).to_contain_text(SAVED_NEW_ARTICLE)

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.author == author
    assert article.slug == "sleep-and-recovery-after-ketamine-therapy"
    # Stored sanitised: only the allow-list's tags and attributes, links with rel added.
    tags = StartTags.of(article.body)
    assert [name for name, _ in tags] == ["h2", "p", "a", "img"], article.body
    assert f"<h2>{HEADING}</h2>" in article.body
    link_attributes = tags[2][1]
    # The link dialog's Title field, left empty, arrives as title="" (harmless, allowed).
    assert link_attributes.pop("title", "") == "", article.body
    assert link_attributes == {"href": LINK_URL, "rel": "noopener noreferrer"}, article.body
    assert f">{LINK_TEXT}</a>" in article.body
    assert tags[3][1] == {"src": image_url, "alt": IMAGE_ALT}, article.body
    article_url = live_server.url + article.get_absolute_url()

    # Preview through the admin's button: the public page, with the banner.
    with page.context.expect_page() as popup:
        page.locator(".object-tools").get_by_role("link", name="Preview").click()
    preview = popup.value
    expect(preview).to_have_url(article_url)
    expect(preview.locator(".preview-banner")).to_contain_text("Preview: not published")
    expect(preview.locator(".preview-banner")).to_contain_text("Status: Draft")
    expect(preview.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_article_body(preview, image_url)
    preview.close()

    # Nobody else can see the draft.
    response = anonymous_page.goto(article_url)
    assert response.status == 404
    anonymous_page.goto(live_server.url + "/")
    expect(anonymous_page.get_by_role("link", name=TITLE)).to_have_count(0)

    # Publish from the action bar.
    page.get_by_test_id("desk-publish").click()
    expect(page.get_by_test_id("desk-state")).to_have_text("Live")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert article.pending_revision is None

    # A reader with a fresh browser finds it on the home page and reads it.
    reader_context = page.context.browser.new_context()
    try:
        reader = reader_context.new_page()
        reader.goto(live_server.url + "/")
        reader.get_by_role("link", name=TITLE).click()
        expect(reader).to_have_url(article_url)
        expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
        assert_article_body(reader, image_url)
        expect(reader.locator(".preview-banner")).to_have_count(0)
        expect(reader.get_by_text("Preview: not published")).to_have_count(0)
    finally:
        reader_context.close()

    assert page_errors == [], "\n".join(page_errors)


def test_the_editor_toolbar_offers_an_image_with_alt_text(page, live_server, publisher, author, image_url):
    log_in(page, live_server, publisher)
    menu, content = start_article(page, live_server, "An article with a picture", AUTHOR)
    page.keyboard.type("A picture follows.")
    page.keyboard.press("Enter")

    # The figure button (the other image button uploads into the media library).
    image_button = menu.get_by_role("button", name="figure", exact=True)
    assert image_button.count() == 1, "no figure button in the body editor's toolbar"
    image_button.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(re.compile("Image URL", re.IGNORECASE)).fill(image_url)
    dialog.get_by_label(re.compile("Alternative text", re.IGNORECASE)).fill(IMAGE_ALT)
    dialog.get_by_role("button", name="Insert").click()
    expect(content.get_by_role("img", name=IMAGE_ALT)).to_have_attribute("src", image_url)
    page.get_by_role("button", name="Save and continue editing").click()
    # Added by this save, or changed: autosave may have created it while it was written.
    expect(page.locator(".messagelist .success")).to_contain_text(SAVED_NEW_ARTICLE)

    body = Article.objects.get().body
    assert ("img", {"src": image_url, "alt": IMAGE_ALT}) in StartTags.of(body), body
