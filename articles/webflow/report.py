"""What an import did, row by row: the report :func:`articles.webflow.apply.apply_export` returns."""

from dataclasses import dataclass, field
from typing import Literal

from .rows import Problem

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
ACTIONS = (CREATED, UPDATED, UNCHANGED, SKIPPED)


@dataclass(frozen=True)
class Outcome:
    """What happened to one CSV row: ``action`` is one of ``ACTIONS``; skips carry a reason."""

    line: int
    item: str
    action: str
    reason: str = ""

    def __str__(self) -> str:
        return f"line {self.line} ({self.item}): {self.reason}"


@dataclass
class ImportReport:
    """The result of :func:`~articles.webflow.apply.apply_export`.

    ``posts``/``authors``: one :class:`Outcome` per CSV row, in CSV order. ``warnings``:
    :class:`~articles.webflow.rows.Problem` objects that did not stop a row (missing images,
    unresolved related posts). ``not_in_export``: items imported before that this export
    lacks, as ``"kind slug (item id)"``; they are left alone.
    """

    dry_run: bool = False
    posts: list[Outcome] = field(default_factory=list)
    authors: list[Outcome] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    not_in_export: list[str] = field(default_factory=list)

    def counts(self, kind: Literal["posts", "authors"] = "posts") -> dict[str, int]:
        """``{"created": n, "updated": n, "unchanged": n, "skipped": n}`` for posts or authors."""
        outcomes = self.posts if kind == "posts" else self.authors
        return {action: sum(o.action == action for o in outcomes) for action in ACTIONS}

    @property
    def changed(self) -> bool:
        """Whether any post or author was (or, in a dry run, would be) created or updated."""
        return any(o.action in (CREATED, UPDATED) for o in self.posts + self.authors)

    def lines(self) -> list[str]:
        """The report as lines of text for a terminal."""
        would = "would be " if self.dry_run else ""
        out = []
        kinds: tuple[Literal["posts", "authors"], ...] = ("posts", "authors")
        for kind in kinds:
            counts = self.counts(kind)
            out.append(
                f"{kind.capitalize()}: {counts[CREATED]} {would}created, "
                f"{counts[UPDATED]} {would}updated, {counts[UNCHANGED]} skipped (unchanged), "
                f"{counts[SKIPPED]} skipped (see below)"
            )
            out += [
                f"  skipped {o}"
                for o in (self.posts if kind == "posts" else self.authors)
                if o.action == SKIPPED
            ]
        if self.warnings:
            out.append("Warnings:")
            out += [f"  {'authors CSV ' if w.kind == 'author' else ''}{w}" for w in self.warnings]
        if self.not_in_export:
            out.append("Not in this export (left alone):")
            out += [f"  {item}" for item in self.not_in_export]
        if not self.changed:
            out.append("Nothing changed: the database already matches this export.")
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        return out
