"""``manage.py import_signups``: Mailchimp audience exports and plain lists (issue 6)."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from signups.erasure import erase_address
from signups.models import SignupEvent, Subscriber
from tests.factories import ConfirmedSubscriberFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

Status = Subscriber.Status
MAILCHIMP_HEADER = (
    "Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,"
    "LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS"
)


def mailchimp_file(tmp_path, rows, name="subscribed_members_export_3f2a.csv", header=MAILCHIMP_HEADER):
    """A Mailchimp audience export: ``rows`` are (email, first, last, optin_time, confirm_time)."""
    lines = [header]
    for email, first, last, optin, confirm in rows:
        lines.append(f"{email},{first},{last},2,{optin},,{confirm},,,,,,,,,{confirm},1,abc,,")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(path, *args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_signups", str(path), *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


JANE = ("jane@example.com", "Jane", "Doe", "2019-03-08 14:16:36", "2019-03-08 14:20:01")


def test_a_subscribed_export_becomes_confirmed_subscribers_with_their_original_times(tmp_path, mailoutbox):
    out, _ = run(mailchimp_file(tmp_path, [JANE]))

    jane = Subscriber.objects.get()
    assert (jane.email, jane.first_name, jane.last_name, jane.status) == (
        "jane@example.com",
        "Jane",
        "Doe",
        "confirmed",
    )
    assert jane.created_at == datetime(2019, 3, 8, 14, 16, 36, tzinfo=UTC)
    assert jane.confirmed_at == datetime(2019, 3, 8, 14, 20, 1, tzinfo=UTC)
    assert jane.import_source == "import: subscribed_members_export_3f2a.csv"
    assert jane.events.get().kind == SignupEvent.Kind.IMPORTED
    assert mailoutbox == []
    assert "1 rows: 1 added" in out


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = mailchimp_file(tmp_path, [JANE, ("omar@example.org", "Omar", "", "2020-01-01 00:00:00", "")])
    run(path)
    before = list(Subscriber.objects.order_by("pk").values())

    out, _ = run(path)

    assert list(Subscriber.objects.order_by("pk").values()) == before
    assert SignupEvent.objects.count() == 2
    assert "0 added, 0 updated, 2 unchanged" in out


def test_an_unsubscribed_export_unsubscribes_and_a_cleaned_one_marks_bounced(tmp_path):
    ConfirmedSubscriberFactory(email="jane@example.com")
    unsubscribed = tmp_path / "unsubscribed_members_export_1.csv"
    unsubscribed.write_text(
        "Email Address,UNSUB_TIME\njane@example.com,2024-05-01 10:00:00\nnew@example.com,\n"
    )
    cleaned = tmp_path / "cleaned_members_export_1.csv"
    cleaned.write_text("Email Address,CLEAN_TIME\nbounce@example.com,2024-05-01 10:00:00\n")

    run(unsubscribed)
    run(cleaned)

    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        "jane@example.com": "unsubscribed",
        "new@example.com": "unsubscribed",
        "bounce@example.com": "bounced",
    }
    assert Subscriber.objects.get(email="jane@example.com").unsubscribed_at == datetime(
        2024, 5, 1, 10, tzinfo=UTC
    )


def test_the_import_never_brings_back_an_unsubscribed_person(tmp_path):
    SubscriberFactory(email="jane@example.com", status=Status.UNSUBSCRIBED, first_name="")

    _, err = run(mailchimp_file(tmp_path, [JANE]))

    jane = Subscriber.objects.get()
    assert jane.status == Status.UNSUBSCRIBED
    assert jane.first_name == ""
    assert not jane.events.exists()
    assert "line 2: unsubscribed: left as it is" in err


def test_the_import_never_adds_an_erased_person_again(tmp_path):
    erase_address("Jane@Example.com")

    _, err = run(mailchimp_file(tmp_path, [JANE]))

    assert not Subscriber.objects.filter(email_normalized="jane@example.com").exists()
    assert "line 2: erased on request" in err


def test_an_address_starting_with_plus_is_refused_at_sign_up_and_at_import(tmp_path, sign_up):
    sign_up("+jane@example.com")
    path = tmp_path / "list.csv"
    path.write_text("email,first_name\n+jane@example.com,Jane\n=cmd@example.com,X\n\tjo@example.com,Jo\n")

    _, err = run(path, "--status", "subscribed")

    assert not Subscriber.objects.exists()
    assert "line 2: '+jane@example.com': an address cannot start with '+'" in err
    assert "line 3: '=cmd@example.com'" in err
    assert "line 4: '\\tjo@example.com'" in err


def test_bad_rows_are_reported_with_their_line_numbers_and_the_rest_imported(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        'email,first_name,status\nok@example.com,"Multi\nline",subscribed\nnot-an-address,x,subscribed\n'
        "who@example.com,x,transactional\nlate@example.com,x,subscribed\n"
    )

    out, err = run(path)

    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "late@example.com",
        "ok@example.com",
    ]
    assert "line 4: 'not-an-address' is not a valid email address" in err
    assert "line 5: unknown status 'transactional'" in err
    assert "2 with errors" in out


def test_a_formula_in_an_imported_name_is_kept_as_data(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text('email,first_name\njane@example.com,"=HYPERLINK(""http://x.example"",""y"")"\n')

    run(path, "--status", "subscribed")

    assert Subscriber.objects.get().first_name == '=HYPERLINK("http://x.example","y")'


def test_a_plain_list_with_a_bom_and_accents_is_read(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("\ufeffE-mail,First name\nzoe@example.fr,Zoë\n".encode())

    run(path, "--status", "subscribed")

    assert Subscriber.objects.get().first_name == "Zoë"


def test_a_dry_run_saves_nothing(tmp_path):
    out, _ = run(mailchimp_file(tmp_path, [JANE]), "--dry-run")

    assert out.startswith("Dry run, nothing saved: 1 rows: 1 added")
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("name\nJane\n", [], "no email column"),
        ("email\njane@example.com\n", [], "does not say which list"),
        ("email\njane@example.com\n", ["--status", "vip"], "Unknown status 'vip'"),
    ],
)
def test_files_that_cannot_be_imported_are_explained(tmp_path, content, args, message):
    path = tmp_path / "list.csv"
    path.write_text(content)

    with pytest.raises(CommandError, match=message):
        run(path, *args)


def test_a_missing_or_non_utf8_file_is_explained_without_a_traceback(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "nope.csv")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("email,first_name\nzoe@example.fr,Zo\xeb\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(latin1, "--status", "subscribed")
