"""The form an autosave posts: the change page's simple fields and topics, checked as the
page's own form checks them (stale copies, the body's images), status and publication
time left out.

What an autosave may still refuse (a 400, after which the page keeps the form in the
browser and offers it back, see ``articles/admin/autosave.js``):

- A draft (new, a draft, in review or archived: nothing readers see) is stored with
  images that lack alt text or come from another site: the checks panel warns about
  them, and the explicit Save, Submit and Publish still refuse them with the form's
  error. An image without an address, or naming a library image that no longer exists,
  is still refused: there is nothing to show for it.
- A live or scheduled article's pending changes are checked as an explicit save checks
  them (a publisher may publish them as they are), so those images are refused.
- Markup the sanitiser cannot keep is never a refusal: ``Article.save`` cleans it (nh3).
"""

from django import forms

from ..models import Article
from .article import ArticleAdminForm

#: The article's fields an autosave carries: the ones typed or picked in the page without
#: an upload. Status and publication times are never autosaved; the inlines neither
#: (their pending or stored rows stay as they are until the editor saves).
AUTOSAVE_FIELDS = (
    "title",
    "slug",
    "summary",
    "author",
    "topics",
    "body",
    "hero_image_alt",
    "hero_image_decorative",
    "featured",
    "updated_on",
    "learn_more_url",
)

#: The body's image problems a draft's autosave stores anyway (the codes of
#: ``ArticleAdminForm.clean_body`` and ``articles.library.body_image_errors``).
TOLERATED_IN_DRAFTS = frozenset({"alt_required", "external_image"})


class ArticleAutosaveForm(ArticleAdminForm):
    """:class:`ArticleAdminForm` narrowed to :data:`AUTOSAVE_FIELDS` and the hidden
    ``version``; title and author may still be empty (``publishing.check_complete``
    refuses to submit or publish such a draft), and a draft's body may hold the image
    problems of :data:`TOLERATED_IN_DRAFTS`. Set ``user`` before validating. A stale
    ``version`` is a form error with the code ``"stale"``, naming who changed the article.
    """

    class Meta(ArticleAdminForm.Meta):
        fields = AUTOSAVE_FIELDS

    def clean_body(self):
        try:
            return super().clean_body()
        except forms.ValidationError as error:
            live = bool(self.stored) and self.stored["status"] == Article.Status.PUBLISHED
            refused = [item for item in error.error_list if live or item.code not in TOLERATED_IN_DRAFTS]
            if refused:
                raise forms.ValidationError(refused) from error
            return self.cleaned_data.get("body") or ""
