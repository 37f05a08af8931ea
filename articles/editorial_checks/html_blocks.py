"""An article body's HTML read as the checks need it: blocks of text, headings, images, links.

Read with the standard library's ``html.parser`` (the body is sanitised HTML, see
``articles.sanitize``), so nothing here needs a third-party parser.
"""

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from ..citations import cited_source_ids

# Elements whose text readers take as a unit (a paragraph, a list item, a heading...).
BLOCK_TAGS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "figcaption", "dd", "dt", "pre"}
)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
VOID_TAGS = frozenset({"img", "br", "hr", "source", "wbr", "input"})


@dataclass
class Block:
    """One block: its tag (``p``, ``li``, ``h2``...), its text and its HTML as written."""

    tag: str
    text: str = ""
    html: str = ""

    @property
    def is_heading(self) -> bool:
        return self.tag in HEADING_TAGS


@dataclass
class Link:
    """A link: its ``href``, its text and the text its images or ``aria-label`` give it."""

    href: str
    text: str = ""
    label: str = ""


@dataclass
class Body:
    """What :func:`read_body` finds, in document order."""

    blocks: list[Block] = field(default_factory=list)
    images: list[dict[str, str | None]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.body = Body()
        self.stack: list[Block] = []  # the open blocks, innermost last
        self.link: Link | None = None
        self.loose = Block("p")  # text outside any block (a bare text node) is its own paragraph
        # The open element that is a citation (whatever its stored form): its text, a
        # number, is no prose, and it is no link a reader chooses.
        self.citation: str | None = None

    def _current(self) -> Block:
        return self.stack[-1] if self.stack else self.loose

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in BLOCK_TAGS:
            self._flush_loose()
            if self.stack and tag not in HEADING_TAGS:
                # A nested block (a list inside a list item) ends the text before it.
                self._close(self.stack[-1].tag, keep_open=True)
            self.stack.append(Block(tag))
        start_tag = self.get_starttag_text() or ""
        self._current().html += start_tag
        if self.citation is None and tag not in VOID_TAGS and cited_source_ids(start_tag):
            self.citation = tag
            return
        if tag == "img":
            self.body.images.append(attributes)
            if self.link is not None:
                self.link.label += " " + (attributes.get("alt") or "")
        elif tag == "a":
            self.link = Link(href=attributes.get("href") or "", label=attributes.get("aria-label") or "")
        elif tag == "br":
            self._current().text += " "

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        self._current().html += f"</{tag}>"
        if tag == self.citation:
            self.citation = None
        elif tag == "a" and self.link is not None:
            self.body.links.append(self.link)
            self.link = None
        if tag in BLOCK_TAGS and any(block.tag == tag for block in self.stack):
            self._close(tag)

    def handle_data(self, data: str) -> None:
        self._current().html += escape(data, quote=False)
        if self.citation is not None:
            return
        self._current().text += data
        if self.link is not None:
            self.link.text += data

    def _close(self, tag: str, keep_open: bool = False) -> None:
        while self.stack:
            block = self.stack.pop()
            if block.text.strip():
                self.body.blocks.append(Block(block.tag, " ".join(block.text.split()), block.html))
            if keep_open:
                self.stack.append(Block(block.tag))
                return
            if block.tag == tag:
                return

    def _flush_loose(self) -> None:
        if self.loose.text.strip():
            self.body.blocks.append(Block("p", " ".join(self.loose.text.split()), self.loose.html))
        self.loose = Block("p")

    def close(self) -> None:
        super().close()
        while self.stack:
            self._close(self.stack[-1].tag)
        self._flush_loose()


def read_body(html: str) -> Body:
    """Read ``html`` (an article body) into its blocks, images and links, in order.

    Each block's ``text`` has its whitespace collapsed; ``html`` is the block's markup
    (tags as written, text re-escaped), enough for ``articles.citations`` to find its
    citations. An image's attributes are a dict (a missing ``alt`` is absent, not "").
    """
    reader = _Reader()
    reader.feed(html or "")
    reader.close()
    return reader.body
