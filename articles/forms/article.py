"""The admin's article form: rich text, checked images, roles and stale saves."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .. import publishing
from ..actors import display_name
from ..images import normalized_upload
from ..library import body_image_errors, library_alt_texts
from ..models import Article
from ..revisions import last_change
from ..sanitize import sanitize_html
from .body import images_without_alt, unattached_marker_errors
from .citing import CitingProseEditorWidget
from .labels import LabelledAdminFileWidget
from .media_widget import LibraryProseEditorWidget
from .topics import PendingTopicsFormMixin

#: What the body editor offers; Article.save's nh3 allow-list stays the one sanitiser.
BODY_EDITOR_CONFIG = {
    "extensions": {
        "Paragraph": True,
        "Heading": {"levels": [2, 3, 4]},
        "Bold": True,
        "Italic": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "Image": True,
        "Figure": True,
        "Caption": True,
        "HardBreak": True,
        "History": True,
        "Citation": True,
        # The admin's CSP nonce and the editable area's name (see DJANGO_PROSE_EDITOR_EXTENSIONS).
        "StyleNonce": True,
        "FieldLabel": True,
    }
}


class BodyEditorWidget(LibraryProseEditorWidget, CitingProseEditorWidget):
    """The body's editor: images from the media library and the citation picker (each
    widget adds its extension module to the configuration, in turn)."""


class CheckedImageField(forms.ImageField):
    """An image upload checked by content and re-encoded upright, RGB and without EXIF.

    Replaces Django's own Pillow check (which reports every problem as "not an image")
    with :func:`articles.images.normalized_upload` and its specific messages.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return normalized_upload(upload)


class ArticleAdminForm(PendingTopicsFormMixin, forms.ModelForm):
    """The admin's article form.

    ``user`` is set by ``ArticleAdmin.get_form``; without the "can publish" permission
    the status is limited to draft and in review, and a live article's status and
    publication time cannot change (``publishing.check_publishing_fields``, shown here as
    field errors before the service would refuse the save). ``version`` carries the
    article's version from when the form was loaded: a save from a stale copy is refused
    with a message naming who changed it, and the admin passes the version on to the
    service, which refuses a stale save itself.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = None
    #: Set by the admin for the history's restore form, which saves without the inlines:
    #: the ids of the sources attached now, which the restored body may cite.
    attached_source_ids = None

    class Meta:
        model = Article
        # The admin narrows the form to its fieldsets; the version is the hidden field above.
        exclude = ["version"]  # noqa: DJ006
        widgets = {
            "body": BodyEditorWidget(config=BODY_EDITOR_CONFIG, preset="configurable"),
            "hero_image": LabelledAdminFileWidget,
            "thumbnail": LabelledAdminFileWidget,
        }
        field_classes = {"hero_image": CheckedImageField, "thumbnail": CheckedImageField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The row as it is in the database now: the instance may be an older revision
        # (the history's revert form) or carry pending changes.
        self.stored = None
        if self.instance.pk:
            self.stored = (
                Article.objects.filter(pk=self.instance.pk)
                .values("version", "status", "published_at")
                .first()
            )
        if self.stored:
            self.initial["version"] = self.stored["version"]
        if "status" in self.fields and not self.can_publish:
            allowed = {Article.Status.DRAFT, Article.Status.IN_REVIEW}
            if self.stored:
                allowed.add(self.stored["status"])
            # Only the choices offered shrink; a crafted value gets clean_status's message.
            self.fields["status"].widget.choices = [
                (value, label) for value, label in Article.Status.choices if value in allowed
            ]

    @property
    def can_publish(self):
        return bool(self.user and self.user.has_perm("articles.publish_article"))

    @property
    def keeps_pending(self):
        """True when saving must not touch the live article: an editor's change to a published one."""
        return (
            bool(self.stored)
            and publishing.waits_for_publisher(live_status=self.stored["status"], actor=self.user)
            and not publishing.edit_unschedules(self.instance)
        )

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        if body.strip() in ("<p></p>", "<p><br></p>"):
            return ""
        clean = sanitize_html(body)
        if image_errors := body_image_errors(clean):
            raise forms.ValidationError(image_errors)
        missing = images_without_alt(clean, library_alt_texts(clean))
        if missing:
            raise forms.ValidationError(
                _(
                    "Every image in the body needs alt text that describes it for people "
                    'who cannot see it (or, if purely decorative, role="presentation" and '
                    "an empty alt). Missing for: %(images)s"
                ),
                code="alt_required",
                params={"images": ", ".join(src or str(_("an image without address")) for src in missing)},
            )
        return body

    def clean_status(self):
        status = self.cleaned_data.get("status")
        stored = self.stored or {}
        # Only the status changes here; clean_published_at checks the time.
        self._check_publishing(status=status, published_at=stored.get("published_at"))
        return status

    def clean_published_at(self):
        published_at = self.cleaned_data.get("published_at")
        stored = self.stored or {}
        self._check_publishing(status=stored.get("status"), published_at=published_at)
        return published_at

    def _check_publishing(self, *, status, published_at):
        """The service's rule (``publishing.check_publishing_fields``) as a field error."""
        stored = self.stored or {}
        try:
            publishing.check_publishing_fields(
                actor=self.user,
                status=status,
                published_at=published_at,
                stored_status=stored.get("status"),
                stored_published_at=stored.get("published_at"),
            )
        except PermissionDenied as denied:
            raise forms.ValidationError(str(denied), code="publish_permission") from denied

    def clean(self):
        cleaned_data = super().clean()
        if self.stored:
            self._refuse_stale_copy(cleaned_data.get("version"))
        if self.attached_source_ids is not None and "body" in cleaned_data:
            for error in unattached_marker_errors(
                cleaned_data["body"], self.attached_source_ids, restoring=True
            ):
                self.add_error("body", error)
        return cleaned_data

    def _refuse_stale_copy(self, loaded_version):
        current = self.stored["version"]
        if transaction.get_connection().in_atomic_block:
            # Holds the row until the save commits (PostgreSQL), closing the gap between
            # this check and the write.
            current = (
                Article.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
        if loaded_version == current:
            return
        article = Article.objects.select_related("pending_revision_by").get(pk=self.instance.pk)
        user, when = last_change(article)
        raise forms.ValidationError(
            _(
                "%(user)s changed this article on %(when)s, after you opened it. Your changes "
                "were not saved, so that theirs are not overwritten: open the article again "
                "in a new tab, then copy your changes across."
            ),
            code="stale",
            params={
                "user": display_name(user),
                "when": (
                    formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")
                    if when
                    else _("an unknown time")
                ),
            },
        )
