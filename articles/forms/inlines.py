"""Inline formsets of the article admin that can show pending changes instead of the live rows."""

from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet

from ..models import Citation
from .body import sources_to_attach, unattached_marker_errors
from .labels import CellLabelsMixin


class PendingInlineFormSet(CellLabelsMixin, BaseInlineFormSet):
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
    """The article's attached sources; a save attaches the sources the body cites.

    In the admin, ``instance`` is the article built from the already-validated main
    form, so its body is the one being saved; the attached sources are the rows this
    save keeps (rows marked for deletion are not attached any more). Sources the body
    cites that are not attached are attached after the kept rows, in citation order
    (``auto_attached``; :meth:`kept_rows` includes them, :meth:`save` writes them). A
    body citing a source not in the library, or one detached in this same save, is
    refused.
    """

    auto_attached: list[int] = []

    def clean(self):
        super().clean()
        self.auto_attached = []
        if any(self.errors):
            return
        attached = [_source_id(row) for row in super().kept_rows() if row.get("source")]
        detached = [
            _source_id(form.cleaned_data)
            for form in self.forms
            if form.cleaned_data.get(DELETION_FIELD_NAME) and form.cleaned_data.get("source")
        ]
        self.auto_attached = sources_to_attach(self.instance.body, attached, detached)
        errors = unattached_marker_errors(self.instance.body, attached + self.auto_attached)
        if errors:
            raise ValidationError(errors)

    def kept_rows(self):
        rows = super().kept_rows()
        after = max((row.get("position") or 0 for row in rows), default=-1) + 1
        return rows + [
            {"id": None, "position": after + index, "source": pk}
            for index, pk in enumerate(self.auto_attached)
        ]

    def save(self, commit=True):
        saved = super().save(commit=commit)
        if commit and self.auto_attached:
            rows = [row for row in self.kept_rows() if row["id"] is None and not hasattr(row["source"], "pk")]
            Citation.objects.bulk_create(
                Citation(article=self.instance, position=row["position"], source_id=row["source"])
                for row in rows
            )
        return saved


def _source_id(row):
    return getattr(row["source"], "pk", row["source"])


class RelatedPendingInlineFormSet(PendingInlineFormSet):
    pending_key = "to_article"
