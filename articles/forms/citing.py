"""The body editor's widget: citations shown as the editor's element, not as markers."""

from django.templatetags.static import static
from django_prose_editor.widgets import AdminProseEditorWidget

from ..citations import labels_for, to_editor

#: The Tiptap extension (a "Citation" node and the toolbar's citation picker).
CITATION_MODULE = "articles/admin/citations.js"


class CitingProseEditorWidget(AdminProseEditorWidget):
    """django-prose-editor's admin widget that shows ``[cite:N]`` markers as citations.

    The body is handed to the editor with each marker turned into the element of
    :func:`articles.citations.to_editor` (labelled with the source's short title), and
    the editor's ``Citation`` extension (:data:`CITATION_MODULE`, loaded as one of the
    configuration's ``js_modules``, as django-prose-editor loads custom extensions) shows
    it as the number readers will see. What the editor sends back is stored as markers
    by the sanitiser.
    """

    def format_value(self, value):
        value = super().format_value(value)
        return to_editor(value, labels_for(value)) if value else value

    def get_config(self):
        config = super().get_config()
        if "Citation" in config.get("extensions", {}):
            config["js_modules"] = [*config.get("js_modules", []), static(CITATION_MODULE)]
        return config
