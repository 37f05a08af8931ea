"""All the editorial checks of an article at once: :func:`run_checks`."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .claims import (
    DEFAULT_OVER_CLAIMS,
    claim_findings,
    old_evidence_findings,
    over_claim_findings,
    parse_over_claims,
)
from .findings import CHECKS, Finding, excerpt
from .html_blocks import read_body
from .readability import Readability, Sentence, hardest, readability, sentences
from .structure import heading_findings, image_findings, link_findings


@dataclass(frozen=True)
class CheckSettings:
    """What the checks compare against (the site settings' values, see
    ``articles.models.SiteSettings``): the target grade, the over-claim list (its text,
    one term a line), the evidence age in years, the hosts images may come from, and the
    current year (for the evidence age)."""

    this_year: int
    target_grade: int = 8
    over_claims: str = DEFAULT_OVER_CLAIMS
    evidence_age_years: int = 10
    own_hosts: tuple[str, ...] = ()


@dataclass
class CheckReport:
    """The result of :func:`run_checks`: the body's readability, its hardest sentences
    (each above the target grade) and the warnings, in :data:`CHECKS` order."""

    readability: Readability
    target_grade: int
    hard_sentences: list[Sentence] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def grade(self) -> float | None:
        return self.readability.grade

    @property
    def warning_count(self) -> int:
        """The number of open warnings (a reading level above target is one)."""
        return len(self.findings)

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data, for the panel and the stored findings."""
        return {
            "grade": self.grade,
            "target_grade": self.target_grade,
            "words": self.readability.words,
            "sentences": self.readability.sentences,
            "warning_count": self.warning_count,
            "hard_sentences": [{"text": excerpt(s.text, 240), "grade": s.grade} for s in self.hard_sentences],
            "findings": [finding.as_json() for finding in self.findings],
            "checks": CHECKS,
        }


def run_checks(body: str, *, source_years: Iterable[int | None] = (), settings: CheckSettings) -> CheckReport:
    """Check ``body`` (an article's HTML) and its sources' publication years.

    Never raises for any HTML (the checks warn; saving never depends on them). Returns a
    :class:`CheckReport` whose grade is None for a body without words.
    """
    read = read_body(body)
    counted = sentences(read.blocks)
    level = readability(counted)
    findings = []
    if level.grade is not None and level.grade > settings.target_grade:
        findings.append(
            Finding(
                "reading_level",
                f"Reading level is grade {level.grade}, above the target of grade {settings.target_grade}: "
                "shorten the sentences listed and prefer shorter words.",
            )
        )
    findings += image_findings(read.images, settings.own_hosts)
    findings += heading_findings(read.blocks)
    findings += link_findings(read.links)
    findings += claim_findings(read.blocks)
    findings += over_claim_findings(read.blocks, parse_over_claims(settings.over_claims))
    findings += old_evidence_findings(
        source_years, max_age=settings.evidence_age_years, this_year=settings.this_year
    )
    return CheckReport(
        readability=level,
        target_grade=settings.target_grade,
        hard_sentences=hardest(counted, above=settings.target_grade),
        findings=findings,
    )
