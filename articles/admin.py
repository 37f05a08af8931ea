"""The editors' product: articles, authors and the site-wide article settings."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Article, Author, Reference, RelatedArticle, SiteSettings


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0
    fields = ("position", "citation", "doi", "pmid", "url")


class RelatedArticleInline(admin.TabularInline):
    model = RelatedArticle
    fk_name = "from_article"
    extra = 0
    fields = ("position", "to_article")
    autocomplete_fields = ("to_article",)
    verbose_name = _("related article")
    verbose_name_plural = _("related articles (in order)")


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "author", "published_at", "updated_on", "modified_at", "featured")
    list_filter = ("status", "featured", "needs_editor_attention", "author")
    list_select_related = ("author",)
    search_fields = ("title", "summary", "slug")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("author",)
    readonly_fields = ("created_at", "modified_at", "webflow_item_id", "imported_at")
    inlines = (ReferenceInline, RelatedArticleInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "author", "body")}),
        (_("Images"), {"fields": ("hero_image", "hero_image_alt", "hero_image_decorative", "thumbnail")}),
        (
            _("Publishing"),
            {"fields": ("status", "published_at", "published_on", "updated_on", "featured")},
        ),
        (
            _("Advanced"),
            {
                "classes": ("collapse",),
                "fields": (
                    "learn_more_url",
                    "needs_editor_attention",
                    "webflow_item_id",
                    "imported_at",
                    "created_at",
                    "modified_at",
                ),
            },
        ),
    )


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """Exactly one row: no add or delete; the list goes straight to the form."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = SiteSettings.load()
        return redirect(reverse("admin:articles_sitesettings_change", args=[obj.pk]))
