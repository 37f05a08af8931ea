"""The site's copy that a clinic changes without a developer: names, intros, footer, crisis line.

Its defaults are also the built-in copy of the error pages, which render without the
database (:data:`BUILT_IN_COPY`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import validate_holds_phone_number

BUILT_IN_COPY = {
    "site_name": "Isha Health",
    "home_intro": (
        "Isha Health is a clinic offering ketamine therapy for depression and related "
        "conditions. We write these articles to help you understand your options: each one "
        "names its author, cites its sources and shows when a clinician last reviewed it."
    ),
    "standards_heading": "How we write our articles",
    "standards": (
        "Named authors. Every article says who wrote it.\n"
        "Clinical review. Each page shows which licensed clinician reviewed it, and when.\n"
        "Sources you can check. Claims link to the studies and guidelines behind them."
    ),
    "footer_text": (
        "Articles on ketamine therapy and mental health from a clinic that provides it, each "
        "with its sources and the date a clinician last reviewed it."
    ),
    "footer_disclaimer": (
        "Our articles are for education and are not medical advice. Talk to your own "
        "clinician before you start, stop or change a treatment."
    ),
    "crisis_line": (
        "If you are thinking about suicide or are in crisis, call or text 988 (Suicide & "
        "Crisis Lifeline, US) at any hour.\n"
        "In an emergency, call 911 or go to the nearest emergency room."
    ),
    "article_cta": (
        "Wondering whether ketamine therapy could help you? Isha Health's clinicians can "
        "answer your questions and check whether it is safe for you."
    ),
}


class SiteCopy(models.Model):
    """The public site's editable copy (an abstract part of ``SiteSettings``). Plain text:
    templates escape it; a line break starts a new paragraph (or list item)."""

    site_name = models.CharField(_("site name"), max_length=80, default=BUILT_IN_COPY["site_name"])
    home_intro = models.TextField(
        _("home page introduction"),
        default=BUILT_IN_COPY["home_intro"],
        help_text=_("The paragraph under the home page's heading."),
    )
    standards_heading = models.CharField(
        _("'How we write' heading"), max_length=120, default=BUILT_IN_COPY["standards_heading"]
    )
    standards = models.TextField(
        _("'How we write our articles' box"),
        default=BUILT_IN_COPY["standards"],
        help_text=_(
            "One point a line. The first sentence of each line is shown in bold, e.g. "
            "“Named authors. Every article says who wrote it.”"
        ),
    )
    footer_text = models.TextField(
        _("footer text"),
        default=BUILT_IN_COPY["footer_text"],
        help_text=_("About the site, in every page's footer."),
    )
    footer_disclaimer = models.TextField(_("footer disclaimer"), default=BUILT_IN_COPY["footer_disclaimer"])
    crisis_line = models.TextField(
        _("crisis-line text"),
        default=BUILT_IN_COPY["crisis_line"],
        validators=[validate_holds_phone_number],
        help_text=_(
            "In every page's footer under “Need help now?”. Must hold a phone number (e.g. 988); "
            "numbers become links readers can tap to call."
        ),
    )
    article_cta = models.TextField(
        _("article call to action"),
        default=BUILT_IN_COPY["article_cta"],
        help_text=_("Shown above the 'Learn More' button at the end of every article."),
    )

    class Meta:
        abstract = True
