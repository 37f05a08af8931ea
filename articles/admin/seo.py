"""The article page's "Search and sharing" section: the SEO fields, their defaults shown as
placeholders, and a live preview of the search result and the social card.

Mixed into ``ArticleAdmin``; the preview is a read-only field rendered from
``admin/articles/article/seo_preview.html`` and kept current by
``articles/admin/seo_preview.js`` as the editor types.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .. import seo
from ..forms.article import CheckedImageField
from ..forms.labels import LabelledAdminFileWidget
from ..models.article_seo import META_DESCRIPTION_LENGTH, SEARCH_TITLE_LENGTH
from ..models.site import SiteSettings

SEO_FIELDS = ("search_title", "meta_description", "social_image")


class ArticleSeoAdminMixin:
    """For ``ArticleAdmin``: adds the "Search and sharing" fieldset with its preview.

    The social image goes through the hero image's content checks (``CheckedImageField``).
    An Editor's change to these fields on a live article is a pending change like any
    other field of the form (``articles.revisions`` stores form fields generically).
    """

    @property
    def media(self):
        return super().media + forms.Media(
            js=["articles/admin/seo_preview.js"], css={"all": ["articles/admin/seo_preview.css"]}
        )

    def get_fieldsets(self, request, obj=None):
        section = (_("Search and sharing"), {"fields": (*SEO_FIELDS, "seo_preview")})
        return [*super().get_fieldsets(request, obj), section]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "seo_preview")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "social_image":
            kwargs["form_class"] = CheckedImageField
            kwargs["widget"] = LabelledAdminFileWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        defaults = seo_defaults(obj)
        for name, text in (
            ("search_title", defaults["title"]),
            ("meta_description", defaults["description"]),
        ):
            if name in form.base_fields:
                widget = form.base_fields[name].widget
                widget.attrs.update({"placeholder": text, "data-seo-default": text})
        if "meta_description" in form.base_fields:
            form.base_fields["meta_description"].widget.attrs["rows"] = 3
        return form

    @admin.display(description=_("Preview"))
    def seo_preview(self, obj):
        """The search result and social card as they would look, from the saved values;
        the script updates them as the editor types."""
        defaults = seo_defaults(obj)
        context = {
            "title": seo.search_title(obj) if obj and obj.title else defaults["title"],
            "description": seo.article_description(obj) if obj else defaults["description"],
            "image": preview_image_url(obj),
            "defaults": defaults,
            "site_name": SiteSettings.load().site_name,
            "site_host": settings.SITE_URL.split("://", 1)[-1].rstrip("/"),
            "path": obj.get_absolute_url() if obj and obj.slug else "/articles/…/",
            "title_length": SEARCH_TITLE_LENGTH,
            "description_length": META_DESCRIPTION_LENGTH,
        }
        return render_to_string("admin/articles/article/seo_preview.html", context)


def seo_defaults(article):
    """What the SEO fields default to for ``article`` (None for a new one): ``title`` and
    ``description`` (plain text), ``image`` (the hero image's URL or "")."""
    if article is None or not article.pk:
        return {
            "title": str(_("The article's title")),
            "description": str(_("The summary, or the start of the body")),
            "image": "",
        }
    return {
        "title": article.title,
        "description": seo.meta_description(article.summary) or seo.meta_description(article.body),
        "image": article.hero_image.url if article.hero_image else "",
    }


def preview_image_url(article):
    """The URL (on this site, so the admin's image policy allows it) of the picture the
    social card shows: the social image, else the hero image; "" without either."""
    if article is None:
        return ""
    image = article.social_image or article.hero_image
    return image.url if image else ""
