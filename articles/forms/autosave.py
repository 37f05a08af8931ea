"""The form an autosave posts: the change page's simple fields, checked as the page's own
form checks them (body images, stale copies), status and publication time left out."""

from .article import ArticleAdminForm

#: The article's fields an autosave carries: the ones typed or picked in the page without
#: an upload. Status and publication times are never autosaved; the inlines neither
#: (their pending or stored rows stay as they are until the editor saves).
AUTOSAVE_FIELDS = (
    "title",
    "slug",
    "summary",
    "author",
    "body",
    "hero_image_alt",
    "hero_image_decorative",
    "featured",
    "updated_on",
    "learn_more_url",
)


class ArticleAutosaveForm(ArticleAdminForm):
    """:class:`ArticleAdminForm` narrowed to :data:`AUTOSAVE_FIELDS` and the hidden
    ``version``; title and author may still be empty (``publishing.check_complete``
    refuses to submit or publish such a draft). Set ``user`` before validating. A stale
    ``version`` is a form error with the code ``"stale"``, naming who changed the article.
    """

    class Meta(ArticleAdminForm.Meta):
        fields = AUTOSAVE_FIELDS
