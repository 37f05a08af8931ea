"""What readers tell us about an article: "Was this page helpful?" and problem reports.

NHS England's standard for creating health content asks publishers to invite readers'
feedback and act on it; this is the record editors work through in the admin's queue.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .article import Article
from .article_parts import UpdateNote


class ReaderFeedbackQuerySet(models.QuerySet):
    """Feedback filtered the ways the queue and the counts need."""

    def counted(self):
        """Feedback from people: held items (suspected bots) are left out until released."""
        return self.filter(held_reason="")

    def open_reports(self):
        """Problem reports from people that no editor has resolved yet."""
        return self.counted().filter(kind=ReaderFeedback.Kind.PROBLEM, resolved_at__isnull=True)


def feedback_counts():
    """Annotations for an ``Article`` queryset: ``helpful_yes``, ``helpful_no`` and
    ``open_reports`` (ints), counting feedback from people only (not held). Subqueries,
    so they add no join that would multiply other annotations."""
    Kind = ReaderFeedback.Kind

    def count(rows):
        per_article = rows.filter(article=OuterRef("pk")).order_by().values("article")
        return Coalesce(Subquery(per_article.annotate(n=Count("pk")).values("n")), 0)

    people = ReaderFeedback.objects.counted()
    return {
        "helpful_yes": count(people.filter(kind=Kind.HELPFUL)),
        "helpful_no": count(people.filter(kind=Kind.NOT_HELPFUL)),
        "open_reports": count(ReaderFeedback.objects.open_reports()),
    }


class ReaderFeedback(models.Model):
    """One reader's answer on an article page: a yes/no vote or a problem report.

    Stored with the article and the ``article_version`` (:attr:`Article.version`) the
    page showed. A reader needs no account; ``email`` is optional, for a reply. A
    submission that looked automated (the sign-up's checks, :func:`signups.abuse.hold_for`)
    is kept with its ``held_reason`` and left out of counts until an editor releases it.
    """

    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("Helpful: yes")
        NOT_HELPFUL = "not_helpful", _("Helpful: no")
        PROBLEM = "problem", _("Problem report")

    class HeldReason(models.TextChoices):
        """The same reasons as a held sign-up's (``signups.models.Subscriber.HeldReason``)."""

        TRAP = "trap", _("trap field filled in")
        TOO_FAST = "too_fast", _("sent too fast")
        EXPIRED = "expired", _("form's time stamp expired")
        NO_STAMP = "no_stamp", _("no valid time stamp")

    MESSAGE_MAX_LENGTH = 2000

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article")
    )
    article_version = models.PositiveIntegerField(
        _("article version"), help_text=_("The version of the article the reader's page showed.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    message = models.TextField(_("problem"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    email = models.EmailField(
        _("reader's email"), blank=True, help_text=_("Given for a reply; use it only to answer this report.")
    )
    held_reason = models.CharField(
        _("held because"),
        max_length=20,
        choices=HeldReason,
        blank=True,
        help_text=_("Why it looked automated; held feedback is not counted until released."),
    )
    held_note = models.CharField(_("held note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    correction_note = models.ForeignKey(
        UpdateNote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("correction note"),
        help_text=_("The article's update note this report led to, if any."),
    )

    objects = ReaderFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("reader feedback")
        verbose_name_plural = _("reader feedback")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="problem") | ~Q(message=""),
                name="articles_readerfeedback_problem_has_message",
                violation_error_message=_("A problem report needs its text."),
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.PROBLEM:
            return f"{self.article}: {self.message[:60]}"
        return f"{self.article}: {self.get_kind_display()}"

    def clean(self):
        note = self.correction_note
        if note is not None and note.article_id != self.article_id:
            raise ValidationError(
                {"correction_note": _("Choose an update note of this article.")}, code="other_article"
            )
