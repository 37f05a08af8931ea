"""The change export since a given export (issue 14, "Keeping the mailing tool in step")."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Topic
from signups import erasure, lifecycle
from signups.models import ExportLog
from signups.preferences import set_topics
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("export_signups", "--no-bom", *args, stdout=stdout, stderr=stderr)
    return list(csv.DictReader(io.StringIO(stdout.getvalue()))), stderr.getvalue()


def confirmed(email):
    person = SubscriberFactory(email=email)
    assert lifecycle.confirm(person, person.confirmation_nonce)
    person.refresh_from_db()
    return person


def test_changes_since_an_export_list_new_changed_and_unsubscribed_and_count_the_erased():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ann, bea, cid = (
            confirmed("ann@example.com"),
            confirmed("bea@example.com"),
            confirmed("cid@example.com"),
        )
        rows, _ = run("--preset", "mailchimp")
        assert len(rows) == 3
        full = ExportLog.objects.get()

        traveller.shift(timedelta(days=1))
        confirmed("dee@example.com")
        SubscriberFactory(email="eve@example.com")  # pending: never in the mailing tool
        assert lifecycle.unsubscribe(ann)
        erasure.erase(bea)
        # Cid chooses a newsletter topic on the manage page.
        assert set_topics(cid, [Topic.objects.create(name="Sleep", slug="sleep", newsletter=True)])

        traveller.shift(timedelta(hours=1))
        rows, err = run("--preset", "mailchimp", "--changes-since", "last")
        assert sorted((r["Email Address"], r["Status"], r["Change"]) for r in rows) == [
            ("ann@example.com", "unsubscribed", "unsubscribed"),
            ("cid@example.com", "subscribed", "changed"),
            ("dee@example.com", "subscribed", "new"),
        ]
        assert "1 people were erased since that export" in err
        log = ExportLog.objects.latest("created_at")
        assert (log.preset, log.row_count, log.filters["changes_since"]) == ("mailchimp-changes", 3, full.pk)

        # One file per Mailchimp import status.
        rows, _ = run("--preset", "mailchimp", "--changes-since", str(full.pk), "--change", "unsubscribed")
        assert [r["Email Address"] for r in rows] == ["ann@example.com"]

        # Ghost reads subscribed_to_emails per row: one file for every kind.
        rows, _ = run("--preset", "ghost", "--changes-since", str(full.pk))
        assert {r["email"]: r["subscribed_to_emails"] for r in rows} == {
            "dee@example.com": "true",
            "ann@example.com": "false",
            "cid@example.com": "true",
        }

        traveller.shift(timedelta(hours=1))
        rows, err = run("--preset", "mailchimp", "--changes-since", "last")
        assert rows == [] and "Done: 0 changes" in err and "erased" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--preset", "mailchimp", "--changes-since", "999"), "No export '999'"),
        (("--preset", "mailchimp", "--changes-since", "last"), "make a full export in this layout first"),
        (("--preset", "mailchimp", "--changes-since", "yesterday"), "is not an export number"),
        (("--preset", "full", "--changes-since", "last"), "--preset mailchimp or --preset ghost"),
        (("--preset", "ghost", "--changes-since", "1", "--change", "gone"), "Unknown change 'gone'"),
        (("--preset", "ghost", "--change", "new"), "--change needs --changes-since"),
    ],
)
def test_a_bad_change_export_says_what_to_fix(args, message):
    ExportLog.objects.create(via="command", format="csv", preset="ghost")
    ExportLog.objects.filter(preset="ghost").update(id=1)
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_marketing_exports_the_changes_from_the_admin(client, django_user_model):
    from django.urls import reverse

    from tests.signups.conftest import staff_in

    client.force_login(staff_in("Marketing", django_user_model))
    url = reverse("admin:signups_subscriber_export_changes")
    assert "make a full export first" in client.get(url).content.decode()
    assert url in client.get(reverse("admin:signups_subscriber_export")).content.decode()

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ann = confirmed("ann@example.com")
        full = ExportLog.objects.create(via="admin", format="csv", preset="mailchimp", row_count=1)
        traveller.shift(timedelta(days=1))
        assert lifecycle.unsubscribe(ann)
        confirmed("bea@example.com")
        erasure.erase(confirmed("cid@example.com"))

        page = client.get(url).content.decode()
        assert f"#{full.pk}:" in page and "mailchimp" in page
        response = client.post(
            url, {"preset": "mailchimp", "since": "nonsense", "kinds": ["new"], "format": "csv"}
        )
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()

        response = client.post(
            url,
            {"preset": "mailchimp", "since": full.pk, "kinds": ["unsubscribed"], "format": "csv", "bom": ""},
        )
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(r["Email Address"], r["Status"], r["Change"]) for r in rows] == [
            ("ann@example.com", "unsubscribed", "unsubscribed")
        ]
        assert "mailchimp-changes" in response["Content-Disposition"]
        log = ExportLog.objects.latest("created_at")
        assert (log.preset, log.filters["changes_since"], log.row_count) == ("mailchimp-changes", full.pk, 1)
        assert "1 person was erased since that export" in client.get(url).content.decode()
