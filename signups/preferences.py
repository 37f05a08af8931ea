"""The "manage your subscription" page's form and the change it makes: newsletter topics.

The page is opened with the subscriber's unsubscribe token (a per-subscriber secret in
every email's footer); it offers the topics editors marked as newsletter topics
(``Topic.newsletter``) and an unsubscribe button. Each change of topics is one
:class:`~signups.models.SignupEvent` (``preferences``) in the subscriber's history.
"""

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Topic

from .models import SignupEvent, Subscriber


def newsletter_topics():
    """The topics a subscriber may choose (a ``QuerySet`` of ``Topic``, by name)."""
    return Topic.objects.filter(newsletter=True).order_by("name")


class PreferencesForm(forms.Form):
    """The topics a subscriber wants: ``topics`` is a list of newsletter topics (may be empty)."""

    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Newsletter topics"),
        help_text=_("Choose none to get every issue."),
        error_messages={"invalid_choice": _("That topic is no longer offered. Please choose again.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = newsletter_topics()


@transaction.atomic
def set_topics(subscriber: Subscriber, topics) -> bool:
    """Make ``topics`` (an iterable of ``Topic``) ``subscriber``'s choice; True if it changed.

    Records a ``preferences`` event naming the topics chosen (``note``); no change, no event.
    """
    chosen = {topic.pk: topic.name for topic in topics}
    current = set(subscriber.topics.values_list("pk", flat=True))
    if current == set(chosen):
        return False
    subscriber.topics.set(chosen)
    # The change export ("changed preferences since export N") reads this time.
    Subscriber.objects.filter(pk=subscriber.pk).update(changed_at=timezone.now())
    names = ", ".join(sorted(chosen.values())) or str(_("none: every issue"))
    SignupEvent.objects.create(
        subscriber=subscriber, kind=SignupEvent.Kind.PREFERENCES, note=f"Topics: {names}"[:300]
    )
    return True
