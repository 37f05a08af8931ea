"""Checks of what an article claims: statistics and research claims without a citation,
over-claims a clinic must not publish unqualified, and evidence that is all old."""

import re
from collections.abc import Iterable, Iterator

from ..citations import cited_source_ids
from .findings import Finding, excerpt
from .html_blocks import Block
from .readability import split_sentences

# A statistic (a percentage, "3 in 10", "twice as likely"...) or a research claim.
_CLAIM_RE = re.compile(
    r"(?<![\d.,])\d+(?:[.,]\d+)?\s*(?:%|percent\b|per cent\b)"
    r"|\b\d+(?:[.,]\d+)?\s+(?:out\s+)?(?:of|in)\s+(?:every\s+)?\d+(?:[.,]\d+)?\b"
    r"|\b(?:twice|three times|\d+(?:\.\d+)?\s*times)\s+(?:as|more|less)\b"
    r"|\b(?:half|a third|a quarter|most|majority)\s+of\s+(?:patients|people|adults|users)\b"
    r"|\b(?:studies|research|trials|evidence|data|scientists|researchers)\s+(?:have\s+|has\s+)?"
    r"(?:show|shows|shown|found|find|finds|suggest|suggests|prove|proves|proven|demonstrated|confirm|confirms)\b"
    r"|\baccording to (?:research|studies|a study|experts)\b",
    re.IGNORECASE,
)

# Line syntax of the over-claim list: "term", or "term near other" (both in one sentence).
NEAR = " near "
DEFAULT_OVER_CLAIMS = "cure\nguaranteed\nno side effects\n100% safe\nFDA-approved near ketamine"
EXPLANATIONS = {
    "cure": "Ketamine therapy treats symptoms; no study shows it cures them. Say what the evidence shows.",
    "guaranteed": "No treatment works for everyone: do not promise results.",
    "no side effects": "Every medicine has side effects: name the common ones (e.g. dissociation, nausea).",
    "100% safe": "No medicine is completely safe: say how risks are managed instead.",
    "fda-approved": (
        "The FDA has approved only esketamine (Spravato), not ketamine, for a psychiatric use "
        "(treatment-resistant depression): ketamine for depression is off-label."
    ),
}


def _term_re(term: str) -> re.Pattern[str]:
    # Word boundaries that also hold for terms starting or ending in "%" or "-".
    return re.compile(rf"(?<![\w-]){re.escape(term.strip())}(?![\w-])", re.IGNORECASE)


def parse_over_claims(text: str) -> list[tuple[str, str]]:
    """The list of a site setting (one term a line; ``term near other`` to flag ``term``
    only in a sentence that also has ``other``) as ``(term, other or "")`` pairs."""
    pairs = []
    for line in (text or "").splitlines():
        term, _, near = line.strip().partition(NEAR)
        if term.strip():
            pairs.append((term.strip(), near.strip()))
    return pairs


def claim_findings(blocks: Iterable[Block]) -> Iterator[Finding]:
    """Sentences with a statistic or a research claim in a paragraph (or list item...)
    that cites no source. Citations are found by ``articles.citations.cited_source_ids``
    in the block's HTML, whatever form citations are stored in."""
    for block in blocks:
        if block.is_heading or cited_source_ids(block.html):
            continue
        for sentence in split_sentences(block.text):
            match = _CLAIM_RE.search(sentence)
            if match:
                yield Finding(
                    "uncited_claim",
                    f"“{match.group(0)}” is a claim readers want a source for: cite one in this paragraph.",
                    excerpt(sentence),
                )


def over_claim_findings(blocks: Iterable[Block], over_claims: list[tuple[str, str]]) -> Iterator[Finding]:
    """Sentences (headings included) with a term of ``over_claims`` (from
    :func:`parse_over_claims`), matched case-insensitively on word boundaries."""
    patterns = [(term, _term_re(term), _term_re(near) if near else None) for term, near in over_claims]
    for block in blocks:
        for sentence in split_sentences(block.text) or [block.text]:
            for term, pattern, near in patterns:
                if pattern.search(sentence) and (near is None or near.search(sentence)):
                    advice = EXPLANATIONS.get(term.lower(), "Qualify it or leave it out.")
                    message = f"“{term}” is an over-claim for health content. {advice}"
                    yield Finding("over_claim", message, excerpt(sentence))


def old_evidence_findings(years: Iterable[int | None], *, max_age: int, this_year: int) -> Iterator[Finding]:
    """One finding when every dated source is older than ``max_age`` years (published
    before ``this_year - max_age``). Articles without dated sources get none: the claim
    check covers uncited text."""
    dated = [year for year in years if year]
    if dated and max(dated) < this_year - max_age:
        yield Finding(
            "old_evidence",
            f"All {len(dated)} sources are older than {max_age} years (the newest is from "
            f"{max(dated)}): look for recent evidence.",
        )
