"""Topics readers browse by."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..slugs import unique_slug


class Topic(models.Model):
    """A subject readers browse by (Depression, PTSD, Anxiety, Safety...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two plain sentences shown on the topic's page.")
    )
    newsletter = models.BooleanField(
        _("newsletter topic"),
        default=False,
        help_text=_(
            'Subscribers can choose to get news on this topic on their "manage your '
            'subscription" page. Changed by people who may publish.'
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Give a topic saved without a slug a unique one made from its name."""
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="topic")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})
