"""Site-wide copy for article pages, edited in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from isha.singletons import SingletonModel

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
        help_text=_("Articles last reviewed longer ago than this are listed as due for review."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))
