"""What belongs to an article besides its own row: the editor's picks of what to read
next, the dated update notes readers see, and the old addresses that redirect to it."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .article import Article


class RelatedArticle(models.Model):
    """An editor's pick of another article to read next, in order."""

    from_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_links", verbose_name=_("article")
    )
    to_article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="incoming_related",
        verbose_name=_("related article"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["from_article", "position", "pk"]
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")
        constraints = [
            models.UniqueConstraint(
                fields=["from_article", "to_article"], name="articles_relatedarticle_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(from_article=models.F("to_article")),
                name="articles_relatedarticle_not_self",
                violation_error_message=_("An article cannot be related to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.from_article} → {self.to_article}"


class UpdateNote(models.Model):
    """A dated note in an article's change history, shown to readers."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="update_notes", verbose_name=_("article")
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"), help_text=_("What changed, e.g. 'Added a 2024 study on ...'."))
    is_correction = models.BooleanField(
        _("correction"),
        default=False,
        help_text=_(
            "Tick when the note corrects an error. On a published article, a correction also "
            "moves its 'Last updated' date to the note's date and updates its feed entry."
        ),
    )
    # When the note was written (its date is what readers see): a feed entry's update time
    # needs more than a day. Empty for notes written before it was kept.
    created_at = models.DateTimeField(_("written"), auto_now_add=True, null=True, editable=False)

    class Meta:
        ordering = ["article", "-date", "-pk"]
        get_latest_by = "date"
        verbose_name = _("update note")
        verbose_name_plural = _("update notes")

    def __str__(self):
        return f"{self.date}: {self.text[:60]}"


class SlugRedirect(models.Model):
    """An old address of a published article, answered with a permanent redirect."""

    old_slug = models.SlugField(_("old slug"), max_length=200, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="slug_redirects", verbose_name=_("article")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
