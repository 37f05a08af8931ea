"""The admin's form for standalone pages (:class:`articles.models.Page`)."""

from django import forms
from django_prose_editor.widgets import AdminProseEditorWidget

from ..models import Page
from .article import BODY_EDITOR_CONFIG

#: The article body's editor without what only articles have (citations, the media
#: library's figures); ``Page.save`` applies the same nh3 allow-list.
PAGE_EDITOR_CONFIG = {
    "extensions": {
        name: value
        for name, value in BODY_EDITOR_CONFIG["extensions"].items()
        if name not in {"Citation", "Image", "Figure", "Caption"}
    }
}


class PageAdminForm(forms.ModelForm):
    """Title, slug, summary, body (the rich-text editor), what the site links it as, status."""

    class Meta:
        model = Page
        fields = ["title", "slug", "summary", "body", "purpose", "status"]
        widgets = {
            "body": AdminProseEditorWidget(config=PAGE_EDITOR_CONFIG, preset="configurable"),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_body(self):
        """An editor left empty (``<p></p>``) is an empty body."""
        body = self.cleaned_data.get("body") or ""
        if body.strip() in ("<p></p>", "<p><br></p>"):
            return ""
        return body
