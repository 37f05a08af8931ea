"""Labels for admin form controls that Django's admin leaves unnamed (WCAG 2.2 SC 1.3.1
and 4.1.2; axe-core's ``label`` and ``label-title-only`` rules)."""

from django.contrib.admin.widgets import AdminFileWidget
from django.forms.models import BaseInlineFormSet


class LabelledAdminFileWidget(AdminFileWidget):
    """Django's admin file and image widget (the current file, "Clear", "Change") with
    the file input named by the field's own ``<label>``.

    Django's admin renders ``AdminFileWidget`` inside a ``<fieldset>`` whose ``<legend>``
    holds the field's label (``use_fieldset``), which leaves the file input itself with
    no label. Without the fieldset the admin writes ``<label for="id_<field>">``
    instead; the "Clear" checkbox keeps its own label.
    """

    use_fieldset = False


class CellLabelsMixin:
    """For an inline formset shown as a table (``admin.TabularInline``): each visible
    control gets ``aria-label`` with its field's label.

    A tabular inline names its columns in ``<th>`` cells and writes no ``<label>`` for
    the controls in the rows below, so a screen reader outside table navigation hears an
    unnamed field (and a control with only a ``title`` is named by a tooltip alone).
    A label already set on the widget is kept.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if not field.widget.is_hidden and field.label:
                field.widget.attrs.setdefault("aria-label", str(field.label))


class LabelledInlineFormSet(CellLabelsMixin, BaseInlineFormSet):
    """Django's inline formset with :class:`CellLabelsMixin`'s labels."""
