"""``import_signups`` refuses, row by row, what the site could not show (issue 12, "Stored data")."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from signups.models import Subscriber

pytestmark = pytest.mark.django_db

HEADER = "email,status,created_at,confirmed_at,unsubscribed_at"


def run(tmp_path, lines):
    path = tmp_path / "list.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_signups", str(path), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def _in(days):
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_impossible_times_are_reported_by_line_and_the_good_rows_imported(tmp_path, settings, zone):
    settings.TIME_ZONE = zone
    lines = [
        "first@example.com,subscribed,2019-03-08 14:16:36,2019-03-08 14:20:01,",  # line 2
        "ancient@example.com,subscribed,0001-01-01 00:00:00,,",
        "future@example.com,subscribed,9999-12-31 23:59:59,,",
        "zoned@example.com,subscribed,0001-01-01T00:00:00+05:00,,",
        "early@example.com,subscribed,1994-06-30 12:00:00,,",
        "backwards@example.com,subscribed,2020-05-02 10:00:00,2020-05-01 10:00:00,",
        "tomorrow@example.com,subscribed,2020-05-02 10:00:00," + _in(2) + ",",
        "gone@example.com,unsubscribed,2020-05-02 10:00:00,,9999-01-01 00:00:00",
        "nearly@example.com,subscribed,1995-01-02 00:00:00," + _in(0.5) + ",",  # line 10
        "not-an-address,subscribed,2020-05-02 10:00:00,,",
        "last@example.com,subscribed,2021-01-01 00:00:00,,",  # line 12
    ]

    out, err = run(tmp_path, lines)

    imported = set(Subscriber.objects.values_list("email", flat=True))
    assert imported == {"first@example.com", "nearly@example.com", "last@example.com"}
    assert "3 added" in out
    assert "8 with errors" in out
    for line, reason in [
        (3, "before 1995-01-01"),
        (4, "more than a day from now"),
        (5, "before 1995-01-01"),
        (6, "before 1995-01-01"),
        (7, "is before the sign-up time 2020-05-02"),
        (8, "more than a day from now"),
        (9, "more than a day from now"),
        (11, "not a valid email address"),
    ]:
        assert f"Not imported: line {line}: " in err
        message = next(row for row in err.splitlines() if row.startswith(f"Not imported: line {line}: "))
        assert reason in message, message


def test_the_oldest_time_allowed_is_1995_in_the_sites_zone(tmp_path, settings):
    settings.TIME_ZONE = "America/New_York"
    lines = [
        # 03:00 UTC on 1 January 1995 is still 31 December 1994 in New York.
        "utc@example.com,subscribed,1995-01-01 03:00:00,,",
        "local@example.com,subscribed,1995-01-01T00:00:00-05:00,,",
    ]

    _, err = run(tmp_path, lines)

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["local@example.com"]
    assert "line 2: " in err and "before 1995-01-01" in err


def test_an_unparseable_time_is_reported_not_raised(tmp_path):
    _, err = run(tmp_path, ["a@example.com,subscribed,2020-02-30 10:00:00,,", "b@example.com,subscribed,,,"])

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["b@example.com"]
    assert "line 2: '2020-02-30 10:00:00' is not a date and time" in err


def test_a_name_postgresql_cannot_store_costs_that_row_alone(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("email,first_name\nnul@example.com,Ja\x00ne\nok@example.com,Omar\n", encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("import_signups", str(path), "--status", "subscribed", stdout=stdout, stderr=stderr)

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["ok@example.com"]
    assert "line 2: a name holds a NUL character" in stderr.getvalue()
