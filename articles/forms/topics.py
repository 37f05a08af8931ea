"""The article form's topics, which on a live article can wait as pending changes."""


class PendingTopicsFormMixin:
    """For the article's ModelForm: shows a pending revision's topics, and hands them on.

    A live article with pending changes shows (and a save starts from) the pending
    version (``articles.revisions``); its topics are in the payload's ``"topics"``, which
    Django's ``model_to_dict`` cannot know, so they are set as the field's initial value.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = getattr(self.instance, "pending_revision", None) or {}
        if "topics" in self.fields and "topics" in pending:
            self.initial["topics"] = list(pending["topics"])

    def topic_ids(self):
        """The chosen topics' ids (a cleaned, valid form), or ``None`` when the form has no
        topics field (the live topics then stay)."""
        if "topics" not in self.fields:
            return None
        return [topic.pk for topic in self.cleaned_data.get("topics") or []]
