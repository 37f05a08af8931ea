"""Reading level: the Flesch-Kincaid grade of an article's text, syllables counted by Pyphen.

Grade = 0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59
(Kincaid JP, Fishburne RP, Rogers RL, Chissom BS. Derivation of new readability formulas
for Navy enlisted personnel. Research Branch Report 8-75, Naval Technical Training
Command; 1975).

Syllables: Pyphen (https://pyphen.org) gives the points where a word may be hyphenated,
from the LibreOffice/TeX en_US patterns it ships with (nothing is downloaded at run
time). A word has one syllable more than it has hyphenation points. Hyphenation is not
syllabification, so this under-counts: the patterns never leave one letter alone at
either end of a word ("area" and "ideas" count as 1, "ketamine" as 2) and skip a few
breaks (textstat, which counts the same way, has the same bias). Grades come out a
little low, never high, so a grade above target is a real one.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen  # type: ignore[import-untyped]  # ships no type hints

from .html_blocks import Block

# Abbreviations whose full stop does not end a sentence (lower case, without the dots).
ABBREVIATIONS = frozenset(
    {
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "vs",
        "etc",
        "eg",
        "ie",
        "al",
        "approx",
        "fig",
        "no",
        "us",
        "am",
        "pm",
    }
)
# "e.g.", "U.S.", "Dr." or an initial ("J."): letters with dots inside or at the end.
_ABBREVIATION_RE = re.compile(r"\b(?:[A-Za-z]\.){2,}|\b[A-Za-z]+\.", re.ASCII)
_CITATION_TEXT_RE = re.compile(r"\[\s*(?:cite:\s*)?\d+(?:\s*[,-]\s*\d+)*\s*\]", re.IGNORECASE)
_SPACE_BEFORE_STOP_RE = re.compile(r"\s+([.!?,;:])")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019.\u2024-][^\W\d_]+)*[.\u2024]?|\d+(?:[.,]\d+)*%?")
LONGEST_WORD = 45  # letters ("pneumonoultramicroscopicsilicovolcanoconiosis")
_DOT = "\u2024"  # one dot leader: stands in for an abbreviation's full stop while splitting


@dataclass(frozen=True)
class Sentence:
    """A sentence with its counts; ``grade`` is the Flesch-Kincaid grade it has alone."""

    text: str
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        return kincaid_grade(self.words, 1, self.syllables)


def kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """The Flesch-Kincaid grade level (Kincaid et al., 1975) of the counts, rounded to
    one decimal. Raises ``ZeroDivisionError`` when ``words`` or ``sentences`` is 0."""
    return round(0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59, 1)


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def syllables(word: str) -> int:
    """Syllables in ``word``: Pyphen's hyphenation points plus one (see the module's note).

    A number is read aloud, so it counts one syllable per digit up to four ("80" two,
    "1975" four); an abbreviation ("e.g.", "Dr.") counts as the word its letters make.
    """
    if word[0].isdigit():
        return min(4, max(1, sum(char.isdigit() for char in word.split(".")[0].split(",")[0])))
    letters = re.sub(r"[^\w'\u2019-]", "", word).replace(_DOT, "")
    if len(letters) > LONGEST_WORD:
        # No English word is this long (a pasted address, a run-on string): count its vowel
        # groups, in linear time, rather than hand Pyphen a string it handles slowly.
        return max(1, len(re.findall(r"[aeiouy]+", letters, re.IGNORECASE)))
    return max(1, sum(len(_dictionary().positions(part)) + 1 for part in re.split(r"[-]", letters) if part))


def _protect_abbreviations(text: str) -> str:
    def protect(match: re.Match[str]) -> str:
        token = match.group(0)
        bare = token.replace(".", "")
        # "e.g." and "U.S.", a known abbreviation, or an initial as in "J. Smith".
        if token.count(".") > 1 or bare.lower() in ABBREVIATIONS or len(bare) == 1:
            return token.replace(".", _DOT)
        return token

    return _ABBREVIATION_RE.sub(protect, text)


def split_sentences(text: str) -> list[str]:
    """Split ``text`` (one block's) into sentences at ".", "!" or "?" followed by a space,
    except after an abbreviation or an initial. The block's end ends its last sentence,
    so list items and table cells without a full stop are sentences of their own."""
    protected = _protect_abbreviations(_SPACE_BEFORE_STOP_RE.sub(r"\1", _CITATION_TEXT_RE.sub("", text)))
    parts = (part.strip() for part in _SENTENCE_END_RE.split(protected))
    return [part.replace(_DOT, ".") for part in parts if _WORD_RE.search(part)]


def sentences(blocks: list[Block]) -> list[Sentence]:
    """The counted sentences of ``blocks``. Headings are titles, not prose, and are left
    out: counting them as sentences would lower the grade of any well-signposted text."""
    found = []
    for block in blocks:
        if block.is_heading:
            continue
        for text in split_sentences(block.text):
            words = _WORD_RE.findall(_protect_abbreviations(text))
            found.append(Sentence(text, len(words), sum(syllables(word) for word in words)))
    return found


@dataclass(frozen=True)
class Readability:
    """The grade of a text (None without words) and its counts."""

    grade: float | None
    words: int
    sentences: int
    syllables: int


def readability(counted: list[Sentence]) -> Readability:
    """The Flesch-Kincaid grade of ``counted`` as one text."""
    words = sum(sentence.words for sentence in counted)
    total = sum(sentence.syllables for sentence in counted)
    grade = kincaid_grade(words, len(counted), total) if words else None
    return Readability(grade, words, len(counted), total)


def hardest(counted: list[Sentence], *, above: float, limit: int = 3) -> list[Sentence]:
    """Up to ``limit`` sentences whose own grade is above ``above``, hardest first: the
    long, many-syllabled sentences that push the text's grade up most."""
    over = [sentence for sentence in counted if sentence.grade > above]
    return sorted(over, key=lambda sentence: sentence.grade, reverse=True)[:limit]
