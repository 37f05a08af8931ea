"""The admin index's "Waiting for you": what each person's role has to act on."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Article

register = template.Library()


@register.simple_tag
def waiting_for(user):
    """A list of ``{"key", "label", "count", "url"}`` for ``user``: articles "In review"
    for those who may publish; "Needs medical review" (``ArticleQuerySet.needs_sign_off``)
    for those who may sign off. Each links to the article list filtered to them; empty
    for anyone else."""
    items = []
    changelist = reverse("admin:articles_article_changelist")
    if user.has_perm("articles.publish_article"):
        count = Article.objects.filter(status=Article.Status.IN_REVIEW).count()
        items.append(
            {
                "key": "in-review",
                "label": _("In review"),
                "count": count,
                "url": f"{changelist}?status__exact=in_review",
            }
        )
    if user.has_perm("articles.review_article"):
        count = Article.objects.needs_sign_off().count()
        url = f"{changelist}?review=needs_sign_off"
        items.append({"key": "needs-review", "label": _("Needs medical review"), "count": count, "url": url})
    return items
