"""``manage.py export_signups``: the admin's export from the command line (issue 6)."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from signups.models import ExportLog, Subscriber
from tests.factories import ArticleFactory, ConfirmedSubscriberFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

Status = Subscriber.Status


def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("export_signups", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def emails(text, column="Email"):
    return sorted(row[column] for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def people():
    ConfirmedSubscriberFactory(email="jane@example.com")
    SubscriberFactory(email="jan@example.com")
    SubscriberFactory(email="joan@example.com", status=Status.UNSUBSCRIBED)
    SubscriberFactory(email="bob@example.com", status=Status.BOUNCED)


def test_the_command_writes_csv_to_standard_output_with_progress_on_standard_error(people):
    out, err = run()

    assert out.startswith("\ufeffEmail,First name")
    assert emails(out) == ["jan@example.com", "jane@example.com"]  # pending and confirmed
    assert "Exporting 2 subscribers" in err and "Done: 2 rows" in err
    assert "jane@example.com" not in err


def test_the_command_writes_to_the_file_given_with_o(people, tmp_path):
    target = tmp_path / "list.csv"

    out, err = run("-o", str(target), "--no-bom")

    assert out == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("Email,")
    assert emails(text) == ["jan@example.com", "jane@example.com"]
    assert f"written to {target}" in err


def test_other_statuses_only_when_asked(people):
    assert emails(run("--status", "unsubscribed,bounced")[0]) == ["bob@example.com", "joan@example.com"]
    assert len(emails(run("--status", "all")[0])) == 4


def test_a_mailing_layout_holds_confirmed_people_and_refuses_other_statuses(people):
    assert emails(run("--preset", "mailchimp")[0], "Email Address") == ["jane@example.com"]
    with pytest.raises(CommandError, match="confirmed subscribers only"):
        run("--preset", "ghost", "--status", "unsubscribed")


def test_the_command_filters_by_period_and_source_article(people):
    article = ArticleFactory(slug="sleep")
    old = ConfirmedSubscriberFactory(email="old@example.com", source_article=article)
    Subscriber.objects.filter(pk=old.pk).update(created_at=datetime(2025, 1, 10, 12, tzinfo=UTC))
    ConfirmedSubscriberFactory(email="new@example.com", source_article=article)

    assert emails(run("--source", "sleep")[0]) == ["new@example.com", "old@example.com"]
    assert emails(run("--source", "sleep", "--until", "2025-12-31")[0]) == ["old@example.com"]
    assert emails(run("--since", "2025-01-10", "--until", "2025-01-10")[0]) == ["old@example.com"]


def test_the_command_writes_xlsx_to_a_file(people, tmp_path):
    target = tmp_path / "list.xlsx"

    run("--format", "xlsx", "-o", str(target))

    sheet = openpyxl.load_workbook(target).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "jan@example.com",
        "jane@example.com",
    ]


def test_an_xlsx_too_long_for_a_worksheet_is_refused_with_an_offer_of_csv(people, monkeypatch, tmp_path):
    monkeypatch.setattr("signups.export.writers.XLSX_MAX_ROWS", 1)

    with pytest.raises(CommandError, match="Export them as CSV instead"):
        run("--format", "xlsx", "-o", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_the_command_logs_its_export_without_a_user(people, tmp_path):
    run("--status", "confirmed", "--since", "2020-01-01", "-o", str(tmp_path / "list.csv"))

    log = ExportLog.objects.get()
    assert (log.user, log.via, log.format, log.preset, log.row_count) == (None, "command", "csv", "full", 1)
    assert log.filters == {"status": ["confirmed"], "since": "2020-01-01", "output": "list.csv"}
    assert log.include_source is False


@pytest.mark.parametrize(("preset", "source_header"), [("full", "Source article"), ("mailchimp", "Tags")])
def test_where_people_signed_up_is_exported_and_logged_only_with_include_source(preset, source_header):
    ConfirmedSubscriberFactory(
        email="jane@example.com", source_article=ArticleFactory(slug="ketamine-for-depression")
    )

    plain, _ = run("--preset", preset)
    with_source, err = run("--preset", preset, "--include-source")

    assert source_header not in plain and "ketamine-for-depression" not in plain
    [row] = csv.DictReader(io.StringIO(with_source.removeprefix("\ufeff")))
    assert row[source_header] == "ketamine-for-depression"
    assert "with where they signed up" in err
    assert [log.include_source for log in ExportLog.objects.order_by("pk")] == [False, True]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "happy"], "Unknown status 'happy'"),
        (["--since", "1 March"], "is not a date"),
        (["--since", "2026-03-02", "--until", "2026-03-01"], "must not be after"),
        (["--format", "pdf"], "Unknown format 'pdf'"),
        (["--preset", "hubspot"], "Unknown layout 'hubspot'"),
        (["--source", "no-such-article"], "No article has the slug"),
        (["-o", "/no/such/folder/list.csv"], "Could not write"),
    ],
)
def test_bad_arguments_are_explained(people, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ExportLog.objects.exists()
