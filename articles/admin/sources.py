"""The admin of the source library (:mod:`articles.models.sources`): sources and who cites them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..citations import MARKER_RE
from ..forms import SourceAdminForm
from ..models import Citation, Source
from .source_checks import REGISTRY_FIELDSETS, RegistryCheckAdminMixin


class CitedByInline(admin.TabularInline):
    """Which articles cite a source: how a retracted study is traced."""

    model = Citation
    extra = 0
    fields = ("article", "position")
    readonly_fields = ("article", "position")
    can_delete = False
    verbose_name_plural = _("cited by")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row prints its citation, which names the article and the source.
        return super().get_queryset(request).select_related("article", "source")


@admin.register(Source)
class SourceAdmin(RegistryCheckAdminMixin, admin.ModelAdmin):
    """The source library. Each source shows the marker editors paste in a body to cite
    it, and which articles cite it."""

    form = SourceAdminForm
    list_display = ("__str__", "marker", "year", "journal", "evidence_type", "doi", "pmid", "registry")
    list_filter = ("evidence_type", "year", "registry_status", "notice")
    search_fields = ("title", "citation_text", "authors", "doi", "pmid", "journal")
    readonly_fields = ("marker",)
    inlines = (CitedByInline,)
    fieldsets = (
        (None, {"fields": ("marker", "citation_text", "evidence_type")}),
        (
            _("Structured citation (NLM style is built from these when complete)"),
            {"fields": ("authors", "title", "journal", "year", "volume", "issue", "pages")},
        ),
        (_("Identifiers"), {"fields": ("doi", "pmid", "url")}),
        *REGISTRY_FIELDSETS,
    )

    @admin.display(description=_("Marker to paste in the body"), ordering="pk")
    def marker(self, obj):
        return obj.marker or _("Given when the source is saved.")

    def get_search_results(self, request, queryset, search_term):
        # Lets editors find a source by the marker they see in a body ("[cite:12]"),
        # in the list and in the article form's source picker.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = MARKER_RE.fullmatch(search_term.strip())
        if match:
            results |= queryset.filter(pk=int(match.group(1)))
        return results, may_have_duplicates
