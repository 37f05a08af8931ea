"""The rows edited on an article's admin page: cited sources, related articles, update notes."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..corrections import record_corrections
from ..forms import CitationInlineFormSet, RelatedPendingInlineFormSet
from ..forms.labels import LabelledInlineFormSet
from ..models import Article, Citation, RelatedArticle, UpdateNote

CITE_HELP = _(
    "To cite a source, put the cursor where the claim is in the body and use the editor's "
    "\u201cCite a source\u201d button: saving attaches the sources the body cites. Readers "
    "see numbered sources in order of first citation, then the rest in this order."
)


class CitationInline(admin.TabularInline):
    model = Citation
    formset = CitationInlineFormSet
    extra = 0
    fields = ("position", "source")
    autocomplete_fields = ("source",)
    verbose_name = _("source")
    verbose_name_plural = _("sources (in order)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["help_text"] = CITE_HELP
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        # Each row prints its citation, which names the article and the source.
        return super().get_queryset(request).select_related("article", "source")


class RelatedArticleInline(admin.TabularInline):
    model = RelatedArticle
    formset = RelatedPendingInlineFormSet
    fk_name = "from_article"
    extra = 0
    fields = ("position", "to_article")
    autocomplete_fields = ("to_article",)
    verbose_name = _("related article")
    verbose_name_plural = _("related articles (in order)")

    def get_queryset(self, request):
        # Each row prints its pick, which names both articles.
        return super().get_queryset(request).select_related("from_article", "to_article")


class UpdateNoteFormSet(LabelledInlineFormSet):
    """The update notes; saving a correction of a live article also moves its "Last
    updated" date (``articles.corrections.record_corrections``, as ``actor``)."""

    actor = None

    def save(self, commit=True):
        saved = super().save(commit)
        if commit:
            record_corrections(article=self.instance, notes=saved, actor=self.actor)
        return saved


class UpdateNoteInline(admin.TabularInline):
    """Dated notes readers see as the change history.

    On a live article only publishers edit them: an editor's other changes wait as a
    pending revision, and a note announcing them must not go out before they do.
    """

    model = UpdateNote
    formset = UpdateNoteFormSet
    extra = 0
    fields = ("date", "text", "is_correction")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user  # a class made for this request
        return formset

    def _editable(self, request, obj):
        live = obj is not None and obj.status == Article.Status.PUBLISHED
        return not live or request.user.has_perm("articles.publish_article")

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)
