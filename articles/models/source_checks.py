"""What the registries (Crossref, PubMed) say about a source, and what readers are told.

The ``registry_*`` fields are written only by ``manage.py check_sources``
(:mod:`articles.source_checks`) and never shown to readers. Readers see a notice
(``notice``, ``notice_url``) only once an editor has confirmed it in the admin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryStatus(models.TextChoices):
    """What a registry says happened to a work since publication, least to most serious.

    Crossref's update types and PubMed's CommentsCorrections are mapped onto these in
    :mod:`articles.source_checks.registries`.
    """

    UNCHECKED = "", _("Not checked yet")
    CURRENT = "current", _("No retraction or correction")
    CORRECTED = "corrected", _("Corrected")
    CONCERN = "concern", _("Expression of concern")
    RETRACTED = "retracted", _("Retracted")

    @classmethod
    def flagged(cls):
        """The statuses that send the articles citing the source back to medical review."""
        return [cls.CORRECTED, cls.CONCERN, cls.RETRACTED]

    @classmethod
    def severity(cls, value):
        """Rank of ``value`` (0 unchecked ... 4 retracted), to keep the worst of two answers."""
        return list(cls.values).index(value)


class Notice(models.TextChoices):
    """What readers see beside a reference, once an editor confirms the registry's finding."""

    NONE = "", _("Nothing")
    CORRECTED = "corrected", _("Corrected")
    CONCERN = "concern", _("Expression of concern")
    RETRACTED = "retracted", _("Retracted")


class SourceRegistryCheck(models.Model):
    """Abstract: the registry check's record on a source, and the confirmed public notice."""

    registry_status = models.CharField(
        _("registry status"),
        max_length=20,
        choices=RegistryStatus,
        default=RegistryStatus.UNCHECKED,
        blank=True,
    )
    registry_found = models.BooleanField(
        _("found in the registries"),
        null=True,
        blank=True,
        help_text=_("Whether Crossref (DOI) and PubMed (PMID) know this identifier; empty until checked."),
    )
    registry_title = models.TextField(_("title in the registry"), blank=True)
    registry_notice_url = models.URLField(_("notice found"), max_length=500, blank=True)
    registry_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    registry_flagged_at = models.DateTimeField(
        _("flagged"),
        null=True,
        blank=True,
        help_text=_("When the check first found the current retraction, correction or concern."),
    )
    registry_error = models.TextField(_("last check failed"), blank=True)
    registry_failures = models.PositiveSmallIntegerField(_("failed checks in a row"), default=0)
    registry_next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)
    notice = models.CharField(
        _("notice shown to readers"),
        max_length=20,
        choices=Notice,
        default=Notice.NONE,
        blank=True,
        help_text=_(
            "Shown beside the reference in every article citing it. Confirm it only after "
            "reading the notice: the registries' data can be wrong."
        ),
    )
    notice_url = models.URLField(
        _("link to the notice"),
        max_length=500,
        blank=True,
        help_text=_("The retraction or correction notice readers are sent to."),
    )

    class Meta:
        abstract = True

    def forget_registry_check(self):
        """Clear what the registries said (not the confirmed ``notice``), so the next
        ``check_sources`` run looks the source up first; for a changed DOI or PMID."""
        self.registry_status = RegistryStatus.UNCHECKED
        self.registry_found = None
        self.registry_title = self.registry_notice_url = self.registry_error = ""
        self.registry_checked_at = self.registry_flagged_at = self.registry_next_check_at = None
        self.registry_failures = 0

    @property
    def registry_unconfirmed(self):
        """True when the registry flags the source and readers are not told yet."""
        return self.registry_status in RegistryStatus.flagged() and not self.notice
