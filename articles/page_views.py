"""The public view of a standalone page (:class:`articles.models.Page`)."""

from django.views.generic import DetailView

from .models import Page
from .sanitize import sanitize_for_readers
from .toc import add_heading_anchors


def can_preview_pages(user):
    """Staff who may change pages see drafts at their address (with a banner)."""
    return user.is_active and user.is_staff and user.has_perm("articles.change_page")


class PageView(DetailView):
    """``/about/<slug>/``: a published page; drafts are 404 except to previewers."""

    template_name = "articles/page_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        if can_preview_pages(self.request.user):
            return Page.objects.all()
        return Page.objects.live()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Sanitised again after the heading anchors, whatever path stored the body.
        body, _toc = add_heading_anchors(sanitize_for_readers(self.object.body))
        context.update(body=sanitize_for_readers(body), is_preview=not self.object.is_live)
        return context
