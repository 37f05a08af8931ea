"""Checks of a body's images, headings and links (WCAG 2.2: 1.1.1 Non-text Content,
1.3.1 Info and Relationships, 2.4.4 Link Purpose; https://www.w3.org/TR/WCAG22/)."""

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from .findings import Finding, excerpt
from .html_blocks import Block, Link

# Link texts that say nothing of where the link leads (compared lower case, without
# punctuation).
VAGUE_LINK_TEXTS = frozenset(
    {
        "click here",
        "here",
        "read more",
        "more",
        "learn more",
        "this",
        "link",
        "this link",
        "click",
        "go",
        "see here",
    }
)
_URL_TEXT_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


def image_findings(images: Iterable[dict[str, str | None]], own_hosts: Iterable[str]) -> Iterator[Finding]:
    """Images with no alt text, and images served from another site than ``own_hosts``.

    An empty ``alt`` is right for a decorative image, so it is accepted only when the
    image says so (``role="presentation"`` or ``"none"``, ``aria-hidden="true"`` or a
    ``data-decorative`` attribute). Relative addresses are the site's own.
    """
    hosts = {host.lower().lstrip(".") for host in own_hosts}
    for image in images:
        src = image.get("src") or ""
        alt = (image.get("alt") or "").strip()
        decorative = (
            (image.get("role") or "") in {"presentation", "none"}
            or image.get("aria-hidden") == "true"
            or "data-decorative" in image
        )
        if not alt and not decorative:
            yield Finding(
                "alt_text",
                "This image has no alt text: describe it, or mark it as decorative.",
                excerpt(src),
            )
        host = (urlsplit(src).hostname or "").lower() if src.startswith(("http:", "https:", "//")) else ""
        if host and host not in hosts:
            yield Finding(
                "external_image",
                f"This image comes from another site ({host}): upload it to the media library instead.",
                excerpt(src),
            )


def heading_findings(blocks: Iterable[Block]) -> Iterator[Finding]:
    """Headings that skip a level. The page's title is its one ``h1``, so the body's
    headings start at ``h2`` and go down one level at a time."""
    previous = 1
    for block in blocks:
        if not block.is_heading:
            continue
        level = int(block.tag[1])
        if level == 1:
            message = "The article's title is the page's only level-1 heading: make this one level 2."
        elif level > previous + 1 and previous == 1:
            message = f"The body's headings start at level 2 (the title is level 1), not {level}."
        elif level > previous + 1:
            message = f"This level-{level} heading follows a level-{previous} one: use level {previous + 1}."
        else:
            message = ""
        if message:
            yield Finding("heading_order", message, excerpt(block.text))
        previous = level


def link_findings(links: Iterable[Link]) -> Iterator[Finding]:
    """Links whose text does not say where they lead: none, a vague phrase ("click here",
    "read more") or a bare address. An ``aria-label`` or an image's alt text counts."""
    for link in links:
        text = " ".join(f"{link.text} {link.label}".split())
        bare = re.sub(r"[^\w\s]", "", text).strip().lower()
        if not bare:
            message = "This link has no text: say where it leads."
        elif bare in VAGUE_LINK_TEXTS:
            message = f"“{text}” does not say where this link leads: describe its destination."
        elif _URL_TEXT_RE.match(text):
            message = "This link's text is a bare address: describe its destination instead."
        else:
            continue
        yield Finding("link_text", message, excerpt(text or link.href))
