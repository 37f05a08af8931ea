"""``manage.py check_sources`` against a local Crossref and E-utilities: what it records on
each source, how it asks (identification, pace, retries) and what it does when a registry
is missing, busy, broken or slow."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.utils import timezone

from articles.models import Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def check_sources(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("check_sources", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def reloaded(source):
    return Source.objects.get(pk=source.pk)


def test_a_current_source_is_recorded_as_found_with_its_registry_title(registry_server):
    source = SourceFactory(doi="10.5555/ketamine.current", pmid="30901130")
    registry_server.answer("10.5555/ketamine.current", "crossref/current.json")
    registry_server.answer("30901130", "pubmed/current.xml")

    out, _ = check_sources()

    source = reloaded(source)
    assert source.registry_found is True
    assert source.registry_status == "current"
    assert source.registry_title == "Ketamine for treatment-resistant depression: a randomised trial"
    assert source.registry_checked_at is not None and source.registry_error == ""
    assert source.registry_next_check_at - source.registry_checked_at == timedelta(days=7)
    assert "Checked 1 sources (0 newly flagged), 0 failed" in out
    # Identified as the registries ask: Crossref's mailto, NCBI's tool and email.
    (crossref,) = registry_server.asked_for("10.5555/ketamine.current")
    assert crossref == {"mailto": "evidence@example.com"}
    (pubmed,) = registry_server.asked_for("30901130")
    assert pubmed == {
        "db": "pubmed",
        "id": "30901130",
        "retmode": "xml",
        "tool": "isha-health-site",
        "email": "evidence@example.com",
    }


def test_the_pubmed_title_is_kept_when_there_is_no_doi(registry_server):
    source = SourceFactory(pmid="30901130")
    registry_server.answer("30901130", "pubmed/current.xml")
    check_sources()
    assert reloaded(source).registry_title == "Low-dose ketamine for analgesia in the emergency department."


def test_a_crossref_retraction_wins_over_an_earlier_correction_and_links_its_notice(registry_server):
    source = SourceFactory(doi="10.5555/ketamine.retracted")
    registry_server.answer("10.5555/ketamine.retracted", "crossref/retracted.json")

    _, err = check_sources()

    source = reloaded(source)
    assert source.registry_status == "retracted"
    assert source.registry_notice_url == "https://doi.org/10.5555/ketamine.retraction-notice"
    assert source.registry_flagged_at == source.registry_checked_at
    assert f"Source {source.pk} is now retracted" in err


@pytest.mark.parametrize(
    ("answer", "status", "notice"),
    [
        ("pubmed/retracted.xml", "retracted", "https://pubmed.ncbi.nlm.nih.gov/35222222/"),
        ("pubmed/concern.xml", "concern", "https://pubmed.ncbi.nlm.nih.gov/38444444/"),
    ],
)
def test_pubmed_retractions_and_concerns_are_read_from_efetch(registry_server, answer, status, notice):
    pmid = "31111111" if "retracted" in answer else "32333333"
    source = SourceFactory(pmid=pmid)
    registry_server.answer(pmid, answer)
    check_sources()
    source = reloaded(source)
    assert (source.registry_status, source.registry_notice_url) == (status, notice)


def test_a_crossref_correction_is_recorded_as_corrected(registry_server):
    source = SourceFactory(doi="10.5555/ketamine.corrected")
    registry_server.answer("10.5555/ketamine.corrected", "crossref/corrected.json")
    check_sources()
    assert reloaded(source).registry_status == "corrected"
    assert reloaded(source).registry_notice_url == "https://doi.org/10.5555/ketamine.erratum"


def test_identifiers_the_registries_do_not_know_are_recorded_as_not_found(registry_server):
    by_doi = SourceFactory(doi="10.5555/no.such.work")
    by_pmid = SourceFactory(pmid="39999999")
    registry_server.answer("10.5555/no.such.work", 404)
    registry_server.answer("39999999", "pubmed/not_found.xml")

    check_sources()

    assert reloaded(by_doi).registry_found is False
    assert reloaded(by_pmid).registry_found is False
    assert reloaded(by_pmid).registry_error == ""


def test_a_429_or_a_server_error_is_retried_and_then_succeeds(registry_server):
    source = SourceFactory(doi="10.5555/ketamine.current")
    registry_server.answer("10.5555/ketamine.current", 429, 503, "crossref/current.json")
    check_sources()
    assert reloaded(source).registry_status == "current"
    assert len(registry_server.asked_for("10.5555/ketamine.current")) == 3


def test_a_registry_still_busy_after_the_retries_is_left_alone_for_the_run(registry_server):
    busy = SourceFactory(doi="10.5555/busy", year=2024)
    waiting = SourceFactory(doi="10.5555/ketamine.current", year=2020)
    by_pmid = SourceFactory(pmid="30901130", year=2010)
    registry_server.answer("10.5555/busy", 429)
    registry_server.answer("30901130", "pubmed/current.xml")

    out, err = check_sources()

    busy, waiting = reloaded(busy), reloaded(waiting)
    assert "HTTP 429" in busy.registry_error and busy.registry_failures == 1
    assert len(registry_server.asked_for("10.5555/busy")) == 3  # the first try and two retries
    assert registry_server.asked_for("10.5555/ketamine.current") == []
    assert waiting.registry_checked_at is None and waiting.registry_next_check_at is None
    assert reloaded(by_pmid).registry_status == "current"  # PubMed was still asked
    assert "1 failed, 1 postponed" in out and "Could not check source" in err


def test_a_failure_keeps_the_last_finding_and_is_tried_again_later_and_later(registry_server):
    source = SourceFactory(doi="10.5555/ketamine.retracted")
    registry_server.answer("10.5555/ketamine.retracted", "crossref/retracted.json")
    check_sources()
    registry_server.answer("10.5555/ketamine.retracted", 500)

    check_sources("--source", str(source.pk))
    first = reloaded(source)
    check_sources("--source", str(source.pk))
    second = reloaded(source)

    assert first.registry_status == "retracted"  # kept from the last good check
    assert first.registry_error == "Crossref: HTTP 500 Internal Server Error"
    assert first.registry_next_check_at - timezone.now() == pytest.approx(
        timedelta(hours=1), abs=timedelta(minutes=1)
    )
    assert second.registry_failures == 2
    assert second.registry_next_check_at - timezone.now() == pytest.approx(
        timedelta(hours=2), abs=timedelta(minutes=1)
    )


def test_an_answer_slower_than_the_timeout_is_a_recorded_failure(registry_server):
    source = SourceFactory(doi="10.5555/slow")
    registry_server.answer("10.5555/slow", ("slow", 1.5, "crossref/current.json"))

    out, _ = check_sources()

    assert reloaded(source).registry_error == "Crossref: no answer within 0.5 s"
    assert "1 failed" in out


def test_only_due_sources_are_asked_and_a_named_one_is_asked_now(registry_server):
    source = SourceFactory(doi="10.5555/ketamine.current")
    SourceFactory(citation_text="A textbook, no identifiers.")
    registry_server.answer("10.5555/ketamine.current", "crossref/current.json")
    check_sources()
    check_sources()
    assert len(registry_server.requests) == 1

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        check_sources()
    assert len(registry_server.requests) == 2

    check_sources("--source", str(source.pk))
    assert len(registry_server.requests) == 3


def test_the_command_refuses_unknown_sources_and_a_zero_limit(registry_server):
    with pytest.raises(CommandError, match="No source with id 999"):
        check_sources("--source", "999")
    with pytest.raises(CommandError, match="--limit"):
        check_sources("--limit", "0")


def test_run_periodic_runs_the_check_daily(registry_server):
    source = SourceFactory(doi="10.5555/ketamine.current")
    registry_server.answer("10.5555/ketamine.current", "crossref/current.json")
    out = io.StringIO()
    call_command("run_periodic", "--only", "check_sources", stdout=out, stderr=io.StringIO())
    assert reloaded(source).registry_status == "current"
    call_command("run_periodic", "--list", stdout=out)
    assert "check_sources every 86400 s" in out.getvalue()


def test_a_corrected_doi_is_looked_up_afresh_at_the_next_run(registry_server):
    source = SourceFactory(doi="10.5555/ketamine.retracted")
    registry_server.answer("10.5555/ketamine.retracted", "crossref/retracted.json")
    registry_server.answer("10.5555/ketamine.current", "crossref/current.json")
    check_sources()

    source = reloaded(source)
    source.doi = "10.5555/ketamine.current"
    source.save()
    assert reloaded(source).registry_status == "" and reloaded(source).registry_next_check_at is None
    check_sources()

    source = reloaded(source)
    assert (source.registry_status, source.registry_flagged_at) == ("current", None)


@pytest.mark.parametrize(
    ("identifier", "body", "error"),
    [
        ("doi", b"<html>maintenance</html>", "Crossref: the answer is not a work record"),
        ("pmid", b"{not xml", "PubMed: the answer is not XML"),
    ],
)
def test_an_answer_that_is_not_a_record_is_a_recorded_failure(registry_server, identifier, body, error):
    source = SourceFactory(**{identifier: "10.5555/broken" if identifier == "doi" else "31234567"})
    registry_server.answer(source.doi or source.pmid, body)
    check_sources()
    assert reloaded(source).registry_error == error


def test_malformed_settings_are_refused_by_manage_py_check(settings):
    settings.SOURCE_CHECK_CROSSREF_URL = "api.crossref.org"
    settings.SOURCE_CHECK_TIMEOUT = 0
    settings.SOURCE_CHECK_EMAIL = "nobody"
    with pytest.raises(SystemCheckError, match="SOURCE_CHECK_CROSSREF_URL") as refused:
        call_command("check", "--tag", "settings", stdout=io.StringIO(), stderr=io.StringIO())
    assert "SOURCE_CHECK_TIMEOUT must be at least 0.1" in str(refused.value)
    assert "SOURCE_CHECK_EMAIL must be an email address" in str(refused.value)
