"""The media library's admin: its list, the body editor's upload endpoint and image picker.

An image some article shows (live or pending) cannot be deleted: the delete page lists
those articles as Django's admin lists protected objects, and refuses the deletion.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from ..library import store_upload
from ..models import Image
from .images import CheckedImagesMixin


@admin.register(Image)
class ImageAdmin(CheckedImagesMixin, admin.ModelAdmin):
    """Library images: searchable by alt text, credit and file name, with where each is used.
    A file uploaded here is checked and labelled like every admin image upload
    (:class:`.images.CheckedImagesMixin`)."""

    list_display = (
        "thumbnail",
        "alt_text",
        "file_name",
        "credit",
        "decorative",
        "dimensions",
        "used_in",
        "uploaded_at",
    )
    list_display_links = ("thumbnail", "alt_text")
    search_fields = ("alt_text", "credit", "file")
    list_filter = ("decorative",)
    readonly_fields = ("preview", "dimensions", "used_in", "uploaded_by", "uploaded_at")
    fields = (
        "preview",
        "file",
        "alt_text",
        "decorative",
        "credit",
        "dimensions",
        "used_in",
        "uploaded_by",
        "uploaded_at",
    )

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        # The thumbnail is the row's link to the image: its alt text names the link
        # (WCAG 2.4.4), with the file name for an image without one.
        return format_html(
            '<img src="{}" alt="{}" width="80" loading="lazy" data-testid="image-thumbnail">',
            obj.file.url,
            obj.alt_text or self.file_name(obj),
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return format_html('<img src="{}" alt="" width="320">', obj.file.url) if obj.pk else "-"

    @admin.display(description=_("file name"), ordering="file")
    def file_name(self, obj):
        return obj.file.name.rsplit("/", 1)[-1]

    @admin.display(description=_("size (px)"))
    def dimensions(self, obj):
        return f"{obj.width} x {obj.height}" if obj.width else "-"

    @admin.display(description=_("used in"))
    def used_in(self, obj):
        if not obj.pk:
            return "-"
        articles = getattr(obj, "articles_in_use", None)
        if articles is None:
            articles = list(obj.articles_using())
        if not articles:
            return _("not used")
        return format_html_join(
            ", ",
            '<a href="{}" data-testid="image-used-in">{}</a>',
            ((reverse("admin:articles_article_change", args=[a.pk]), a.title) for a in articles),
        )

    def get_changelist_instance(self, request):
        """The list, with the articles using each image on the page read in one query."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)  # evaluated once; the template reuses these rows
        usage = Image.usage(row.pk for row in rows)
        for row in rows:
            row.articles_in_use = usage.get(row.pk, [])
        return changelist

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """Django's list of what a deletion takes, plus the articles that show each image as
        protected: the admin then explains why it refuses and deletes nothing."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            for article in image.articles_using():
                protected.append(format_html("{}: {} ({})", _("Article"), article.title, image))
        return deleted, counts, perms_needed, protected

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="articles_image_upload"),
            path("picker/", self.admin_site.admin_view(self.picker_view), name="articles_image_picker"),
            *super().get_urls(),
        ]

    def _check_editor(self, request):
        if not (request.user.has_perm("articles.change_article") and self.has_add_permission(request)):
            raise PermissionDenied

    def upload_view(self, request):
        return upload(request, self)

    def picker_view(self, request):
        return picker(request, self)


#: The alt text posted with an upload, checked as the library's own form checks it (its
#: length; no NUL, which PostgreSQL refuses in text).
ALT_TEXT = forms.CharField(
    required=False,
    max_length=Image._meta.get_field("alt_text").max_length,
    error_messages={
        "max_length": _("The alt text may have at most %(limit_value)d characters (it has %(show_value)d).")
    },
)


@require_POST
def upload(request, model_admin):
    """Store the POSTed ``file`` (multipart, with CSRF token) in the library; answer JSON.

    200: ``{"id", "url", "alt", "decorative", "width", "height"}`` (the library's image
    when the same file was uploaded before). 400: ``{"error": message}`` for a
    missing or refused file (the same checks as hero images). 403 without the right to
    change articles and add images.
    """
    model_admin._check_editor(request)
    upload_file = request.FILES.get("file")
    if upload_file is None:
        return JsonResponse({"error": str(_("Choose an image file to upload."))}, status=400)
    try:
        alt_text = ALT_TEXT.clean(request.POST.get("alt", ""))
        image = store_upload(upload_file, user=request.user, alt_text=alt_text)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(describe(image))


def describe(image):
    """The JSON the editor gets for a library image."""
    return {
        "id": image.pk,
        "url": image.file.url,
        "alt": image.alt_text,
        "decorative": image.decorative,
        "width": image.width,
        "height": image.height,
    }


@require_GET
def picker(request, model_admin):
    """The library in a window the body editor opens (django-prose-editor's picker protocol):
    search, then choose an image for the figure being inserted."""
    model_admin._check_editor(request)
    query = request.GET.get("q", "").strip()
    images = Image.objects.all()
    if query:
        images = model_admin.get_search_results(request, images, query)[0]
    if not images.exists() and query:
        messages.info(request, _("No image matches your search."))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Choose an image"),
        "images": images[:60],
        "query": query,
        "func_num": request.GET.get("CKEditorFuncNum", ""),
        "is_popup": True,
    }
    return TemplateResponse(request, "admin/articles/image/picker.html", context)
