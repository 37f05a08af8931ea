"""One warning of the editorial checks, as the panel and the stored findings show it."""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    """A warning: its ``check`` (a :data:`CHECKS` key), what is wrong (``message``, for
    the editor) and the sentence, heading, link or image it concerns (``excerpt``)."""

    check: str
    message: str
    excerpt: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# The checks' names, in the order the panel lists them.
CHECKS = {
    "reading_level": "Reading level",
    "alt_text": "Images without alt text",
    "external_image": "Images from other sites",
    "heading_order": "Headings out of order",
    "link_text": "Links without meaningful text",
    "uncited_claim": "Claims without a citation",
    "over_claim": "Over-claims",
    "old_evidence": "Old evidence",
}


def excerpt(text: str, limit: int = 160) -> str:
    """``text`` shortened to ``limit`` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
