"""What the admin's browser tests do again and again, as plain functions: make a staff user
of a role, sign in (with a session cookie: the login form is test_two_factor.py's and
test_reader_feedback.py's), watch a page for errors, and work the body editor (Tiptap,
from django-prose-editor) and its dialogs as a person does.

Every Content Security Policy error in the console is a problem: no page of the admin,
the body editor's included, may be refused anything by the policy.
"""

import io
import re
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.test import Client
from playwright.sync_api import expect

from articles.apps import create_editorial_groups
from articles.models import Author, Source
from signups.apps import create_marketing_group

PASSWORD = "correct horse battery staple"
#: The admin's message after saving a new article: "added" by this save, or "changed" when
#: autosave (every few seconds while the body is written) created the article first.
SAVED_NEW_ARTICLE = re.compile(r"was (added|changed) successfully")


def staff_user(username, group, **fields):
    """A staff user (not a superuser) in ``group`` ("Editors", "Publishers", "Reviewers" or
    "Marketing"), signing in with ``PASSWORD``; first name ``username.title()`` unless
    ``fields`` say otherwise. The groups are remade first: ``live_server`` flushes them."""
    create_editorial_groups(None)
    create_marketing_group(None)
    fields = {"first_name": username.title(), "email": f"{username}@example.com", **fields}
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def watch(page, problems, *, every_console_error=False):
    """Append to ``problems`` (a list of ``"<url>: <text>"``) what ``page`` throws and every
    Content Security Policy error it logs, or with ``every_console_error`` every console
    error at all; returns ``page``."""

    def on_console(message):
        if message.type == "error" and (every_console_error or "Content Security Policy" in message.text):
            problems.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return page


def log_in(page, live_server, user):
    """Sign ``user`` in for every page of ``page``'s browser context: a session made in the
    database by Django's test client (``Client.force_login``), its cookie given to the
    context. Quicker than the login form (two page loads and a redirect to the admin's
    index per sign-in), which tests/browser/test_two_factor.py drives as a person does."""
    client = Client()
    deadline = time.monotonic() + 10
    while True:
        try:
            client.force_login(user)
            break
        except OperationalError as error:
            # The live server's in-memory SQLite database is shared between threads and
            # refuses a write at once ("database table is locked", no busy timeout) while
            # a request thread (another page's autosave) is writing: try again shortly.
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])


def signed_in(browser, live_server, user, problems, *, every_console_error=False, **context_options):
    """A page in a browser context of its own (``context_options`` for ``new_context``),
    watched into ``problems`` (see ``watch``), signed in as ``user`` (see ``log_in``) and
    showing the admin's index."""
    page = browser.new_context(**context_options).new_page()
    watch(page, problems, every_console_error=every_console_error)
    log_in(page, live_server, user)
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def choose_author(page, name):
    """Pick ``name`` in the admin's select2 autocomplete, as a mouse user would."""
    page.locator(".field-author .select2-selection").click()
    # The open dropdown's search box (the topics' multi-select has one of its own inline).
    page.locator(".select2-dropdown .select2-search__field").fill(name.split()[-1])
    page.locator(".select2-results__option", has_text=name).click()
    expect(page.locator("#id_author")).to_have_value(str(Author.objects.get(name=name).pk))


def start_article(page, live_server, title, author):
    """Open a new article, give it ``title`` and the author named ``author``, and click into
    the body; returns the editor's ``(menu bar, content element)``."""
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Title:").fill(title)
    choose_author(page, author)
    menu, content = editor_parts(page)
    content.click()
    return menu, content


def choose_topic(page, typed, name):
    """Type ``typed`` into the topics' select2 box and pick the topic ``name``."""
    page.locator(".field-topics .select2-selection").click()
    page.locator(".field-topics .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=name).click()


def editor_parts(page):
    """The body field's menu bar and ProseMirror content element, once the editor is up."""
    field = page.locator(".field-body .prose-editor")
    content = field.locator('.ProseMirror[contenteditable="true"]')
    expect(content).to_be_visible()
    return field.locator(".prose-menubar"), content


def next_frames(page, count=2):
    """Wait ``count`` animation frames: Tiptap puts its selection back on the next one."""
    page.evaluate(
        """count => new Promise(resolve => {
            const step = left => left ? requestAnimationFrame(() => step(left - 1)) : resolve();
            step(count);
        })""",
        count,
    )


def paste_html(content, html):
    """Paste ``html`` into the editor the way the browser does for Ctrl+V from a web page."""
    content.evaluate(
        """(element, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "");
            element.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }));
        }""",
        html,
    )


def put_cursor_after(content, text):
    """Click the paragraph holding ``text`` and move the caret to its end."""
    content.locator("p", has_text=text).click()
    content.page.keyboard.press("End")
    next_frames(content.page)


def open_picker(page, menu):
    """Open the citation picker from the editor's toolbar; returns its dialog."""
    menu.get_by_role("button", name="Cite a source").click()
    dialog = page.get_by_role("dialog", name="Cite a source")
    expect(dialog).to_be_visible()
    return dialog


def png(size=(1000, 600), colour=(40, 120, 140)):
    """A PNG file's bytes: one ``colour`` (RGB), ``size`` (width, height) in pixels."""
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload_from_toolbar(page, menu, name, data):
    """Upload ``data`` (PNG bytes) as file ``name`` with the toolbar's "Upload an image"."""
    with page.expect_file_chooser() as chooser:
        menu.get_by_role("button", name="Upload an image").click()
    chooser.value.set_files(files=[{"name": name, "mimeType": "image/png", "buffer": data}])


def fill_figure_dialog(page, alt, caption=""):
    """The figure dialog django-prose-editor opens after an upload: this use's alt text and caption."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Alternative Text").fill(alt)
    if caption:
        dialog.get_by_label("Caption").fill(caption)
    dialog.get_by_role("button", name="Update").click()
    expect(dialog).to_have_count(0)
    # Tiptap puts its selection back on the next animation frame.
    next_frames(page)


def kryst_source():
    """The library's source an Editor finds by its first author, Kryst (a real 2020 review)."""
    return Source.objects.create(
        authors="Kryst J, Kawalec P, Mitoraj AM",
        title="Efficacy of single and repeated administration of ketamine in unipolar and bipolar depression",
        journal="Pharmacol Rep",
        year=2020,
        doi="10.1007/s43440-020-00097-z",
    )


#: Seconds between autosaves on an article's change page (``data-interval`` in
#: templates/admin/articles/article/autosave.html, read by autosave.js).
AUTOSAVE_SECONDS = 4


def control_the_clock(page):
    """Give ``page``'s browser context Playwright's fake clock (https://playwright.dev/python/docs/clock),
    before any page is loaded: time flows as usual, and :func:`autosave_now` can move it on.
    Install it before the first ``goto``: timers a page set before are not affected."""
    page.clock.install()


def autosave_now(page):
    """Move ``page``'s clock (see :func:`control_the_clock`) on by one autosave interval, so
    the interval's timer fires now instead of up to four seconds later, as it would have
    on its own. Whether the tick sends anything is autosave.js's decision, as always."""
    page.clock.run_for(AUTOSAVE_SECONDS * 1000)
