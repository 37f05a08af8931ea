"""An Editor cites sources from the body editor's picker and files the article under topics.

Stepwise, as an Editor does it: open a draft, put the cursor after a claim, open the
picker from the toolbar, find a library source by its author and cite it; put the cursor
after another claim, add a new source from pasted fields (a mistake first, to see the
message) and cite it; choose two topics by typing; save. A Publisher then publishes it
through the publishing service, and a reader sees the numbered citations 1 and 2 linking
to the sources list, and the topics.
"""

import re

import pytest
from playwright.sync_api import expect

from articles import publishing
from articles.models import Article, Source, Topic
from tests.factories import ArticleFactory, AuthorFactory

from .admin_pages import (
    choose_topic,
    editor_parts,
    kryst_source,
    log_in,
    open_picker,
    put_cursor_after,
    staff_user,
    watch,
)

pytestmark = pytest.mark.browser

FIRST_CLAIM = "Ketamine eased depressive symptoms within a day in trials."
SECOND_CLAIM = "The effect often faded within two weeks."
NEW_TITLE = "Rapid and longer-term antidepressant effects of repeated ketamine infusions"


@pytest.fixture
def draft(live_server):
    """A draft with two claims, a library source by Kryst, and three topics."""
    kryst_source()
    Source.objects.create(title="An unrelated guideline on sleep", year=2019)
    for name in ("Depression", "Anxiety", "Sleep"):
        Topic.objects.create(name=name, slug=name.lower())
    return ArticleFactory(
        draft=True,
        title="How fast does ketamine work?",
        author=AuthorFactory(name="Dr. Rosa Example"),
        body=f"<p>{FIRST_CLAIM}</p><p>{SECOND_CLAIM}</p>",
    )


def test_an_editor_cites_a_found_and_a_new_source_and_chooses_topics(page, browser, live_server, draft):
    editor = staff_user("edith", "Editors")
    publisher = staff_user("pablo", "Publishers")
    problems = []
    watch(page, problems)
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    menu, content = editor_parts(page)

    # Search the library by author and cite the source where the cursor is.
    put_cursor_after(content, FIRST_CLAIM)
    dialog = open_picker(page, menu)
    search = dialog.get_by_label("Search the source library by title, author, DOI or PMID")
    expect(search).to_be_focused()
    search.fill("Kryst")
    result = dialog.get_by_role("button", name=re.compile("Kryst et al. 2020"))
    expect(dialog.get_by_role("button", name=re.compile("unrelated guideline"))).to_have_count(0)
    expect(dialog.get_by_role("status")).to_have_text(re.compile("^Sources found: 1\\."))
    # From the keyboard: Down to the first result, Enter to cite it.
    search.press("ArrowDown")
    expect(result).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    first_chip = content.locator("[data-testid=citation-chip]")
    expect(first_chip).to_have_count(1)
    expect(first_chip).to_have_text(re.compile(r"^1\s*Kryst et al\. 2020$"))
    expect(content.locator("p", has_text=FIRST_CLAIM).locator("[data-testid=citation-chip]")).to_have_count(1)

    # Add a new source from pasted fields: a mistake first, then cite it.
    put_cursor_after(content, SECOND_CLAIM)
    dialog = open_picker(page, menu)
    dialog.get_by_text("Add a new source").click()
    dialog.get_by_label("Authors", exact=True).fill("Phillips JL, Norris S, Talbot J")
    dialog.get_by_label("Year", exact=True).fill("twenty nineteen")
    dialog.get_by_role("button", name="Add the source and cite it").click()
    expect(dialog.locator("#citation-new-title-error")).to_have_text("This field is required.")
    expect(dialog.locator("#citation-new-year-error")).to_have_text("Enter a whole number.")
    expect(dialog.get_by_label("Authors", exact=True)).to_have_value("Phillips JL, Norris S, Talbot J")
    dialog.get_by_label("Title", exact=True).fill(NEW_TITLE)
    dialog.get_by_label("Journal or publisher").fill("Am J Psychiatry")
    dialog.get_by_label("Year", exact=True).fill("2019")
    dialog.get_by_label("DOI", exact=True).fill("https://doi.org/10.1176/appi.ajp.2018.18070834")
    dialog.get_by_label("PMID", exact=True).fill("PMID: 30922101")
    dialog.get_by_role("button", name="Add the source and cite it").click()
    expect(dialog).to_be_hidden()
    chips = content.locator("[data-testid=citation-chip]")
    expect(chips).to_have_count(2)
    expect(chips.nth(1)).to_have_text(re.compile(r"^2\s*Phillips et al\. 2019$"))
    assert "[cite:" not in content.inner_text()

    # Two topics, chosen by typing.
    choose_topic(page, "Depr", "Depression")
    choose_topic(page, "Anx", "Anxiety")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    # The page shows the saved body with its citations numbered as before.
    _menu, content = editor_parts(page)
    expect(content.locator("[data-testid=citation-chip]")).to_have_text(
        [re.compile(r"^1\s*Kryst"), re.compile(r"^2\s*Phillips")]
    )

    article = Article.objects.get(pk=draft.pk)
    found, new = Source.objects.get(authors__startswith="Kryst"), Source.objects.get(title=NEW_TITLE)
    assert (new.doi, new.pmid) == ("10.1176/appi.ajp.2018.18070834", "30922101")
    assert f"{FIRST_CLAIM}[cite:{found.pk}]</p>" in article.body, article.body
    assert f"{SECOND_CLAIM}[cite:{new.pk}]</p>" in article.body, article.body
    assert list(Source.objects.cited_by(article)) == [found, new]
    assert sorted(article.topics.values_list("name", flat=True)) == ["Anxiety", "Depression"]
    assert problems == [], "\n".join(problems)

    # A Publisher publishes it; a reader sees numbered citations and the topics.
    publishing.publish(article=article, actor=publisher)
    reader = browser.new_context().new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    citations = reader.locator("sup.citation a")
    expect(citations).to_have_text(["1", "2"])
    expect(citations.nth(0)).to_have_attribute("href", "#source-1")
    expect(citations.nth(1)).to_have_attribute("href", "#source-2")
    expect(reader.locator("#source-1")).to_contain_text("Kryst")
    expect(reader.locator("#source-2")).to_contain_text("Phillips")
    topics = reader.locator(".article__topics a")
    expect(topics).to_have_text(["Anxiety", "Depression"])
    reader.context.close()
