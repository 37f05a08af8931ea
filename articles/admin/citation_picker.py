"""The body editor's citation picker: JSON views to search the source library and add to it.

Mixed into ``ArticleAdmin``; the dialog is ``admin/articles/article/citation_picker.html``
and its script ``articles/static/articles/admin/citations.js``. The views answer with
JSON only; the editor never sees a source's id (the script keeps it to write the
citation, see :mod:`articles.citations`).
"""

import re

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from ..citations import nlm_citation, short_title
from ..forms.sources import PickerSourceForm
from ..models import Source
from ..models.sources import clean_doi

PMID_LABEL_RE = re.compile(r"\bpmid\b:?", re.IGNORECASE)
#: How many sources a search returns, best (newest) first.
SEARCH_LIMIT = 20


def source_json(source):
    """A source as the picker shows it: ``{"id", "label", "citation", "year", "doi", "pmid"}``."""
    return {
        "id": source.pk,
        "label": short_title(source),
        "citation": nlm_citation(source) or source.citation_text or source.title,
        "year": source.year,
        "doi": source.doi,
        "pmid": source.pmid,
    }


def search_sources(query, limit=SEARCH_LIMIT):
    """Sources whose title, authors, citation as written, journal, DOI or PMID contain
    every word of ``query`` (case-insensitive); a pasted DOI link or "PMID:" prefix
    matches the bare identifier. Newest first (undated last), at most ``limit``."""
    # Undated sources last on every database (PostgreSQL sorts nulls first when descending).
    found = Source.objects.order_by(F("year").desc(nulls_last=True), "title", "pk")
    words = PMID_LABEL_RE.sub(" ", query).split()
    if len(words) == 1 and clean_doi(words[0]).startswith("10."):
        return list(found.filter(doi__iexact=clean_doi(words[0]))[:limit])
    for word in words:
        found = found.filter(
            Q(title__icontains=word)
            | Q(authors__icontains=word)
            | Q(citation_text__icontains=word)
            | Q(journal__icontains=word)
            | Q(doi__icontains=word)
            | Q(pmid=word)
        )
    return list(found[:limit])


class CitationPickerMixin:
    """Adds the picker's views to the article admin: ``<admin>/articles/article/sources/search/``
    (GET ``q``) and ``.../sources/new/`` (POST the fields of :class:`PickerSourceForm`).

    Both need the change-article permission (the picker is part of editing an article);
    adding a source also needs the add-source permission.
    """

    def get_urls(self):
        return [
            path(
                "sources/search/",
                self.admin_site.admin_view(self.source_search_view),
                name="articles_article_source_search",
            ),
            path(
                "sources/new/",
                self.admin_site.admin_view(self.source_create_view),
                name="articles_article_source_create",
            ),
            *super().get_urls(),
        ]

    def _require_editing(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied

    def source_search_view(self, request):
        """``{"results": [source_json, ...]}`` for the query ``q`` (empty: the newest)."""
        return _search(request, self)

    def source_create_view(self, request):
        """201 with ``source_json`` of the new source, or 400 with ``{"errors": {field: [message]}}``
        (``__all__`` for the whole form), from the same checks as the source library's form."""
        return _create(request, self)


@require_GET
def _search(request, admin):
    admin._require_editing(request)
    query = request.GET.get("q", "").strip()[:200]
    return JsonResponse({"results": [source_json(source) for source in search_sources(query)]})


@require_POST
def _create(request, admin):
    admin._require_editing(request)
    if not request.user.has_perm("articles.add_source"):
        raise PermissionDenied
    form = PickerSourceForm(request.POST)
    if not form.is_valid():
        errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    return JsonResponse(source_json(form.save()), status=201)
