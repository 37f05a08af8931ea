"""Template tags for article pages: responsive images."""

from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(image, renditions, alt="", sizes="100vw", eager=False, css_class=""):
    """Render ``image`` as a ``<picture>`` with WebP and fallback ``srcset`` s.

    ``renditions`` is the dict :func:`articles.images.make_renditions` stored for the
    image; without it (or for an image that changed since) the original file is shown.
    ``eager`` images (the hero, above the fold) load at once with high priority; the
    rest load lazily. Width and height are always given so nothing shifts on load.
    """
    if not image:
        return {"image": None}
    usable = renditions if renditions and renditions.get("name") == image.name else None
    context = {"image": image, "alt": alt, "sizes": sizes, "eager": eager, "css_class": css_class}
    if usable:
        sources = usable["sources"]
        context.update(
            width=usable["width"],
            height=usable["height"],
            webp_srcset=", ".join(f"{default_storage.url(s['webp'])} {s['width']}w" for s in sources),
            fallback_srcset=", ".join(f"{default_storage.url(s['fallback'])} {s['width']}w" for s in sources),
            src=default_storage.url(sources[-1]["fallback"]),
        )
    else:
        context.update(src=image.url, width=None, height=None)
    return context
