"""The article's history pages: a line diff of the body, and restoring a revision."""

from django.db import transaction
from simple_history.template_utils import HistoricalRecordContextHelper

from .. import revisions


class ArticleHistoryHelper(HistoricalRecordContextHelper):
    """Adds a line diff of the body to the history page's list of changes."""

    def context_for_delta_changes(self, delta):
        context = super().context_for_delta_changes(delta)
        for item, change in zip(context, delta.changes, strict=True):
            if change.field == "body":
                item["diff"] = revisions.html_diff(change.old, change.new)
        return context


class ArticleHistoryMixin:
    """Mixed into ``ArticleAdmin`` (before ``SimpleHistoryAdmin``): the body's diff on the
    history page, and a restore that is a save like any other."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring a revision is a save like any other: the same roles and stale check.
        request._article_revision = version_id
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ArticleHistoryHelper(self.model, historical_record)
