"""Checking the source library against Crossref and PubMed (``manage.py check_sources``).

:func:`check_due` looks up the sources that are due, at a polite pace, and records on
each what the registries say (:class:`articles.models.source_checks.SourceRegistryCheck`).
It writes with ``update()``: the registry fields are for editors, so a check neither
retires cached pages nor counts as an edit of the source. A failed lookup is recorded
and tried again later; a registry that keeps answering 429 is left alone for the run.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..models import Source
from ..models.source_checks import RegistryStatus
from . import registries
from .http import Client, RateLimited, RegistryError

# The NCBI asks every E-utilities caller to name its tool (and give an email).
NCBI_TOOL = "isha-health-site"


@dataclass
class Outcome:
    """What one run did: how many sources were checked, flagged, failed or postponed
    (their registry was rate limiting), and the requests made per registry."""

    checked: int = 0
    flagged: int = 0
    failed: int = 0
    postponed: int = 0
    requests: dict = field(default_factory=dict)


def contact_email():
    """``SOURCE_CHECK_EMAIL``, else the address in ``DEFAULT_FROM_EMAIL``."""
    return settings.SOURCE_CHECK_EMAIL or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def due_sources(now=None):
    """Sources with a DOI or PMID whose next check has come (never-checked ones first)."""
    now = now or timezone.now()
    has_identifier = ~Q(doi="") | ~Q(pmid="")
    due = Q(registry_next_check_at__isnull=True) | Q(registry_next_check_at__lte=now)
    return Source.objects.filter(has_identifier & due).order_by(
        "registry_next_check_at", "registry_checked_at", "pk"
    )


def make_clients():
    """One :class:`Client` per registry, from the ``SOURCE_CHECK_*`` settings."""
    email = contact_email()
    agent = f"{NCBI_TOOL} ({settings.SITE_URL}; mailto:{email})"
    options = {
        "timeout": settings.SOURCE_CHECK_TIMEOUT,
        "delay": settings.SOURCE_CHECK_DELAY,
        "retries": settings.SOURCE_CHECK_RETRIES,
        "retry_seconds": settings.SOURCE_CHECK_RETRY_SECONDS,
        "user_agent": agent,
    }
    return {"crossref": Client("Crossref", **options), "pubmed": Client("PubMed", **options)}


def look_up(source, clients):
    """The combined :class:`~.registries.Finding` for ``source``'s DOI and PMID; raises
    ``RegistryError`` (``RateLimited``) if a registry does not answer."""
    email = contact_email()
    findings = []
    if source.doi:
        url = settings.SOURCE_CHECK_CROSSREF_URL
        findings.append(registries.crossref(clients["crossref"], url, source.doi, email))
    if source.pmid:
        findings.append(
            registries.pubmed(
                clients["pubmed"],
                settings.SOURCE_CHECK_EUTILS_URL,
                source.pmid,
                tool=NCBI_TOOL,
                email=email,
                api_key=settings.SOURCE_CHECK_NCBI_API_KEY,
            )
        )
    return registries.worst(findings)


def check_due(*, limit=None, sources=None, now=None, log=None):
    """Check up to ``limit`` (default ``SOURCE_CHECK_BATCH``) due sources, or the given
    ``sources`` queryset whether due or not; returns an :class:`Outcome`. ``log`` (a
    callable taking a line) hears about each flag and failure."""
    now = now or timezone.now()
    log = log or (lambda line: None)
    clients, resting, outcome = make_clients(), set(), Outcome()
    queryset = sources if sources is not None else due_sources(now)[: limit or settings.SOURCE_CHECK_BATCH]
    for source in queryset:
        needs = {name for name, value in (("crossref", source.doi), ("pubmed", source.pmid)) if value}
        if needs & resting:
            outcome.postponed += 1
            continue
        try:
            finding = look_up(source, clients)
        except RegistryError as error:
            if isinstance(error, RateLimited):
                resting.add(error.registry)
            record_failure(source, str(error), timezone.now())
            outcome.failed += 1
            log(f"Could not check source {source.pk}: {error}")
            continue
        if record_finding(source, finding, timezone.now()):
            outcome.flagged += 1
            log(f"Source {source.pk} is now {finding.status}: {source}")
        outcome.checked += 1
    outcome.requests = {name: client.requests_made for name, client in clients.items()}
    return outcome


def record_finding(source, finding, now):
    """Store ``finding`` on ``source``; returns True when it newly flags the source (a
    first or a more serious retraction, correction or concern), which is when the
    articles citing it return to the review-due queue."""
    flagged = finding.status in RegistryStatus.flagged()
    worse = RegistryStatus.severity(finding.status) > RegistryStatus.severity(source.registry_status)
    flagged_at = (now if worse else source.registry_flagged_at) if flagged else None
    Source.objects.filter(pk=source.pk).update(
        registry_status=finding.status,
        registry_found=finding.found,
        registry_title=finding.title[:2000],
        registry_notice_url=finding.notice_url[:500],
        registry_checked_at=now,
        registry_flagged_at=flagged_at,
        registry_error="",
        registry_failures=0,
        registry_next_check_at=now + timedelta(days=settings.SOURCE_CHECK_EVERY_DAYS),
    )
    return flagged and worse


def record_failure(source, message, now):
    """Record a failed check; the source is due again after 1, 2, 4... hours, at most
    ``SOURCE_CHECK_EVERY_DAYS`` later. What the last successful check found is kept."""
    failures = source.registry_failures + 1
    wait = min(timedelta(hours=2 ** min(failures - 1, 10)), timedelta(days=settings.SOURCE_CHECK_EVERY_DAYS))
    Source.objects.filter(pk=source.pk).update(
        registry_error=message[:2000], registry_failures=failures, registry_next_check_at=now + wait
    )
