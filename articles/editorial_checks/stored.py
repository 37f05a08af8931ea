"""The editorial checks with the site's settings and an article's stored data: what the
admin's panel shows and what is kept on each article's row for the list."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Article, SiteSettings, Source
from .report import CheckReport, CheckSettings, run_checks


def own_hosts() -> tuple[str, ...]:
    """The hosts the site serves its own images from: ``ALLOWED_HOSTS`` (wildcards
    apart), ``SITE_URL``'s and, when media live elsewhere, ``MEDIA_URL``'s."""
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"]
    for url in (settings.SITE_URL, settings.MEDIA_URL):
        hosts.append(urlsplit(url).hostname or "")
    return tuple(sorted({host.lower() for host in hosts if host}))


def site_check_settings() -> CheckSettings:
    """:class:`CheckSettings` from the site settings (one query) and the current year."""
    site = SiteSettings.load()
    return CheckSettings(
        this_year=timezone.localdate().year,
        target_grade=site.target_reading_grade,
        over_claims=site.over_claims,
        evidence_age_years=site.evidence_age_years,
        own_hosts=own_hosts(),
    )


def source_years(source_ids: Iterable[int]) -> list[int | None]:
    """The publication years of the sources with ``source_ids`` (unknown ids skipped)."""
    return list(Source.objects.filter(pk__in=list(source_ids)).values_list("year", flat=True))


def check_article(article: Article) -> CheckReport:
    """Check ``article`` as an editor sees it in the admin: with pending changes, their
    body and sources; otherwise the stored body and attached sources."""
    pending = article.pending_revision or {}
    body = (pending.get("fields") or {}).get("body", article.body) if pending else article.body
    if pending:
        ids = [row["source"] for row in pending.get("citations", []) if row.get("source")]
    else:
        ids = list(article.citations.values_list("source_id", flat=True))
    return run_checks(body or "", source_years=source_years(ids), settings=site_check_settings())


def refresh_stored_checks(article_id: int) -> None:
    """Run the checks on the stored article ``article_id`` and keep the result on its row
    (``reading_grade``, ``open_warnings``, ``check_findings``) with one UPDATE: the
    version, the history and the modification time stay as they are. A deleted article
    is skipped."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    report = check_article(article)
    Article.objects.filter(pk=article_id).update(
        reading_grade=report.grade, open_warnings=report.warning_count, check_findings=report.as_json()
    )


def refresh_checks_on_commit(article: Article) -> None:
    """Refresh ``article``'s stored checks once the current transaction commits, when
    its cited sources (saved after the row, by the admin's inlines) are stored too.
    Robust: a failing check is logged and never undoes or fails the save."""
    # The id is read when the callback runs: a new article gets it from the save.
    transaction.on_commit(lambda: refresh_stored_checks(article.pk), robust=True)


def refresh_all_stored_checks() -> int:
    """Refresh the stored checks of every article (after the checks' site settings
    change, or once after deploying new checks). Returns how many articles were checked."""
    ids = list(Article.objects.values_list("pk", flat=True))
    for article_id in ids:
        refresh_stored_checks(article_id)
    return len(ids)
