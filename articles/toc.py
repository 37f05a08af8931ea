"""Reading time and a table of contents for an article body (already sanitised HTML)."""

import math
import re
from dataclasses import dataclass
from html import unescape

from django.utils.html import strip_tags

from .slugs import slug_base

# Adult silent reading of non-fiction in English averages about 238 words per minute
# (Brysbaert M. J Mem Lang. 2019;109:104047. doi: 10.1016/j.jml.2019.104047).
WORDS_PER_MINUTE = 238

#: Ids the page templates use themselves; a heading called "Main" must not take them.
RESERVED_IDS = frozenset(
    {
        "main",
        "signup",
        "signup-heading",
        "toc-heading",
        "sources-heading",
        "history-heading",
        "related-heading",
        "latest-heading",
    }
)

HEADING_RE = re.compile(r"<(h[23])(\s[^>]*)?>(.*?)</\1>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class TocEntry:
    """One heading: ``level`` 2 or 3, its plain ``text`` and the ``anchor`` id it carries."""

    level: int
    text: str
    anchor: str


def reading_time(html):
    """Return the minutes (int, at least 1) an adult needs to read ``html``'s text."""
    words = len(unescape(strip_tags(html or "")).split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def add_heading_anchors(html):
    """Give every h2/h3 in ``html`` a unique ``id`` and list them.

    Returns ``(html_with_ids, [TocEntry, ...])`` in document order. Ids come from the
    heading text (``slug_base``); repeats, and ids in ``RESERVED_IDS``, get ``-2``,
    ``-3``. Existing ids are replaced so the result is the same however often the body
    was saved.
    """
    entries = []
    used = set(RESERVED_IDS)

    def replace(match):
        tag, inner = match.group(1).lower(), match.group(3)
        text = " ".join(unescape(strip_tags(inner)).split())
        anchor = base = slug_base(text, fallback="section")
        n = 2
        while anchor in used:
            anchor = f"{base}-{n}"
            n += 1
        used.add(anchor)
        entries.append(TocEntry(level=int(tag[1]), text=text, anchor=anchor))
        return f'<{tag} id="{anchor}">{inner}</{tag}>'

    return HEADING_RE.sub(replace, html or ""), entries
