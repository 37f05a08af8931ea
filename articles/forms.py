"""The forms editors use in the admin: rich text, checked images, roles, stale saves,
inlines that can show a pending revision, citation markers checked against the attached
sources, and the source library's identifiers."""

import re
from html.parser import HTMLParser

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget

from .citations import MARKER_RE
from .images import normalized_upload
from .models import Article, Source
from .models.sources import clean_doi
from .revisions import display_name, last_change
from .sanitize import sanitize_html

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
    }
}


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


class _ImageAltParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.missing = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            attributes = dict(attrs)
            decorative = attributes.get("role") == "presentation"
            if not (attributes.get("alt") or "").strip() and not decorative:
                self.missing.append(attributes.get("src") or "")


def images_without_alt(html):
    """The ``src`` of each ``<img>`` in ``html`` without alt text and not marked decorative.

    An image is decorative when it carries ``role="presentation"`` (WAI-ARIA 1.2); its
    alt text then stays empty so screen readers skip it.
    """
    parser = _ImageAltParser()
    parser.feed(html or "")
    parser.close()
    return parser.missing


UNKNOWN_SOURCE_MESSAGE = _(
    "The body cites %(marker)s, but there is no source %(number)s in the library. Check "
    "the number, or remove the marker."
)
UNATTACHED_SOURCE_MESSAGE = _(
    "The body cites %(marker)s, but that source is not attached below. Attach it under "
    "Sources, or remove the marker."
)
UNATTACHED_ON_RESTORE_MESSAGE = _(
    "This revision's body cites %(marker)s, but that source is no longer attached to the "
    "article. Attach it under Sources on the article's page, then restore this revision."
)


def unattached_marker_errors(body, attached_source_ids, *, restoring=False):
    """One ``ValidationError`` per source ``body`` cites that is not in ``attached_source_ids``.

    Checks the body as it will be stored (sanitised), so a marker the sanitiser drops
    is not held against it. Each source is named once, by its marker as first typed.
    ``restoring`` words the message for the history's restore form, which has no inlines.
    """
    attached = set(attached_source_ids)
    typed = {}
    for match in MARKER_RE.finditer(sanitize_html(body or "")):
        source_id = int(match.group(1))
        if source_id not in attached:
            typed.setdefault(source_id, match.group(0))
    if not typed:
        return []
    in_library = set(Source.objects.filter(pk__in=typed).values_list("pk", flat=True))
    errors = []
    for source_id, marker in typed.items():
        if source_id not in in_library:
            message, code = UNKNOWN_SOURCE_MESSAGE, "unknown_source"
        else:
            message = UNATTACHED_ON_RESTORE_MESSAGE if restoring else UNATTACHED_SOURCE_MESSAGE
            code = "unattached_source"
        errors.append(ValidationError(message, code=code, params={"marker": marker, "number": source_id}))
    return errors


class ArticleAdminForm(forms.ModelForm):
    """The admin's article form.

    ``user`` is set by ``ArticleAdmin.get_form``; without the "can publish" permission
    the status is limited to draft and in review, and a live article's status and
    publication time cannot change. ``version`` carries the article's version from
    when the form was loaded: a save from a stale copy is refused.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = None
    #: Set by the admin for the history's restore form, which saves without the inlines:
    #: the ids of the sources attached now, which the restored body may cite.
    attached_source_ids = None

    class Meta:
        model = Article
        exclude = ["version"]
        widgets = {
            "body": AdminProseEditorWidget(config=BODY_EDITOR_CONFIG, preset="configurable"),
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
        return bool(
            self.stored and not self.can_publish and self.stored["status"] == Article.Status.PUBLISHED
        )

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        if body.strip() in ("<p></p>", "<p><br></p>"):
            return ""
        missing = images_without_alt(sanitize_html(body))
        if missing:
            raise forms.ValidationError(
                _(
                    "Every image in the body needs alt text that describes it for people "
                    'who cannot see it (or, if purely decorative, role="presentation" and '
                    "an empty alt). Missing for: %(images)s"
                ),
                code="alt_required",
                params={"images": ", ".join(src or _("an image without address") for src in missing)},
            )
        return body

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if self.can_publish:
            return status
        stored_status = self.stored["status"] if self.stored else None
        if status != stored_status and status in Article.Status.publishing():
            raise forms.ValidationError(
                _(
                    "Only publishers can publish or archive an article. Save it as draft or "
                    "in review, and a publisher will publish it."
                ),
                code="publish_permission",
            )
        if stored_status in Article.Status.publishing() and status != stored_status:
            raise forms.ValidationError(
                _(
                    "Only publishers can unpublish an article or change its status once "
                    "published or archived."
                ),
                code="publish_permission",
            )
        return status

    def clean_published_at(self):
        published_at = self.cleaned_data.get("published_at")
        if self.can_publish or not self.stored or self.stored["status"] != Article.Status.PUBLISHED:
            return published_at
        if _to_second(published_at) != _to_second(self.stored["published_at"]):
            raise forms.ValidationError(
                _("Only publishers can change the publication time of a published article."),
                code="publish_permission",
            )
        return published_at

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


class PendingInlineFormSet(BaseInlineFormSet):
    """An inline formset that can show a pending revision's rows instead of the live ones.

    ``pending`` (unbound forms only) is a list of row dicts; each live row is matched to
    a pending row by ``pending_key``: matched rows show the pending values, unmatched
    ones show as marked for deletion, and pending rows without a live one become extra
    forms. Submitting the form then describes the pending state relative to the live rows.
    """

    pending_key = "id"

    def __init__(self, *args, pending=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = None
        if pending is not None and not self.is_bound:
            self.pending = {row.get(self.pending_key): row for row in pending}
            live = {obj.serializable_value(self.pending_key) for obj in self.get_queryset()}
            self.initial_extra = [
                {key: value for key, value in row.items() if key != "id"}
                for row in pending
                if row.get(self.pending_key) not in live
            ]
            self.extra = max(self.extra, len(self.initial_extra))

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.pending is not None and i < self.initial_form_count():
            row = self.pending.get(form.instance.serializable_value(self.pending_key))
            if row is None:
                form.initial[DELETION_FIELD_NAME] = True
            else:
                form.initial.update({key: value for key, value in row.items() if key != "id"})
        return form

    def kept_rows(self):
        """The rows this (valid, bound) formset describes, deleted and blank extra forms left out."""
        rows = []
        for form in self.forms:
            if form.instance.pk is None and not form.has_changed():
                continue
            if form.cleaned_data.get(DELETION_FIELD_NAME):
                continue
            rows.append({**form.cleaned_data, "id": form.instance.pk})
        return sorted(rows, key=lambda row: row.get("position") or 0)


class CitationInlineFormSet(PendingInlineFormSet):
    """The article's attached sources; refuses a body citing a source not attached.

    In the admin, ``instance`` is the article built from the already-validated main
    form, so its body is the one being saved; the attached sources are the rows this
    save keeps (rows marked for deletion are not attached any more).
    """

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        attached = [
            getattr(row["source"], "pk", row["source"]) for row in self.kept_rows() if row.get("source")
        ]
        errors = unattached_marker_errors(self.instance.body, attached)
        if errors:
            raise ValidationError(errors)


class RelatedPendingInlineFormSet(PendingInlineFormSet):
    pending_key = "to_article"


PMID_PREFIX_RE = re.compile(r"^\s*pmid:?\s*", re.IGNORECASE)


class SourceAdminForm(forms.ModelForm):
    """A library source. DOIs and PMIDs are stored bare (a pasted doi.org link or "PMID:"
    prefix is removed). A DOI or PMID already in the library is refused on its field,
    naming the source that has it; the unique constraints behind this would only say so
    at the top of the form, without saying which source."""

    class Meta:
        model = Source
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for a pasted "PMID: 30901130"; the model checks the stored digits' length.
        pmid = self.fields["pmid"]
        pmid.max_length = None
        pmid.validators = [v for v in pmid.validators if not isinstance(v, MaxLengthValidator)]
        pmid.widget.attrs.pop("maxlength", None)

    def clean_doi(self):
        # Pasted resolver links ("https://doi.org/10...") are accepted and stored bare,
        # before the model's validator checks the form.
        doi = clean_doi(self.cleaned_data.get("doi"))
        self._refuse_duplicate(
            Source.objects.filter(doi__iexact=doi) if doi else None,
            _("%(source)s already has this DOI. Attach that source instead of adding it twice."),
        )
        return doi

    def clean_pmid(self):
        pmid = PMID_PREFIX_RE.sub("", self.cleaned_data.get("pmid") or "").strip()
        self._refuse_duplicate(
            Source.objects.filter(pmid=pmid) if pmid else None,
            _("%(source)s already has this PMID. Attach that source instead of adding it twice."),
        )
        return pmid

    def _refuse_duplicate(self, matches, message):
        if matches is None:
            return
        other = matches.exclude(pk=self.instance.pk).first() if self.instance.pk else matches.first()
        if other is not None:
            raise ValidationError(message, code="duplicate", params={"source": f"“{other}”"})


def _to_second(value):
    # The admin's time input drops microseconds, so compare to the second.
    return value.replace(microsecond=0) if value else None
