"""Readable, unique slugs for any title, whatever its script."""

from anyascii import anyascii
from django.utils.text import slugify

MAX_LENGTH = 200


def slug_base(text, fallback="article"):
    """Return an ASCII slug for ``text``.

    Letters from any script are transliterated (anyascii), so "Кетамин" gives "ketamin"
    and a Japanese title gives its romanisation; the admin's prepopulating script would
    drop them. Never empty and never a bare number (which would read as an ID):
    ``fallback`` stands in for an empty result and prefixes a numeric one.
    """
    slug = slugify(anyascii(text or ""))[: MAX_LENGTH - 10].strip("-")
    if not slug:
        return fallback
    if slug.replace("-", "").isdigit():
        return f"{fallback}-{slug}"
    return slug


def unique_slug(instance, text, field="slug", fallback="article"):
    """Return a slug for ``text`` not used by another row of ``instance``'s model.

    A collision gets a readable suffix: ``title``, ``title-2``, ``title-3``...
    The instance itself (when saved before) does not count as a collision.
    """
    base = slug_base(text, fallback=fallback)
    others = (
        type(instance)._default_manager.exclude(pk=instance.pk)
        if instance.pk
        else type(instance)._default_manager.all()
    )
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
