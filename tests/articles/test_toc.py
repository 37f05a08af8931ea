from articles.toc import WORDS_PER_MINUTE, add_heading_anchors, reading_time


def test_reading_time_rounds_up_and_is_at_least_a_minute():
    assert reading_time("") == 1
    assert reading_time("<p>" + "word " * (WORDS_PER_MINUTE + 1) + "</p>") == 2


def test_reading_time_counts_text_not_markup():
    html = '<p><a href="https://example.org/a/very/long/url">two words</a></p>'
    assert reading_time(html * WORDS_PER_MINUTE) == 2


def test_headings_get_unique_anchors_in_document_order():
    html, toc = add_heading_anchors(
        '<h2>Physical &amp; Psychological</h2><p>x</p><h3>Physical</h3><h2 id="old">Physical</h2>'
    )
    assert [(e.level, e.text, e.anchor) for e in toc] == [
        (2, "Physical & Psychological", "physical-psychological"),
        (3, "Physical", "physical"),
        (2, "Physical", "physical-2"),
    ]
    assert '<h2 id="physical-psychological">' in html
    assert 'id="old"' not in html


def test_anchoring_twice_gives_the_same_html():
    once, _ = add_heading_anchors("<h2>A</h2><h3>B</h3>")
    assert add_heading_anchors(once)[0] == once


def test_headings_never_take_the_ids_the_page_itself_uses():
    _html, toc = add_heading_anchors("<h2>Main</h2><h2>Signup</h2><h2>Signup heading</h2>")
    assert [e.anchor for e in toc] == ["main-2", "signup-2", "signup-heading-2"]
