"""The source library's form: identifiers stored bare, duplicates named."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ..models import Source
from ..models.sources import clean_doi

PMID_PREFIX_RE = re.compile(r"^\s*pmid:?\s*", re.IGNORECASE)


class SourceAdminForm(forms.ModelForm):
    """A library source. DOIs and PMIDs are stored bare (a pasted doi.org link or "PMID:"
    prefix is removed). A DOI or PMID already in the library is refused on its field,
    naming the source that has it; the unique constraints behind this would only say so
    at the top of the form, without saying which source."""

    class Meta:
        model = Source
        fields = "__all__"  # noqa: DJ007 (the admin narrows the form to its fieldsets)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for a pasted "PMID: 30901130"; the model checks the stored digits' length.
        pmid = self.fields["pmid"]
        pmid.max_length = None
        pmid.validators = [v for v in pmid.validators if not isinstance(v, MaxLengthValidator)]
        pmid.widget.attrs.pop("maxlength", None)

    def clean_doi(self):
        # Pasted resolver links ("https://doi.org/10...") are accepted and stored bare,
        # before the model's validator checks the form.
        doi = clean_doi(self.cleaned_data.get("doi"))
        self._refuse_duplicate(
            Source.objects.filter(doi__iexact=doi) if doi else None,
            _("%(source)s already has this DOI. Attach that source instead of adding it twice."),
        )
        return doi

    def clean_pmid(self):
        pmid = PMID_PREFIX_RE.sub("", self.cleaned_data.get("pmid") or "").strip()
        self._refuse_duplicate(
            Source.objects.filter(pmid=pmid) if pmid else None,
            _("%(source)s already has this PMID. Attach that source instead of adding it twice."),
        )
        return pmid

    def _refuse_duplicate(self, matches, message):
        if matches is None:
            return
        other = matches.exclude(pk=self.instance.pk).first() if self.instance.pk else matches.first()
        if other is not None:
            raise ValidationError(message, code="duplicate", params={"source": f"“{other}”"})


class PickerSourceForm(SourceAdminForm):
    """A new source from the citation picker, from fields pasted from a paper's page.

    The same checks as the library's form (bare identifiers, duplicates named); a title
    is required, as it is what editors and readers recognise a source by.
    """

    class Meta:
        model = Source
        fields = ["title", "authors", "journal", "year", "doi", "pmid", "url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
