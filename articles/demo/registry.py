"""What ``load_demo`` created, and what ``load_demo --remove`` takes away again.

Every article, author, source, topic and medical reviewer the loader creates is registered
(:class:`articles.models.DemoContent`) with its fingerprint at the time; removal takes
exactly the registered objects that are unchanged since (all of them with ``force``),
never anything else: an editor's article by the demo author stays, and so does the
author then; a source another article cites stays, a topic filing another article, and a
reviewer who signed off another article (or was linked to an account since: changed).
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .. import publishing
from ..actors import Actor
from ..models import Article, Author, DemoContent, Page, Reviewer, Source, Topic
from ..models.sources import BIBLIOGRAPHIC_FIELDS

# What a demo source is fingerprinted on: its citation, and the evidence type shown with it.
SOURCE_FIELDS = (*BIBLIOGRAPHIC_FIELDS, "evidence_type")
# What a demo page is fingerprinted on: everything its admin form changes.
PAGE_FIELDS = ("title", "slug", "summary", "body", "purpose", "status")
# A demo reviewer's fields; linking it to a staff account (``user``) counts as a change.
REVIEWER_FIELDS = ("name", "slug", "credentials", "specialty", "bio", "licence_verified_on", "user_id")


def fingerprint(obj: models.Model) -> str:
    """A SHA-256 (hex) of what an editor could change on ``obj``.

    An article's version moves on with every save (``Article.save``) and pending changes
    are kept beside the row, so the version and whether changes are pending stand for it;
    an author, a source, a topic, a reviewer or a page is fingerprinted by its fields.
    """
    if isinstance(obj, Article):
        facts: list = [obj.version, obj.pending_revision is not None]
    elif isinstance(obj, Author):
        facts = [obj.name, obj.slug, obj.bio, obj.photo.name or ""]
    elif isinstance(obj, Page):
        facts = [getattr(obj, name) for name in PAGE_FIELDS]
    elif isinstance(obj, Topic):
        facts = [obj.name, obj.slug, obj.description]
    elif isinstance(obj, Reviewer):
        facts = [getattr(obj, name) for name in REVIEWER_FIELDS]
    else:
        facts = [getattr(obj, name) for name in SOURCE_FIELDS]
    return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()


def register(obj: models.Model) -> None:
    """Record ``obj`` as created by the loader, as it is now."""
    DemoContent.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        defaults={"fingerprint": fingerprint(obj)},
    )


def describe(obj: models.Model) -> str:
    """``obj`` for a person reading the command's output: ``article 12: Its title``."""
    return f"{obj._meta.verbose_name} {obj.pk}: {obj}"


@dataclass
class RemovalPlan:
    """``remove``: the objects removal deletes, articles first; ``keep``: ``(object,
    reason)`` for registered objects it leaves, each with why; ``removed``: the objects
    of ``remove`` described (:func:`describe`) while they still had their ids."""

    remove: list = field(default_factory=list)
    keep: list = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# Articles first: the rest can go only once no article needs it.
_ORDER = (Article, Source, Author, Topic, Reviewer, Page)


def plan_removal(*, force: bool = False) -> RemovalPlan:
    """What :func:`remove_demo_content` would do now, without doing it.

    A registered object changed since it was loaded is kept (removed with ``force``); a
    source still cited, or an author still credited, by an article that stays (not demo
    content, or kept) is kept whatever ``force`` says (deleting it would take the article with it).
    """
    plan = RemovalPlan()
    entries = DemoContent.objects.select_related("content_type")
    for model in _ORDER:
        kind = ContentType.objects.get_for_model(model)
        recorded = {e.object_id: e.fingerprint for e in entries if e.content_type_id == kind.pk}
        for obj in model.objects.filter(pk__in=recorded).order_by("pk"):
            reason = _reason_to_keep(obj, recorded[obj.pk], plan.remove, force)
            if reason:
                plan.keep.append((obj, reason))
            else:
                plan.remove.append(obj)
                plan.removed.append(describe(obj))
    return plan


def _reason_to_keep(obj, recorded: str, removing: list, force: bool) -> str:
    leaving = [a.pk for a in removing if isinstance(a, Article)]
    if isinstance(obj, Source) and obj.citations.exclude(article__in=leaving).exists():
        return "cited by an article that stays"
    if isinstance(obj, Author) and obj.articles.exclude(pk__in=leaving).exists():
        return "credited on an article that stays"
    if isinstance(obj, Topic) and obj.articles.exclude(pk__in=leaving).exists():
        return "files an article that stays"
    if isinstance(obj, Reviewer) and obj.articles.exclude(pk__in=leaving).exists():
        return "signed off an article that stays"
    if fingerprint(obj) != recorded and not force:
        return "changed since it was loaded (--force removes it)"
    return ""


@transaction.atomic
def remove_demo_content(*, actor: Actor, force: bool = False) -> RemovalPlan:
    """Delete what :func:`plan_removal` lists, in one transaction, and return the plan.

    Articles go through ``articles.publishing.delete`` as ``actor`` (the ``load_demo``
    command passes the system inside ``system_actor``), so each deletion is in the
    history; authors, sources, topics and reviewers are deleted as rows. The register forgets what was
    removed and what no longer exists.
    """
    plan = plan_removal(force=force)
    for obj in plan.remove:
        if isinstance(obj, Article):
            publishing.delete(article=obj, actor=actor)
        else:
            obj.delete()
    _forget_missing()
    return plan


def _forget_missing() -> None:
    for model in _ORDER:
        kind = ContentType.objects.get_for_model(model)
        registered = DemoContent.objects.filter(content_type=kind)
        existing = model.objects.filter(pk__in=registered.values("object_id")).values("pk")
        registered.exclude(object_id__in=existing).delete()
