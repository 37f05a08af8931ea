"""The forms editors use in the admin: the article form with its body checks and inlines
that can show pending changes, and the source library's form."""

from .article import BODY_EDITOR_CONFIG, ArticleAdminForm, CheckedImageField
from .body import images_without_alt, unattached_marker_errors
from .inlines import CitationInlineFormSet, PendingInlineFormSet, RelatedPendingInlineFormSet
from .sources import SourceAdminForm

__all__ = [
    "BODY_EDITOR_CONFIG",
    "ArticleAdminForm",
    "CheckedImageField",
    "CitationInlineFormSet",
    "PendingInlineFormSet",
    "RelatedPendingInlineFormSet",
    "SourceAdminForm",
    "images_without_alt",
    "unattached_marker_errors",
]
