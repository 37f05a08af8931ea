"""The editorial checks (articles.editorial_checks) on real sentences: pure functions, no database."""

import pytest

from articles.editorial_checks import CheckSettings, run_checks
from articles.editorial_checks.html_blocks import read_body
from articles.editorial_checks.readability import (
    kincaid_grade,
    readability,
    sentences,
    split_sentences,
    syllables,
)

SETTINGS = CheckSettings(this_year=2026, own_hosts=("isha.example", "localhost"))

# A paragraph of the clinic's article "Is Ketamine Addictive?" (Webflow export, 2023).
ADDICTION = (
    "The answer is simple, but it requires some understanding of the different types of addiction. "
    "There are two types of addiction: psychological and physical. Most people are more concerned "
    "about physical addiction. Ketamine is not usually physically addicting. If you miss a ketamine "
    "therapy session, you will not feel the negative physical side effects often associated with "
    "withdrawal in addicts."
)


def checks(body, **settings):
    return run_checks(body, settings=CheckSettings(**{**SETTINGS.__dict__, **settings}))


def found(report, check):
    return [finding for finding in report.findings if finding.check == check]


# Reading level


def test_the_grade_of_a_clinic_paragraph_matches_the_hand_counted_formula():
    counted = sentences(read_body(f"<p>{ADDICTION}</p>").blocks)
    level = readability(counted)
    # Counted by hand: 60 words, 5 sentences. Spoken syllables: 25 + 17 + 15 + 16 + 40 = 113,
    # a grade of 0.39 * 60/5 + 11.8 * 113/60 - 15.59 = 11.3. Pyphen misses "a-bout",
    # "ke-ta-mine" (twice) and "u-su-al-ly": 109 syllables, grade 10.5.
    assert (level.words, level.sentences, level.syllables) == (60, 5, 109)
    assert level.grade == kincaid_grade(60, 5, 109) == 10.5
    assert kincaid_grade(60, 5, 113) == 11.3
    # The known bias: a little low, never high.
    assert 0 < kincaid_grade(60, 5, 113) - level.grade < 1


def test_syllables_come_from_pyphen_hyphenation_points():
    assert syllables("psychological") == 5  # psy-cho-log-i-cal
    assert syllables("understanding") == 4
    assert syllables("the") == 1
    assert syllables("area") == 1  # the documented under-count: no one-letter piece at an end
    assert syllables("well-known") == 2


def test_numbers_and_abbreviations_count_as_one_word_each():
    assert syllables("80%") == 2
    assert syllables("1975") == 4
    assert syllables("e.g.") == 1
    [sentence] = sentences(read_body("<p>Dr. Smith gave e.g. 80% of them a dose.</p>").blocks)
    assert sentence.words == 9


def test_abbreviations_and_initials_do_not_end_a_sentence():
    text = "Dr. Lee said e.g. naps help. J. Smith, in the U.S. as well, agrees! Does it work? Yes."
    assert split_sentences(text) == [
        "Dr. Lee said e.g. naps help.",
        "J. Smith, in the U.S. as well, agrees!",
        "Does it work?",
        "Yes.",
    ]


def test_list_items_are_sentences_and_headings_are_left_out():
    body = "<h2>What to bring</h2><ul><li>Your ID</li><li>A list of your medicines</li></ul>"
    counted = sentences(read_body(body).blocks)
    assert [sentence.text for sentence in counted] == ["Your ID", "A list of your medicines"]


def test_citation_markers_are_not_words():
    [sentence] = sentences(read_body("<p>Sleep helps [cite:12].</p>").blocks)
    assert (sentence.text, sentence.words) == ("Sleep helps.", 2)


def test_a_body_above_the_target_warns_and_names_its_hardest_sentences():
    hard = (
        "Notwithstanding considerable methodological heterogeneity, contemporary investigational "
        "pharmacotherapeutic interventions demonstrate substantial neuropsychiatric efficacy."
    )
    report = checks(f"<p>Rest well. {hard} Drink water.</p>")
    assert report.grade > 8
    [warning] = found(report, "reading_level")
    assert f"grade {report.grade}" in warning.message
    assert [sentence.text for sentence in report.hard_sentences] == [hard]


def test_plain_text_at_the_target_has_no_reading_level_warning_and_an_empty_body_no_grade():
    report = checks("<p>Ketamine can help. Your care team stays with you. You go home the same day.</p>")
    assert report.grade <= 8 and not report.findings
    assert checks("").grade is None and checks("").warning_count == 0


# Images, headings, links


def test_images_need_alt_text_unless_marked_decorative():
    body = (
        '<p><img src="/media/a.webp"><img src="/media/b.webp" alt="">'
        '<img src="/media/c.webp" alt="A nurse"><img src="/media/d.webp" alt="" role="presentation">'
        '<img src="/media/e.webp" alt="" data-decorative></p>'
    )
    assert [finding.excerpt for finding in found(checks(body), "alt_text")] == [
        "/media/a.webp",
        "/media/b.webp",
    ]


def test_images_from_other_sites_are_named_with_their_host():
    body = (
        '<p><img src="https://cdn.example.org/x.png" alt="x">'
        '<img src="https://isha.example/media/y.png" alt="y">'
        '<img src="//evil.example/z.png" alt="z"><img src="/media/w.png" alt="w"></p>'
    )
    messages = [finding.message for finding in found(checks(body), "external_image")]
    assert len(messages) == 2
    assert "cdn.example.org" in messages[0] and "evil.example" in messages[1]


def test_headings_start_at_level_two_and_skip_no_level():
    body = "<h1>Title again</h1><h2>Risks</h2><h4>Nausea</h4><h3>Dizziness</h3><h2>Costs</h2>"
    assert [finding.excerpt for finding in found(checks(body), "heading_order")] == ["Title again", "Nausea"]
    assert found(checks("<h3>Too deep first</h3>"), "heading_order")
    assert not found(checks("<h2>A</h2><h3>B</h3><h4>C</h4><h2>D</h2>"), "heading_order")


def test_links_need_text_that_says_where_they_lead():
    body = (
        '<p><a href="/a">Click here</a>, <a href="/b">read more.</a> <a href="/c"></a> '
        '<a href="https://www.nimh.nih.gov/">https://www.nimh.nih.gov/</a> '
        '<a href="/d">our guide to ketamine aftercare</a> '
        '<a href="/e"><img src="/m.png" alt="Isha Health home"></a></p>'
    )
    excerpts = [finding.excerpt for finding in found(checks(body), "link_text")]
    assert excerpts == ["Click here", "read more.", "/c", "https://www.nimh.nih.gov/"]


# Claims and evidence


@pytest.mark.parametrize(
    "sentence",
    [
        "Studies show 80% of patients feel better within a day.",
        "Research has found that ketamine works quickly.",
        "About 1 in 3 people with depression do not respond to antidepressants.",
        "Patients were twice as likely to respond.",
        "Response rates reached 70 percent.",
    ],
)
def test_statistics_and_research_claims_without_a_citation_warn(sentence):
    [warning] = found(checks(f"<p>{sentence}</p>"), "uncited_claim")
    assert warning.excerpt == sentence


def test_a_citation_in_the_same_sentence_or_paragraph_satisfies_the_claim_check():
    assert not found(checks("<p>Studies show 80% of patients improve [cite:4].</p>"), "uncited_claim")
    body = "<p>Studies show 80% of patients improve. The effect lasts a week [cite:4].</p>"
    assert not found(checks(body), "uncited_claim")
    # A citation in another paragraph does not count.
    assert found(checks("<p>Studies show 80% improve.</p><p>More [cite:4].</p>"), "uncited_claim")


def test_plain_numbers_are_not_claims():
    assert not found(checks("<p>Sessions last 40 minutes. Clinics opened in 2019.</p>"), "uncited_claim")


def test_over_claims_match_whole_words_in_any_case():
    report = checks(
        "<p>Ketamine is a CURE for depression. It has no side effects.</p>"
        "<p>Secure your curendo. Results are guaranteed.</p><h2>100% safe</h2>"
    )
    assert [finding.excerpt for finding in found(report, "over_claim")] == [
        "Ketamine is a CURE for depression.",
        "It has no side effects.",
        "Results are guaranteed.",
        "100% safe",
    ]


def test_fda_approved_warns_only_near_ketamine_and_explains_esketamine():
    [warning] = found(checks("<p>Ketamine is FDA-approved for depression.</p>"), "over_claim")
    assert "esketamine" in warning.message
    assert not found(checks("<p>Esketamine is FDA-approved for depression.</p>"), "over_claim")
    assert not found(checks("<p>Ketamine helps. Sertraline is FDA-approved.</p>"), "over_claim")


def test_the_over_claim_list_comes_from_the_settings():
    report = checks("<p>A miracle cure.</p>", over_claims="miracle\n\n")
    assert [finding.message.split("”")[0] for finding in found(report, "over_claim")] == ["“miracle"]


def test_old_evidence_warns_when_every_dated_source_is_older_than_the_limit():
    def old(years, **settings):
        return found(
            run_checks("", source_years=years, settings=CheckSettings(**{**SETTINGS.__dict__, **settings})),
            "old_evidence",
        )

    [warning] = old([2001, 2012, None])
    assert "2012" in warning.message
    assert not old([2001, 2020])
    assert not old([]) and not old([None])
    assert old([2020], evidence_age_years=3)


def test_any_html_is_checked_without_error():
    report = checks("<p>Unclosed <b>bold <a href='x'>link <li>item</ul></div><img>&amp;&#x0;")
    assert report.as_json()["warning_count"] == report.warning_count


def test_a_run_on_string_is_counted_without_the_dictionary():
    assert syllables("ba" * 30) == 30  # 60 letters: one syllable per vowel group
    assert checks("<p>" + "1" * 100000 + "% " + "x" * 100000 + "</p>").grade is not None


def test_a_citation_stored_as_an_element_is_neither_prose_nor_a_link():
    # Whatever element holds a citation, articles.citations.cited_source_ids finds it in
    # the start tag (here, today's marker in an attribute).
    body = '<p>Sleep helps<a class="citation" data-cite="[cite:7]"></a>.</p>'
    [sentence] = sentences(read_body(body).blocks)
    assert sentence.text == "Sleep helps." and sentence.words == 2
    assert checks(body).findings == []
    body = '<p>Studies show 80% sleep better<sup data-cite="[cite:7]">1</sup>.</p>'
    [sentence] = sentences(read_body(body).blocks)
    assert sentence.words == 5
    assert checks(body).findings == []
