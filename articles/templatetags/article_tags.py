"""Template tags for article pages: responsive images."""

from django import template
from django.core.files.storage import default_storage
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def picture(image, renditions, alt="", sizes="100vw", eager=False, css_class=""):
    """Render ``image`` as a ``<picture>`` with WebP and fallback ``srcset`` s.

    ``renditions`` is the dict :func:`articles.images.make_renditions` stored for the
    image; without it (or for an image that changed since) the original file is shown.
    ``eager`` images (the hero, above the fold) load at once with high priority; the
    rest load lazily. Width and height are always given so nothing shifts on load.

    Built in Python rather than from a template: article cards show one each, and a
    template per card cost more than the rest of the card. Returns safe HTML (every
    value escaped), followed by a line break (none for no image).
    """
    if not image:
        return "\n"
    usable = renditions if renditions and renditions.get("name") == image.name else None
    parts = ["<picture>"]
    if usable:
        sources = usable["sources"]
        webp = ", ".join(f"{default_storage.url(s['webp'])} {s['width']}w" for s in sources)
        fallback = ", ".join(f"{default_storage.url(s['fallback'])} {s['width']}w" for s in sources)
        parts += [
            f'\n  <source type="image/webp" srcset="{esc(webp)}" sizes="{esc(sizes)}">',
            f'\n  <source srcset="{esc(fallback)}" sizes="{esc(sizes)}">',
        ]
        src, width, height = default_storage.url(sources[-1]["fallback"]), usable["width"], usable["height"]
    else:
        src, width, height = image.url, None, None
    parts.append(f'\n  <img class="{esc(css_class)}"' if css_class else "\n  <img")
    parts.append(f' src="{esc(src)}" alt="{esc(alt)}"')
    if width:
        parts.append(f' width="{esc(width)}" height="{esc(height)}"')
    parts.append(' fetchpriority="high">' if eager else ' loading="lazy" decoding="async">')
    parts.append("\n</picture>\n")
    return mark_safe("".join(parts))
