"""Site-wide copy for article pages, edited in the admin."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from isha.singletons import SingletonModel

from ..editorial_checks.claims import DEFAULT_OVER_CLAIMS
from .site_copy import SiteCopy

DEFAULT_DISCLOSURE = (
    "Isha Health provides the treatment this article discusses. Our clinicians review "
    "our articles for accuracy, but they are for education and are not medical advice."
)


class SiteSettings(SiteCopy, SingletonModel):
    """Site-wide copy for article pages, edited in the admin. There is exactly one."""

    learn_more_label = models.CharField(_("'Learn More' label"), max_length=80, default="Learn More")
    learn_more_url = models.URLField(
        _("'Learn More' link"),
        default="https://www.ishahealth.com/",
        help_text=_("Where the 'Learn More' button on every article leads, unless the article overrides it."),
    )
    disclosure = models.TextField(
        _("disclosure"),
        default=DEFAULT_DISCLOSURE,
        help_text=_("Shown on every article: that Isha Health provides the treatment it writes about."),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=12,
        help_text=_(
            "A medical sign-off is due again this many calendar months after its day: readers see "
            '"Next review due <date>" until then, and the article is listed as due for review after.'
        ),
    )
    publish_requires_sign_off = models.BooleanField(
        _("publishing requires a current medical sign-off"),
        default=False,
        help_text=_(
            "When ticked, Publish and Schedule are refused until a reviewer has signed off "
            "the body as it will go out (checked when the button is pressed)."
        ),
    )

    # The editorial checks (articles.editorial_checks) compare articles with these. Grade
    # 6 to 8 for patient material: NIH, "Clear & Simple"
    # (https://www.nih.gov/institutes-nih/nih-office-director/office-communications-public-liaison/clear-communication/clear-simple)
    # and NLM MedlinePlus, "How to Write Easy-to-Read Health Materials" (https://medlineplus.gov/etr.html).
    target_reading_grade = models.PositiveSmallIntegerField(
        _("target reading grade"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
        help_text=_(
            "Articles whose Flesch-Kincaid grade (the school grade a reader needs) is above this "
            "get a warning. The NIH and MedlinePlus recommend grade 6 to 8 for patient material."
        ),
    )
    over_claims = models.TextField(
        _("over-claims"),
        default=DEFAULT_OVER_CLAIMS,
        blank=True,
        help_text=_(
            "Words and phrases articles must not use unqualified, one per line (any case, whole "
            "words). Write 'term near other' to warn only when both are in one sentence, "
            "e.g. 'FDA-approved near ketamine'."
        ),
    )
    evidence_age_years = models.PositiveSmallIntegerField(
        _("evidence age (years)"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("Articles whose sources are all older than this many years get a warning."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))
