"""The media library in a real browser, as an Editor: images into the body, the library's
list, and what readers get.

An Editor uploads an image from the body editor's toolbar and another by pasting it, gives
the first this use's alt text and a caption, saves, finds it in the media library with the
article it is used in, cannot delete it there, and (once a Publisher has published the
article through the publishing service) readers get it with a WebP ``srcset`` from the
site's own origin. Pressing Enter on a selected image, then saving, is a form error, not a
500, and the work is kept.
"""

import re

import pytest
from django.templatetags.static import static
from playwright.sync_api import expect

from articles import publishing
from articles.models import Article, Author, Image

from .admin_pages import (
    SAVED_NEW_ARTICLE,
    editor_parts,
    fill_figure_dialog,
    log_in,
    next_frames,
    paste_html,
    png,
    staff_user,
    start_article,
    upload_from_toolbar,
    watch,
)

pytestmark = pytest.mark.browser

AUTHOR = "Dr. Rosa Example"
TITLE = "What a ketamine session room looks like"
ALT = "A quiet treatment room with a reclining chair by a window"
CAPTION = "One of the clinic's treatment rooms"
FIRST_LINE = "This is the room where sessions happen."


@pytest.fixture
def staff(live_server):
    """An Editor and a Publisher."""
    return staff_user("edna", "Editors"), staff_user("pablo", "Publishers")


@pytest.fixture
def author(live_server):
    return Author.objects.create(name=AUTHOR, slug="rosa-example")


def paste_file(content, data, name, mime="image/png"):
    """Paste a file into the editor as the browser does for an image copied from another program."""
    content.evaluate(
        """(element, [bytes, name, mime]) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], name, {type: mime}));
            element.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }));
        }""",
        [list(data), name, mime],
    )


def drop_file(content, data, name, mime="image/png"):
    """Drop a file at the end of the editor's last paragraph, as dragged from the desktop."""
    content.evaluate(
        """(element, [bytes, name, mime]) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], name, {type: mime}));
            const paragraphs = element.querySelectorAll("p");
            const box = paragraphs[paragraphs.length - 1].getBoundingClientRect();
            element.dispatchEvent(new DragEvent("drop", {
                dataTransfer: data, bubbles: true, cancelable: true,
                clientX: box.right - 2, clientY: box.top + box.height / 2,
            }));
        }""",
        [list(data), name, mime],
    )


def test_enter_on_a_selected_image_then_save_is_a_form_error_and_keeps_the_work(
    page, live_server, staff, author
):
    editor, _publisher = staff
    problems = []
    watch(page, problems)
    log_in(page, live_server, editor)
    _menu, content = start_article(page, live_server, TITLE, AUTHOR)
    page.keyboard.type("Before the picture.")
    page.keyboard.press("Enter")
    # An image as the editor held it before the library: pasted, outside a figure.
    paste_html(content, f'<img src="{live_server.url}{static("img/favicon.svg")}" alt="{ALT}">')
    expect(content.get_by_role("img", name=ALT)).to_be_visible()
    next_frames(page)

    # Select the image and press Enter, as the issue describes. Tiptap 3 now adds a
    # paragraph there; the empty image older versions added is put in by the editor's own
    # command, as the keypress did, since any empty image must be refused the same way.
    content.get_by_role("img", name=ALT).click()
    page.keyboard.press("Enter")
    content.evaluate('element => element.editor.commands.insertContent({type: "image", attrs: {src: null}})')
    next_frames(page)
    body_html = page.locator("#id_body").input_value()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("Please correct the error below.")).to_be_visible()
    expect(page.locator(".field-body .errorlist")).to_contain_text("an image without a file")
    # The work is kept: the title and the text are still in the form.
    expect(page.get_by_label("Title:")).to_have_value(TITLE)
    _menu, content = editor_parts(page)
    expect(content).to_contain_text("Before the picture.")
    assert Article.objects.count() == 0, body_html
    assert problems == [], "\n".join(problems)


def caret_in(content, text):
    """Wait until the editor has a caret in a paragraph holding ``text`` (not an image selected)."""
    content.page.wait_for_function(
        """([element, text]) => {
            const selection = element.editor.state.selection;
            const parent = selection.$from.parent;
            return selection.empty && parent.type.name === "paragraph" && parent.textContent === text;
        }""",
        arg=[content.element_handle(), text],
    )


def test_an_editor_uploads_captions_and_finds_images_in_the_library_and_readers_get_srcset(
    page, browser, live_server, staff, author, serve_media
):
    editor, publisher = staff
    problems = []
    watch(page, problems)
    log_in(page, live_server, editor)
    menu, content = start_article(page, live_server, TITLE, AUTHOR)
    page.keyboard.type(FIRST_LINE)
    page.keyboard.press("Enter")

    # A file the site refuses gets the server's message above the editor.
    upload_from_toolbar(page, menu, "notes.png", b"not an image at all")
    expect(page.get_by_test_id("image-upload-message")).to_contain_text("not a JPEG, PNG, WebP or GIF")

    # Upload from the toolbar: the dialog asks for the alt text, with the caret in it, and
    # will not take the image without it; then this use's alt text and a caption.
    upload_from_toolbar(page, menu, "room.png", png())
    dialog = page.get_by_role("dialog", name="Describe the uploaded image")
    expect(dialog).to_be_visible()
    alt_field = dialog.get_by_label("Alternative Text (required)")
    expect(alt_field).to_be_focused()
    expect(alt_field).to_have_value("")
    dialog.get_by_role("button", name="Update").click()
    expect(dialog).to_be_visible()
    assert alt_field.evaluate("field => field.validity.valueMissing")
    fill_figure_dialog(page, ALT, CAPTION)
    expect(content.get_by_role("img", name=ALT)).to_be_visible()
    expect(content.locator("figcaption")).to_have_text(CAPTION)
    expect(page.get_by_test_id("image-upload-message")).to_have_count(0)

    # Paste a second image (as copied from another program).
    page.keyboard.press("End")
    paste_file(content, png((800, 800), (200, 180, 90)), "chair.png")
    fill_figure_dialog(page, "A reclining chair with a blanket")
    expect(content.get_by_role("img", name="A reclining chair with a blanket")).to_be_visible()

    # Drop a third (as dragged from the desktop onto the text).
    drop_file(content, png((900, 600), (90, 160, 60)), "garden.png")
    fill_figure_dialog(page, "The clinic's garden in spring")
    expect(content.get_by_role("img", name="The clinic's garden in spring")).to_be_visible()

    # Choose an image already in the library: the figure button's "Browse..." opens it.
    content.get_by_text(FIRST_LINE).click()
    caret_in(content, FIRST_LINE)  # the click's selection, not the image's, before a key acts
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    caret_in(content, "")
    menu.get_by_role("button", name="figure", exact=True).click()
    dialog = page.get_by_role("dialog")
    with page.expect_popup() as popup:
        dialog.get_by_role("button", name="Browse...").click()
    picker = popup.value
    # Module scripts run before DOMContentLoaded: the picker's click handler is then in place.
    picker.wait_for_load_state("domcontentloaded")
    picker_problems = []
    watch(picker, picker_problems)
    with picker.expect_event("close"):
        picker.get_by_test_id("image-choice").filter(has_text="chair.png").click()
    expect(dialog.get_by_label("Image URL")).to_have_value(re.compile(r"/media/library/chair\.png$"))
    dialog.get_by_label("Alternative Text").fill("The same chair, seen again")
    dialog.get_by_role("button", name="Insert").click()
    expect(content.get_by_role("img", name="The same chair, seen again")).to_be_visible()
    assert picker_problems == [], "\n".join(picker_problems)

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text(SAVED_NEW_ARTICLE)
    article = Article.objects.get()
    chair = Image.objects.get(file__endswith="chair.png")
    assert article.body.count(f'data-file="{chair.pk}"') == 2, article.body
    room = Image.objects.get(file__endswith="room.png")
    assert f'data-file="{room.pk}"' in article.body and f"<figcaption>{CAPTION}</figcaption>" in article.body
    garden = Image.objects.get(file__endswith="garden.png")
    assert f'data-file="{garden.pk}"' in article.body
    assert Image.objects.count() == 3 and room.uploaded_by == editor
    # The alt text given in the dialog became the image's default in the library.
    assert room.alt_text == ALT

    # The library lists it with the article it is used in.
    page.goto(live_server.url + "/admin/articles/image/")
    row = page.locator("#result_list tbody tr", has_text="room.png")
    expect(row.get_by_test_id("image-used-in")).to_have_text(TITLE)
    page.locator("#searchbar").fill("room")
    page.locator("#changelist-search").get_by_role("button", name="Search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)

    # Deleting it is refused, with the reason.
    page.goto(live_server.url + f"/admin/articles/image/{room.pk}/delete/")
    expect(page.locator("#content")).to_contain_text(TITLE)
    expect(page.get_by_role("button", name=re.compile("^Yes"))).to_have_count(0)
    assert Image.objects.filter(pk=room.pk).exists()
    assert problems == [], "\n".join(problems)

    # A Publisher publishes it (through the service); a reader gets a responsive picture.
    publishing.publish(article=Article.objects.get(), actor=publisher)
    context = browser.new_context()
    try:
        reader = serve_media(context.new_page())
        reader_problems = []
        watch(reader, reader_problems)
        reader.goto(live_server.url + article.get_absolute_url())
        image = reader.locator(".article__body").get_by_role("img", name=ALT)
        expect(image).to_have_attribute("width", "1000")
        expect(image).to_have_attribute("height", "600")
        webp = reader.locator(".article__body picture", has=reader.get_by_alt_text(ALT)).locator(
            'source[type="image/webp"]'
        )
        expect(webp).to_have_attribute(
            "srcset", re.compile(r"^/media/renditions/library/room-480\.webp 480w, ")
        )
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0
        assert image.evaluate("img => new URL(img.currentSrc).origin") == live_server.url
        expect(reader.locator(".article__body figcaption")).to_have_text(CAPTION)
        assert reader_problems == [], "\n".join(reader_problems)
    finally:
        context.close()

    # The same file uploaded again is the library's image, its alt text offered.
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    menu, content = editor_parts(page)
    content.locator("figcaption").click()
    page.keyboard.press("End")
    upload_from_toolbar(page, menu, "room-again.png", png())
    dialog = page.get_by_role("dialog", name="Describe the uploaded image")
    expect(dialog.get_by_label("Alternative Text")).to_have_value(ALT)
    expect(dialog.get_by_label("Alternative Text")).to_be_focused()
    dialog.get_by_role("button", name="Update").click()
    expect(content.get_by_role("img", name=ALT)).to_have_count(2)
    assert Image.objects.count() == 3
    expect(content.locator(f'img[data-file="{room.pk}"]')).to_have_count(2)
    assert problems == [], "\n".join(problems)
