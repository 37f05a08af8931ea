"""Searching published articles for ``/search/?q=``.

On PostgreSQL: full-text search (English stemming, title/summary/body weighted A/B/C,
``ts_rank`` ordering, ``ts_headline`` snippets). Elsewhere (SQLite in development): every
word must appear in the title, summary or body, title matches first, and a snippet is cut
from the body in Python. Both answer through ``Article.objects.published()``.

Both find words whatever their accents, case or Unicode form: "Meniere", "Ménière" and
"Ménière" pasted decomposed find the same article. What is stored is in Normalization
Form C (``articles.sanitize``) and so is the query (:func:`clean_query`); PostgreSQL then
reads both through the ``unaccent`` dictionary before stemming (the text search
configuration ``SEARCH_CONFIG``, made by migration ``articles.0012`` as the PostgreSQL
manual's unaccent page shows), and SQLite compares both folded by :func:`fold`.

On PostgreSQL the weighted vector is stored in ``Article.search_vector`` behind a GIN
index, so a search reads the index instead of parsing every article's text. It is kept
in step by :func:`refresh_search_vectors`, which ``articles.publishing`` runs once each
change commits (``articles.derived``).
"""

import html
import re
import unicodedata

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, connections
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Article

#: PostgreSQL text search configuration: "english" with unaccent before the stemmer.
SEARCH_CONFIG = "english_unaccent"
#: The SQL function :func:`fold` is registered as on SQLite connections.
SQLITE_FOLD_FUNCTION = "isha_fold"
MAX_QUERY_LENGTH = 200
# On SQLite each word costs three LIKE clauses; more words than this are ignored.
MAX_FALLBACK_WORDS = 10
SNIPPET_CHARS = 220
#: The columns a search result shows (``templates/articles/search_results.html``).
RESULT_FIELDS = ("pk", "slug", "title", "summary", "published_at", "published_on")

# The body is sanitised HTML (articles/sanitize.py), whose serialiser escapes "<" and ">"
# in text and attribute values, so a tag is exactly "<" up to the next ">". The same
# pattern runs in PostgreSQL (regexp_replace) and in Python.
TAG_PATTERN = "<[^>]*>"
_TAG_RE = re.compile(TAG_PATTERN)
_WORD_RE = re.compile(r"\w+")
# ts_headline marks matches with these; the snippet is escaped first and only then are
# they turned into <mark> tags. They come from the Unicode private use area, which no
# article needs; one typed into a body would only add a harmless <mark>.
_START_SEL, _STOP_SEL = "\ue000", "\ue001"


def clean_query(raw):
    """Return ``(query, was_cut)``: ``raw`` in Normalization Form C without control
    characters (which PostgreSQL refuses, NUL above all), whitespace collapsed, at most
    ``MAX_QUERY_LENGTH`` long."""
    text = _single_spaced(unicodedata.normalize("NFC", raw or ""))
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    return text[:MAX_QUERY_LENGTH].rstrip(), True


def _single_spaced(text):
    """``text`` with control characters and runs of whitespace made single spaces."""
    return " ".join("".join(" " if unicodedata.category(c) in ("Cc", "Cs") else c for c in text).split())


def fold(text):
    """``text`` without accents and case, for comparing words: compatibility-decomposed
    (NFKD, so "é" is "e" + U+0301 and "ﬁ" is "fi"), combining marks dropped, case-folded.
    ``None`` stays ``None`` (SQL NULL)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def register_sqlite_fold(sender, connection, **kwargs):
    """``connection_created`` receiver: on SQLite, make :func:`fold` callable from SQL as
    ``SQLITE_FOLD_FUNCTION``, for the fallback search."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD_FUNCTION, 1, fold, deterministic=True)


def has_words(query):
    """False for queries of punctuation and operators only (``"``, ``-``, ``&&&``)."""
    return bool(_WORD_RE.search(query))


def search_articles(query):
    """Published articles matching ``query`` (cleaned with :func:`clean_query`), best
    first, with what a list of article cards needs. Empty for a query with no words.

    Call :func:`with_snippets` on the page of results being shown.
    """
    query, _ = clean_query(query)
    if not has_words(query):
        return Article.objects.none()
    # Only what a result shows: not the stored search document (the largest column) nor,
    # on PostgreSQL, the body, whose snippet is cut in SQL.
    published = Article.objects.published()
    if connection.vendor == "postgresql":
        return _postgres_search(published.only(*RESULT_FIELDS), query)
    return _simple_search(published.only(*RESULT_FIELDS, "body"), query)


def with_snippets(articles, query):
    """``articles`` (a page of :func:`search_articles` results) as a list, each with a
    ``snippet``: safe HTML, a passage of the body with the matches in ``<mark>``."""
    query, _ = clean_query(query)
    articles = list(articles)
    for article in articles:
        if hasattr(article, "headline"):
            article.snippet = _highlight(html.unescape(article.headline))
        else:
            article.snippet = _simple_snippet(article.body, _fallback_words(query))
    return articles


def _plain_body():
    """The body as text in SQL: tags replaced by spaces so words in adjacent blocks stay
    apart. Entities (&amp;) are left; the English parser skips them and with_snippets
    decodes them."""
    return Func(
        F("body"),
        Value(TAG_PATTERN),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def document_vector():
    """The weighted search document of an article, as a SQL expression (PostgreSQL).

    Tags are stripped rather than searched as raw HTML: the parser would skip them in the
    vector, but ts_headline would hand them back in the snippet.
    """
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector(_plain_body(), weight="C", config=SEARCH_CONFIG)
    )


def refresh_search_vectors(articles):
    """Store the search document of every article in the queryset ``articles``.

    Runs on PostgreSQL only (one UPDATE); elsewhere it does nothing. Call it after writes
    that bypass ``articles.publishing``, such as ``bulk_create`` or ``update()``.
    """
    if connections[articles.db].vendor == "postgresql":
        articles.update(search_vector=document_vector())


def _postgres_search(articles, query):
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return (
        articles.filter(search_vector=search_query)
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            headline=SearchHeadline(
                _plain_body(),
                search_query,
                config=SEARCH_CONFIG,
                start_sel=_START_SEL,
                stop_sel=_STOP_SEL,
                max_words=25,
                min_words=10,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def _fallback_words(query):
    # "OR" is an operator in PostgreSQL's web search syntax, not a word to look for; a
    # single letter would match inside nearly every article.
    words = [word for word in _WORD_RE.findall(fold(query)) if len(word) > 1 and word != "or"]
    return list(dict.fromkeys(words))[:MAX_FALLBACK_WORDS]


def _simple_search(articles, query):
    words = _fallback_words(query)
    if not words:
        return articles.none()
    articles = articles.annotate(
        **{
            f"folded_{name}": Func(F(name), function=SQLITE_FOLD_FUNCTION, output_field=TextField())
            for name in ("title", "summary", "body")
        }
    )
    matches, in_title, in_summary = Q(), Q(), Q()
    for word in words:
        matches &= (
            Q(folded_title__contains=word) | Q(folded_summary__contains=word) | Q(folded_body__contains=word)
        )
        in_title &= Q(folded_title__contains=word)
        in_summary &= Q(folded_summary__contains=word)
    # The body is matched as stored HTML: a word that is only a tag or attribute name
    # ("strong", "href") matches too. Acceptable for a development fallback.
    return (
        articles.filter(matches)
        .annotate(
            rank=Case(
                When(in_title, then=Value(2)),
                When(in_summary, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def _simple_snippet(body, words):
    text = _single_spaced(html.unescape(_TAG_RE.sub(" ", body or "")))
    if not words:
        return _highlight(text[:SNIPPET_CHARS])
    spans = _folded_matches(text, words)
    start = max(0, spans[0][0] - SNIPPET_CHARS // 3) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
    marked, position = [], start
    for span_start, span_end in spans:
        if span_start >= position and span_end <= end:
            marked += [text[position:span_start], _START_SEL, text[span_start:span_end], _STOP_SEL]
            position = span_end
    marked.append(text[position:end])
    return _highlight(("… " if start else "") + "".join(marked) + (" …" if end < len(text) else ""))


def _folded_matches(text, words):
    """The ``(start, end)`` spans of ``text`` whose :func:`fold` is one of ``words``
    (folded), in order: the folded text is searched, and each folded character maps
    back to the character of ``text`` it came from."""
    folded, origin = [], []
    for index, character in enumerate(text):
        piece = fold(character)
        folded.append(piece)
        origin += [index] * len(piece)
    pattern = re.compile("|".join(re.escape(word) for word in words))
    return [
        (origin[match.start()], origin[match.end() - 1] + 1)
        for match in pattern.finditer("".join(folded))
        if match.end() > match.start()
    ]


def _highlight(text):
    """``text`` escaped, whitespace collapsed, the match markers made <mark> tags."""
    safe = escape(_single_spaced(text))
    return mark_safe(safe.replace(_START_SEL, "<mark>").replace(_STOP_SEL, "</mark>"))
