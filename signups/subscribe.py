"""The sign-up use case: one subscriber per address, every attempt recorded."""

from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve

from .models import SignupEvent, Subscriber


def article_for_path(path):
    """Return the published article whose page is ``path``, or ``None``.

    Only the path is trusted, never an ID from the form: a visitor can only name an
    article that is publicly visible anyway.
    """
    from articles.models import Article

    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "articles:detail":
        return None
    return Article.objects.published().filter(slug=match.kwargs.get("slug")).first()


@transaction.atomic
def subscribe(email, email_normalized, path=""):
    """Record a sign-up for ``email`` from the page at ``path``.

    Creates the subscriber on first sign-up (its source is this page and article);
    a repeat sign-up, in any letter case, adds only a :class:`SignupEvent` to the
    existing subscriber's history. Safe under concurrency: the database's unique
    constraint decides which of two simultaneous first sign-ups creates the row, and
    the other becomes a repeat. Returns ``(subscriber, created)``.
    """
    article = article_for_path(path) if path else None
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(
                email=email,
                email_normalized=email_normalized,
                source_path=path,
                source_article=article,
            )
        created = True
    except IntegrityError:
        subscriber = Subscriber.objects.get(email_normalized=email_normalized)
        created = False
    SignupEvent.objects.create(subscriber=subscriber, path=path, article=article)
    return subscriber, created
