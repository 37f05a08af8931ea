"""factory_boy factories with unique slugs and dates relative to now."""

import io
import struct
import zlib
from datetime import timedelta

import factory
from django.utils import timezone
from PIL import Image

from articles import publishing
from articles.derived import refresh_derived_data
from articles.models import (
    Article,
    Author,
    Citation,
    RelatedArticle,
    Reviewer,
    Source,
    Topic,
)
from signups.addresses import normalize_email
from signups.models import Subscriber


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary."
    body = "<h2>Section</h2><p>Body text.</p>"
    author = factory.SubFactory(AuthorFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        archived = factory.Trait(status=Article.Status.ARCHIVED)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Saved directly, not through articles.publishing, so what follows an editorial
        # save (renditions, the search document) is made here, at once.
        article = super()._create(model_class, *args, **kwargs)
        refresh_derived_data(article)
        return article


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    citation_text = factory.Sequence(lambda n: f"Author A. Study number {n}. J Example. 2020;1:{n}.")


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    article = factory.SubFactory(ArticleFactory)
    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(int)


class ReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reviewer

    name = factory.Sequence(lambda n: f"Dr Reviewer {n}")
    slug = factory.Sequence(lambda n: f"reviewer-{n}")
    credentials = "MD"
    specialty = "Psychiatry"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class RelatedArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedArticle

    from_article = factory.SubFactory(ArticleFactory)
    to_article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(int)


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    email_normalized = factory.LazyAttribute(lambda o: normalize_email(o.email))


class ConfirmedSubscriberFactory(SubscriberFactory):
    """A subscriber who has confirmed (sign-up export and dashboard tests)."""

    status = Subscriber.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=5))


def record_sign_off(article, reviewer, *, when=None, by=None):
    """Sign off ``reviewer``'s (a Reviewer) medical review of ``article``'s live body at
    ``when`` (default now) through ``articles.publishing.sign_off_review``, as the user
    ``by`` (who must hold the review permission and be that reviewer), or as the system
    when ``by`` is None, as a fixture loader would. Refreshes ``article`` from the
    database and returns it."""
    if by is not None:
        publishing.sign_off_review(article=article, reviewer=reviewer, actor=by, when=when)
    else:
        with publishing.system_actor("tests"):
            publishing.sign_off_review(article=article, reviewer=reviewer, actor=None, when=when)
    article.refresh_from_db()
    return article


def store_pending_changes(article, editor, *, citations=None, related=None, **values):
    """Have ``editor`` (a user who may not publish) save ``values`` (field name to value,
    as an edit would set them) on a live ``article`` through
    ``articles.publishing.save_draft``, which keeps them as pending changes with
    ``citations`` and ``related`` (default: the live ones). Edits a fresh copy, refreshes
    ``article`` from the database and returns it."""
    edited = Article.objects.get(pk=article.pk)
    for name, value in values.items():
        setattr(edited, name, value)
    saved = publishing.save_draft(
        article=edited, actor=editor, fields=list(values), citations=citations, related=related
    )
    assert saved is publishing.Saved.PENDING, "only an editor's change to a live article is kept pending"
    article.refresh_from_db()
    return article


def image_bytes(mode="RGB", size=(40, 20), image_format="JPEG", **save_kwargs):
    """An image file's bytes: ``size`` pixels of one colour, in ``image_format``."""
    buffer = io.BytesIO()
    Image.new(mode, size, "red" if mode != "CMYK" else (0, 255, 255, 0)).save(
        buffer, image_format, **save_kwargs
    )
    return buffer.getvalue()


def png_header_only(width, height):
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb's shape)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    )
