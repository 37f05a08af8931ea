"""Pending revisions: an editor's changes to a live article, kept until a publisher publishes them.

Readers keep seeing the live fields while the changes wait in ``Article.pending_revision``
as JSON::

    {"fields": {"title": "...", "author": 3, "published_at": "2026-11-05T09:00:00+00:00", ...},
     "citations": [{"id": 12, "position": 0, "source": 5}, ...],
     "related": [7, 4],
     "topics": [2, 5]}

``fields`` holds the article's own fields (foreign keys as ids, dates as ISO 8601, files
as stored names), ``citations`` the attached sources in order (``id`` is the live Citation
an entry came from, or ``None`` for a new one; ``source`` a Source id), ``related`` the
ids of related articles in order and ``topics`` the ids of the article's topics (absent
in revisions stored before topics could wait: the live topics then stay).

This module is the only store of pending changes; django-simple-history records saved
versions only. Storing and publishing them go through ``articles.publishing``
(``save_draft``, ``restore_revision`` and ``publish_pending``), which check who may do it:
the function that stores them (:func:`_store_pending_edit`) is called from there only.
"""

import datetime
import difflib
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import File
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .derived import refresh_renditions
from .editorial_checks.stored import refresh_checks_on_commit
from .models import Article, Citation, RelatedArticle, Source, Topic
from .sanitize import sanitize_html


def _pk(value: Any) -> Any:
    """An id from a model instance or an id (form rows hold instances, JSON holds ids)."""
    return getattr(value, "pk", value)


def _store_pending(
    article: Article,
    form_data: Mapping[str, Any],
    citations: Iterable[Mapping[str, Any]],
    related_ids: Iterable[int | str],
    user: AbstractBaseUser | None,
    topic_ids: Iterable[int] = (),
) -> Article:
    """Keep ``form_data`` and the inlines as ``article``'s pending revision; live fields stay.

    ``form_data`` maps Article field names to values as a ModelForm cleans them (model
    instances or ids for foreign keys, dates, files: an upload is written to storage
    now, ``False`` or "" clears). ``citations`` are dicts with ``position`` and ``source``
    (a Source or its id; optionally the ``id`` of the live Citation they edit);
    ``related_ids`` are article ids in order, ``topic_ids`` topic ids. Written with a queryset ``update()`` so
    nothing else on the row changes; the version is bumped so copies of the form loaded
    earlier are stale. For ``articles.publishing`` only, which checks the permission.

    A new upload stays in storage if the transaction is rolled back afterwards: Django has
    no on-rollback hook, and an unreferenced file is harmless (it is never served by a
    page), so no clean-up is attempted.
    """
    fields = {}
    for name, value in form_data.items():
        field = Article._meta.get_field(name)
        if not field.concrete or not field.editable or field.primary_key:
            continue
        fields[name] = _to_json(field, article, value)
    if "body" in fields:
        fields["body"] = sanitize_html(fields["body"])
    payload = {
        "fields": fields,
        "citations": [
            {"id": _pk(row.get("id")), "position": row.get("position") or 0, "source": _pk(row.get("source"))}
            for row in sorted(citations, key=lambda row: row.get("position") or 0)
            if row.get("source")
        ],
        "related": [int(pk) for pk in dict.fromkeys(related_ids) if int(pk) != article.pk],
        "topics": sorted({int(pk) for pk in topic_ids}),
    }
    Article.objects.filter(pk=article.pk).update(
        pending_revision=payload,
        pending_revision_by=user,
        pending_revision_at=timezone.now(),
        version=F("version") + 1,
    )
    article.refresh_from_db(
        fields=["pending_revision", "pending_revision_by", "pending_revision_at", "version"]
    )
    refresh_checks_on_commit(article)
    return article


def _store_pending_edit(
    article: Article,
    user: AbstractBaseUser | AnonymousUser | None,
    *,
    fields: Collection[str] | None = None,
    citations: Sequence[Mapping[str, Any]] | None = None,
    related: Sequence[int] | None = None,
    topics: Sequence[int] | None = None,
) -> Article:
    """:func:`_store_pending` for an edited instance: the values ``article`` holds for
    ``fields`` (names; default every editable field, others are ignored), with
    ``citations``, ``related`` and ``topics`` defaulting to the live ones."""
    concrete = {field.name: field for field in Article._meta.concrete_fields}
    names = concrete if fields is None else [name for name in fields if name in concrete]
    values = {name: concrete[name].value_from_object(article) for name in names}
    if citations is None:
        citations = list(article.citations.values("id", "position", "source"))
    if related is None:
        links = article.related_links.order_by("position", "pk")
        related = list(links.values_list("to_article_id", flat=True))
    if topics is None:
        topics = list(article.topics.values_list("pk", flat=True))
    by = user if isinstance(user, AbstractBaseUser) else None
    return _store_pending(article, values, citations, related, by, topics)


def take_pending(article: Article) -> dict[str, Any] | None:
    """Move ``article``'s pending revision onto the instance, in memory: its fields are set
    and the pending revision is cleared. Returns the payload (whose cited sources and
    related articles :func:`write_pending_inlines` writes once the article is saved), or
    ``None`` when nothing was pending. ``articles.publishing.publish_pending`` saves it.
    """
    payload: dict[str, Any] | None = article.pending_revision
    if not payload:
        return None
    load_pending_fields(article)
    article.pending_revision = None
    article.pending_revision_by = None
    article.pending_revision_at = None
    return payload


def write_pending_inlines(article: Article, payload: dict[str, Any] | None) -> None:
    """Replace ``article``'s cited sources, related articles and (when the payload has
    them) topics by the payload's, in order; rows deleted meanwhile are left out."""
    if not payload:
        return
    article.citations.all().delete()
    rows = payload.get("citations", [])
    existing_sources = set(
        Source.objects.filter(pk__in=[row["source"] for row in rows]).values_list("pk", flat=True)
    )
    Citation.objects.bulk_create(
        Citation(article=article, position=row["position"], source_id=row["source"])
        for row in rows
        if row["source"] in existing_sources
    )
    article.related_links.all().delete()
    related = payload.get("related", [])
    existing = set(Article.objects.filter(pk__in=related).values_list("pk", flat=True))
    RelatedArticle.objects.bulk_create(
        RelatedArticle(from_article=article, to_article_id=pk, position=position)
        for position, pk in enumerate(pk for pk in related if pk in existing)
    )
    if "topics" in payload:
        article.topics.set(Topic.objects.filter(pk__in=payload["topics"]))


def pending_preview(article: Article) -> tuple[Article, list[Source], list[Article]]:
    """Return ``(article_copy, sources, related)`` as readers would see them once published.

    ``article_copy`` is an unsaved Article (same pk, never to be saved) with the pending
    fields applied; ``sources`` the attached Sources in order; ``related`` the
    published articles among the related ones, in order. Without pending changes,
    the live values are returned.
    """
    copy = Article(
        **{field.attname: getattr(article, field.attname) for field in Article._meta.concrete_fields}
    )
    payload = article.pending_revision
    if not payload:
        related_ids = list(
            article.related_links.order_by("position", "pk").values_list("to_article_id", flat=True)
        )
        return copy, list(Source.objects.cited_by(article)), _published_in_order(related_ids)
    load_pending_fields(copy)
    copy.body = sanitize_html(copy.body)
    # In memory only: the copy shares the live row's id.
    refresh_renditions(copy, store=False)
    source_ids = [row["source"] for row in payload.get("citations", [])]
    by_id = Source.objects.in_bulk(source_ids)
    sources = [by_id[pk] for pk in source_ids if pk in by_id]
    return copy, sources, _published_in_order(payload.get("related", []))


def pending_topics(article: Article) -> list[Topic]:
    """``article``'s topics as readers will see them once its pending changes are published
    (the live ones when none are pending, or the payload predates pending topics)."""
    payload = article.pending_revision or {}
    if "topics" not in payload:
        return list(article.topics.all())
    return list(Topic.objects.filter(pk__in=payload["topics"]))


def load_pending_fields(article: Article) -> Article:
    """Set ``article``'s pending field values on the instance, in memory only."""
    concrete = {field.name: field for field in Article._meta.concrete_fields}
    for name, value in ((article.pending_revision or {}).get("fields") or {}).items():
        field = concrete[name]
        if value is not None and not isinstance(field, models.FileField):
            value = field.to_python(value)
        setattr(article, field.attname, value if value is not None or field.null else "")
    return article


def pending_rows(article: Article) -> dict[str, list[dict[str, Any]]]:
    """The pending inlines as form rows: ``{"citations": [...], "related": [...]}``.

    Related rows are ``{"to_article": id, "position": n}``, so both kinds can prefill
    the admin's inline forms.
    """
    payload = article.pending_revision or {}
    return {
        "citations": [dict(row) for row in payload.get("citations", [])],
        "related": [
            {"to_article": pk, "position": position} for position, pk in enumerate(payload.get("related", []))
        ],
    }


def last_change(article: Article) -> tuple[AbstractBaseUser | None, datetime.datetime | None]:
    """Return ``(user, when)`` of the latest change to ``article``: a save or stored pending changes.

    ``user`` may be ``None`` (a change from the shell or a command).
    """
    candidates = []
    record = article.history.select_related("history_user").order_by("-history_date").first()
    if record is not None:
        candidates.append((record.history_date, record.history_user))
    if article.pending_revision_at:
        candidates.append((article.pending_revision_at, article.pending_revision_by))
    if not candidates:
        return None, article.modified_at
    when, user = max(candidates, key=lambda candidate: candidate[0])
    return user, when


# Line breaks after block-level tags give difflib lines an editor recognises.
_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|li|ul|ol|blockquote|figure|figcaption)>|<br\s*/?>|<hr\s*/?>)")


def html_diff(old: str | None, new: str | None) -> str:
    """A line diff of two bodies as escaped HTML: removed lines in ``<del>``, added in ``<ins>``."""

    def lines(html: str | None) -> list[str]:
        return [line for line in _BLOCK_END.sub(r"\1\n", html or "").splitlines() if line.strip()]

    rows = []
    for line in difflib.unified_diff(lines(old), lines(new), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("diff-gap", "…"))
        elif line.startswith("-"):
            rows.append(("diff-del", format_html("<del>{}</del>", line[1:])))
        elif line.startswith("+"):
            rows.append(("diff-ins", format_html("<ins>{}</ins>", line[1:])))
        else:
            rows.append(("diff-same", line[1:]))
    return format_html('<ul class="body-diff">{}</ul>', format_html_join("", '<li class="{}">{}</li>', rows))


def _to_json(field: models.Field, article: Article, value: Any) -> Any:
    if isinstance(field, models.FileField):
        return _stored_file_name(field, article, value)
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        return value.pk if isinstance(value, models.Model) else value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _stored_file_name(field: models.FileField, article: Article, value: Any) -> str:
    """The storage name for a file field's form value, writing a new upload to storage."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    if getattr(value, "_committed", False):
        return str(value.name)
    content = value.file if hasattr(value, "field") else value
    if not isinstance(content, File):
        content = File(content)
    name = field.generate_filename(article, os.path.basename(value.name or "image"))
    return field.storage.save(name, content, max_length=field.max_length)


def _published_in_order(ids: Sequence[int]) -> list[Article]:
    by_pk = Article.objects.published().with_listing_data().in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]
