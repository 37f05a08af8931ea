"""What the editorial checks (``articles.editorial_checks``) found in an article, kept on
its row so the admin list can show and filter it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckedArticle(models.Model):
    """The stored result of an article's editorial checks (abstract; ``Article`` has it).

    Written by ``articles.editorial_checks.stored.refresh_stored_checks`` after each
    committed save, with an UPDATE that leaves the version and history alone. For a live
    article with pending changes, it describes the pending version (what the form shows).
    """

    reading_grade = models.FloatField(
        _("reading level"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The body's Flesch-Kincaid grade: the school grade a reader needs."),
    )
    open_warnings = models.PositiveSmallIntegerField(_("open warnings"), default=0, editable=False)
    check_findings = models.JSONField(_("check findings"), default=dict, blank=True, editable=False)

    # Derived from the body after each save, so the history (which records saves) leaves them out.
    derived_fields = ("reading_grade", "open_warnings", "check_findings")

    class Meta:
        abstract = True
