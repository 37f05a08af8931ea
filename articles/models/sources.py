"""The shared library of sources (studies, guidelines, articles) and articles' citations."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..citations import marker_for, nlm_citation
from .source_checks import SourceRegistryCheck

# DOI syntax: "10." + registrant code + "/" + suffix (DOI Handbook §2.2, ISO 26324).
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
# PubMed identifiers are positive integers of up to 8 digits (NLM, PubMed User Guide).
PMID_RE = re.compile(r"^[1-9]\d{0,7}$")
# What identifies the work a citation points readers to: a change to any of these means
# a medical reviewer vouched for a different citation than readers now see.
BIBLIOGRAPHIC_FIELDS = (
    "citation_text",
    "authors",
    "title",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "url",
)


def validate_doi(value):
    """Raise ``ValidationError`` (code ``invalid_doi``) unless ``value`` looks like a DOI."""
    if value and not DOI_RE.match(value):
        raise ValidationError(
            _("%(value)s is not a DOI; a DOI looks like 10.1111/acem.13755."),
            code="invalid_doi",
            params={"value": value},
        )


def validate_pmid(value):
    """Raise ``ValidationError`` (code ``invalid_pmid``) unless ``value`` is a PubMed ID."""
    if value and not PMID_RE.match(value):
        raise ValidationError(
            _("%(value)s is not a PubMed ID; a PMID is a number such as 30901130."),
            code="invalid_pmid",
            params={"value": value},
        )


def clean_doi(value):
    """Strip resolver prefixes (``https://doi.org/``, ``doi:``) and space from a DOI."""
    value = (value or "").strip()
    value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.IGNORECASE)
    return value


class SourceQuerySet(models.QuerySet):
    """Finding sources: those an article cites, and one already in the library by DOI or PMID."""

    def cited_by(self, article):
        """The sources attached to ``article``, in the article's order."""
        return self.filter(citations__article=article).order_by("citations__position", "citations__pk")

    def matching(self, doi="", pmid=""):
        """Sources with this DOI (case-insensitive, as DOIs are), else with this PMID."""
        if doi:
            found = self.filter(doi__iexact=clean_doi(doi))
            if found.exists() or not pmid:
                return found
        if pmid:
            return self.filter(pmid=pmid.strip())
        return self.none()

    def get_or_create_for(self, citation_text, doi="", pmid="", url=""):
        """The source with this DOI, else this PMID, else a new one from the citation.

        Deduplicates by DOI first, then PMID; a citation with neither always makes a new
        source. Returns ``(source, created)``.
        """
        doi, pmid = clean_doi(doi), (pmid or "").strip()
        # Identifiers that fail their format are dropped, not stored: the citation as
        # written still carries them for a person to check.
        doi = doi if DOI_RE.match(doi) and len(doi) <= 200 else ""
        pmid = pmid if PMID_RE.match(pmid) else ""
        url = url if len(url or "") <= 500 else ""
        existing = self.matching(doi, pmid).first()
        if existing:
            return existing, False
        return self.create(citation_text=citation_text, doi=doi, pmid=pmid, url=url or ""), True


class Source(SourceRegistryCheck):
    """A study, guideline or article that articles cite.

    Structured fields (authors, title, journal...) give an NLM-style citation when they
    are complete; otherwise readers see ``citation_text``, the citation as written.
    """

    class EvidenceType(models.TextChoices):
        SYSTEMATIC_REVIEW = "systematic_review", _("Systematic review or meta-analysis")
        RANDOMISED_TRIAL = "randomised_trial", _("Randomised trial")
        OBSERVATIONAL = "observational", _("Observational study")
        CASE_REPORT = "case_report", _("Case report")
        GUIDELINE = "guideline", _("Guideline")
        EXPERT_OPINION = "expert_opinion", _("Expert opinion")
        OTHER = "other", _("Other")

    citation_text = models.TextField(
        _("citation as written"),
        blank=True,
        help_text=_("Shown when the fields below are incomplete. Kept as imported."),
    )
    authors = models.TextField(_("authors"), blank=True, help_text=_("NLM style: 'Lumanauw DD, Youn S'."))
    title = models.TextField(_("title"), blank=True)
    journal = models.CharField(_("journal or publisher"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    volume = models.CharField(_("volume"), max_length=30, blank=True)
    issue = models.CharField(_("issue"), max_length=30, blank=True)
    pages = models.CharField(_("pages"), max_length=50, blank=True)
    doi = models.CharField(
        _("DOI"),
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text=_("For example 10.1111/acem.13755."),
    )
    pmid = models.CharField(
        _("PMID"),
        max_length=8,
        blank=True,
        validators=[validate_pmid],
        help_text=_("PubMed ID, digits only."),
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    evidence_type = models.CharField(
        _("evidence type"), max_length=30, choices=EvidenceType, default=EvidenceType.OTHER
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["doi"],
                condition=~Q(doi=""),
                name="articles_source_unique_doi",
                violation_error_message=_("A source with this DOI is already in the library."),
            ),
            models.UniqueConstraint(
                fields=["pmid"],
                condition=~Q(pmid=""),
                name="articles_source_unique_pmid",
                violation_error_message=_("A source with this PMID is already in the library."),
            ),
            models.CheckConstraint(
                condition=~Q(citation_text="", title=""),
                name="articles_source_has_text",
                violation_error_message=_("Give the citation as written, or at least a title."),
            ),
        ]

    def __str__(self):
        # Without the id: editors pick sources by what they are, never by a number.
        text = (self.title or self.citation_text)[:90]
        return f"{text} ({self.year})" if self.year else text

    def save(self, *args, **kwargs):
        """Store the DOI bare (no resolver prefix) and the PMID trimmed, so they match on
        lookup. When a bibliographic field (``BIBLIOGRAPHIC_FIELDS``) of a stored source
        changes, every medically reviewed article that cites it is marked as changed since
        review (see :meth:`outdate_reviews`); a new DOI or PMID is looked up afresh by the
        next registry check (:meth:`forget_registry_check`)."""
        self.doi = clean_doi(self.doi)
        self.pmid = self.pmid.strip()
        stored = self._stored_bibliography()
        changed = stored is not None and any(
            stored[name] != getattr(self, name) for name in BIBLIOGRAPHIC_FIELDS
        )
        if stored is not None and (stored["doi"], stored["pmid"]) != (self.doi, self.pmid):
            self.forget_registry_check()
        super().save(*args, **kwargs)
        if changed:
            self.outdate_reviews()

    def _stored_bibliography(self):
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values(*BIBLIOGRAPHIC_FIELDS).first()

    def outdate_reviews(self):
        """Mark every reviewed article citing this source as changed since review; returns
        how many. The reviewed body hash is cleared rather than only the flag: the flag is
        recomputed from the hash on each article save, and the mark must last until a
        reviewer signs the article off again (which stores a new hash)."""
        articles = Citation._meta.get_field("article").related_model.objects
        return articles.filter(citations__source=self, reviewed_at__isnull=False).update(
            review_outdated=True, reviewed_body_hash=""
        )

    @property
    def marker(self):
        """What editors type in an article body to cite this source."""
        return marker_for(self.pk) if self.pk else ""

    @property
    def display_citation(self):
        """NLM-style citation from the fields when complete, else the citation as written."""
        return nlm_citation(self) or self.citation_text or self.title

    @property
    def doi_url(self):
        """The DOI resolver link (https://doi.org/, DOI Handbook §3.8), or ""."""
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        """The PubMed page for the PMID, or ""."""
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


class Citation(models.Model):
    """A source attached to an article, in the article's order."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="citations", verbose_name=_("article")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["article", "position", "pk"]
        verbose_name = _("citation")
        verbose_name_plural = _("sources cited")
        constraints = [
            models.UniqueConstraint(fields=["article", "source"], name="articles_citation_unique_source"),
        ]

    def __str__(self):
        return f"{self.article} cites {self.source.marker}"
