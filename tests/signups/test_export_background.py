"""Exports above SIGNUP_EXPORT_BACKGROUND_ROWS: made in the background, followed, downloaded, deleted."""

import csv
import io
import os
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from signups.erasure import erase
from signups.export import background
from signups.models import ExportJob, ExportLog, Subscriber
from tests.factories import ConfirmedSubscriberFactory, SubscriberFactory

from .conftest import staff_in

pytestmark = pytest.mark.django_db

State = ExportJob.State
EXPORT_URL = reverse("admin:signups_subscriber_export")
JOBS_URL = reverse("admin:signups_subscriber_export_jobs")
STATUS_URL = reverse("admin:signups_subscriber_export_status")
CSV_FORM = {"format": "csv", "preset": "full", "bom": "on"}


def download_url(job):
    return reverse("admin:signups_subscriber_export_download", args=[job.pk])


@pytest.fixture(autouse=True)
def export_folder(settings, tmp_path):
    """Exports go to a folder of this test, in the background above three rows."""
    folder = tmp_path / "exports"
    settings.STORAGES = {
        **settings.STORAGES,
        "signup_exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }
    settings.SIGNUP_EXPORT_BACKGROUND_ROWS = 3
    return folder


@pytest.fixture
def people():
    return [
        ConfirmedSubscriberFactory(email="jane@example.com", first_name="=HYPERLINK()"),
        ConfirmedSubscriberFactory(email="zoe@example.org", first_name="Zoë 花子"),
        SubscriberFactory(email="jan@example.com"),
        SubscriberFactory(email="omar@example.com", status=Subscriber.Status.UNSUBSCRIBED),
    ]


@pytest.fixture
def export(marketing_client, django_capture_on_commit_callbacks):
    """POST the export form (the task runs at once: the immediate backend) and return the job."""

    def post(form=CSV_FORM, query="", client=marketing_client):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{EXPORT_URL}{query}", form)
        assert response.status_code == 302, response.content[:300]
        assert response["Location"] == JOBS_URL
        return ExportJob.objects.latest("pk")

    return post


def downloaded(client, job):
    response = client.get(download_url(job))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_a_list_within_the_threshold_still_streams_at_once(marketing_client, people, settings):
    settings.SIGNUP_EXPORT_BACKGROUND_ROWS = 4

    response = marketing_client.post(EXPORT_URL, CSV_FORM)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert not ExportJob.objects.exists()


def test_above_the_threshold_the_export_is_made_in_the_background_and_downloaded(
    marketing_client, people, export, export_folder
):
    job = export()

    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == (State.DONE, 4, 4)
    page = marketing_client.get(JOBS_URL)
    assert "4 rows are too many to download at once" in page.text
    assert '<progress max="100" value="100"' in page.text
    assert "4 of 4 rows" in page.text
    assert download_url(job) in page.text
    response, body = downloaded(marketing_client, job)
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="signups-full-{job.created_at:%Y%m%d-%H%M}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(row["Email"] for row in rows) == [p.email for p in sorted(people, key=lambda p: p.email)]
    assert {row["First name"] for row in rows} >= {"'=HYPERLINK()", "Zoë 花子"}
    # Kept in the private folder, not under the public media.
    assert (export_folder / job.file_name).exists()
    assert Path(django_settings.MEDIA_ROOT) not in (export_folder / job.file_name).parents


def test_a_background_xlsx_opens_with_the_filtered_rows(marketing_client, people, export):
    job = export({"format": "xlsx", "preset": "full"}, query="?q=example")

    _, body = downloaded(marketing_client, job)
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Email"
    assert sorted(row[0] for row in rows[1:]) == sorted(p.email for p in people)
    assert "'=HYPERLINK()" in [row[1] for row in rows]


def test_the_background_export_is_logged_like_any_other(people, export, settings):
    settings.SIGNUP_EXPORT_BACKGROUND_ROWS = 0
    job = export(query="?q=jane@example.com&status__exact=confirmed")

    job.refresh_from_db()
    assert (job.state, job.rows_done) == (State.DONE, 1)
    log = ExportLog.objects.get()
    assert job.log == log
    assert (log.user_name, log.format, log.preset, log.row_count) == (
        "marketing",
        "csv",
        "full",
        job.rows_done,
    )
    assert log.filters["q"] == "j***@example.com"


def test_progress_is_recorded_while_the_file_is_written(people, export, monkeypatch):
    monkeypatch.setattr(background, "PROGRESS_SECONDS", 0)
    monkeypatch.setattr(background, "PROGRESS_EVERY_ROWS", 1)
    seen = []
    original = background._progress

    def watching(job_id, data):
        for row in original(job_id, data):
            seen.append(ExportJob.objects.get(pk=job_id).rows_done)
            yield row

    monkeypatch.setattr(background, "_progress", watching)

    export()

    assert seen[1:] == sorted(seen[1:]) and seen[-1] > 0  # grows as rows are written
    assert ExportJob.objects.get().rows_done == 4


def test_a_running_export_shows_its_progress_and_a_polling_script(marketing_client, django_user_model):
    user = django_user_model.objects.get(username="marketing")
    job = ExportJob.objects.create(
        user=user,
        via="admin",
        format="csv",
        preset="full",
        query=b"",
        state=State.RUNNING,
        rows_total=200,
        rows_done=50,
        heartbeat_at=timezone.now(),
    )

    page = marketing_client.get(JOBS_URL)
    status = marketing_client.get(STATUS_URL).json()

    assert '<progress max="100" value="25"' in page.text
    assert "50 of 200 rows" in page.text
    assert "signups/admin/export-progress" in page.text and "nonce=" in page.text
    assert download_url(job) not in page.text
    assert status["jobs"] == [
        {
            "id": job.pk,
            "state": "running",
            "state_label": "being made",
            "rows_done": 50,
            "rows_total": 200,
            "percent": 25,
        }
    ]


def test_another_staff_member_cannot_see_or_download_the_file(people, export, django_user_model):
    job = export()
    colleague = Client()
    colleague.force_login(staff_in("Marketing", django_user_model, username="colleague"))

    assert colleague.get(download_url(job)).status_code == 404
    assert download_url(job) not in colleague.get(JOBS_URL).text
    assert colleague.get(STATUS_URL).json() == {"jobs": []}


def test_downloading_needs_the_export_permission(people, export, editor_client, marketing_client):
    job = export()

    assert editor_client.get(download_url(job)).status_code == 403
    assert Client().get(download_url(job)).status_code == 302  # to the login page
    user = ExportJob.objects.get().user
    user.groups.clear()
    assert marketing_client.get(download_url(job)).status_code == 403


def test_the_file_is_deleted_when_it_expires(
    marketing_client, people, export, export_folder, settings, django_capture_on_commit_callbacks
):
    settings.SIGNUP_EXPORT_KEEP_HOURS = 2
    job = export()
    job.refresh_from_db()
    path = export_folder / job.file_name
    assert job.expires_at - job.finished_at == timedelta(hours=2)

    later = job.expires_at + timedelta(minutes=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        call_command("expire_exports", stdout=io.StringIO())

    job.refresh_from_db()
    assert not path.exists()
    assert (job.state, job.file_name) == (State.DELETED, "")
    assert marketing_client.get(download_url(job)).status_code == 404
    assert "Deleted 2 hours after it was made." in marketing_client.get(JOBS_URL).text


def test_files_no_finished_export_owns_are_deleted_once_stale(people, export, export_folder, settings):
    settings.SIGNUP_EXPORT_STALE_SECONDS = 300
    job = export()
    job.refresh_from_db()
    # A worker killed after renaming its file, before its job recorded it; and one killed
    # while writing.
    orphans = [export_folder / "98-0123456789abcdef.csv", export_folder / "99-0123456789abcdef.part"]
    for orphan in orphans:
        orphan.write_text("Email\nana@example.com\n")
    fresh = export_folder / "100-0123456789abcdef.part"
    fresh.write_text("being written")
    written = (timezone.now() - timedelta(minutes=10)).timestamp()
    for path in [*orphans, export_folder / job.file_name]:
        os.utime(path, (written, written))

    background.expire()

    assert [path.exists() for path in orphans] == [False, False]
    assert (export_folder / job.file_name).exists() and fresh.exists()


def test_erasing_anyone_deletes_the_files_made_before(
    marketing_client, people, export, export_folder, django_capture_on_commit_callbacks
):
    job = export()
    job.refresh_from_db()
    path = export_folder / job.file_name

    with django_capture_on_commit_callbacks(execute=True):
        erase(people[0])

    job.refresh_from_db()
    assert not path.exists()
    assert job.state == State.DELETED
    assert "asked to be erased" in job.message
    assert marketing_client.get(download_url(job)).status_code == 404


def test_an_erasure_while_an_export_is_made_stops_it_and_keeps_no_file(
    people, export, export_folder, monkeypatch
):
    original = background._progress

    def erased_midway(job_id, data):
        for index, row in enumerate(original(job_id, data)):
            if index == 2:
                erase(people[1])
            yield row

    monkeypatch.setattr(background, "_progress", erased_midway)
    monkeypatch.setattr(background, "PROGRESS_SECONDS", 0)
    monkeypatch.setattr(background, "PROGRESS_EVERY_ROWS", 1)

    job = export()

    job.refresh_from_db()
    assert job.state == State.FAILED
    assert "asked to be erased" in job.message
    assert not list(export_folder.iterdir())
    assert not ExportLog.objects.exists()


def test_an_unwritable_folder_leaves_a_failed_export_with_the_reason(people, export, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the export folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "signup_exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "exports"},
        },
    }

    job = export()

    job.refresh_from_db()
    assert job.state == State.FAILED
    assert job.message.startswith("The export file could not be written (Not a directory)")
    assert job.query == b""  # the search it held is not kept


def test_a_full_disk_is_named_as_such():
    import errno

    assert "disk that holds exports is full" in background.describe(OSError(errno.ENOSPC, "No space left"))


def test_a_query_that_cannot_be_read_fails_the_export_with_a_message(marketing_client, django_user_model):
    user = django_user_model.objects.get(username="marketing")
    job = ExportJob.objects.create(user=user, via="admin", format="csv", preset="full", query=b"not a pickle")

    assert background.make_export.call(job_id=job.pk) == "failed"

    job.refresh_from_db()
    assert job.state == State.FAILED
    assert job.message.startswith("The export failed (UnpicklingError)")
    assert background.make_export.call(job_id=job.pk) == "skipped"  # never run twice


def test_an_export_left_by_a_killed_worker_is_failed_not_running_for_ever(
    marketing_client, django_user_model, settings
):
    settings.SIGNUP_EXPORT_STALE_SECONDS = 300
    user = django_user_model.objects.get(username="marketing")
    now = timezone.now()

    def running(last_heartbeat_minutes_ago):
        return ExportJob.objects.create(
            user=user,
            via="admin",
            format="csv",
            preset="full",
            query=b"x",
            state=State.RUNNING,
            rows_total=10,
            rows_done=3,
            started_at=now - timedelta(minutes=20),
            heartbeat_at=now - timedelta(minutes=last_heartbeat_minutes_ago),
        )

    left, alive = running(6), running(1)

    page = marketing_client.get(JOBS_URL)

    left.refresh_from_db()
    alive.refresh_from_db()
    assert left.state == State.FAILED and alive.state == State.RUNNING
    assert "its worker was stopped or restarted" in page.text


def test_a_queued_export_no_worker_takes_is_failed_after_the_keeping_time(
    marketing_client, django_user_model
):
    user = django_user_model.objects.get(username="marketing")
    job = ExportJob.objects.create(user=user, via="admin", format="csv", preset="full", query=b"x")

    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        call_command("expire_exports", stdout=io.StringIO())

    job.refresh_from_db()
    assert job.state == State.FAILED
    assert "is db_worker running?" in job.message


def test_an_xlsx_too_long_for_a_worksheet_is_refused_before_it_is_queued(
    marketing_client, people, monkeypatch
):
    monkeypatch.setattr("signups.export.writers.XLSX_MAX_ROWS", 3)

    response = marketing_client.post(EXPORT_URL, {"format": "xlsx", "preset": "full"})

    assert response.status_code == 200
    assert "4 rows do not fit in an Excel worksheet" in response.text
    assert not ExportJob.objects.exists()


def test_the_export_folder_may_not_be_under_public_media(settings):
    from signups.checks import check_export_folder

    settings.SIGNUP_EXPORT_DIR = Path(settings.MEDIA_ROOT) / "exports"

    [error] = check_export_folder()

    assert error.id == "signups.E003"


@pytest.mark.faults
def test_the_database_going_away_mid_export_ends_failed_not_running(
    database_outage, export_folder, django_user_model, monkeypatch, settings
):
    import pickle

    for number in range(5):
        ConfirmedSubscriberFactory(email=f"p{number}@example.com")
    user = staff_in("Marketing", django_user_model)
    job = ExportJob.objects.create(
        user=user,
        via="admin",
        format="csv",
        preset="full",
        query=pickle.dumps(Subscriber.objects.all().query),
    )
    monkeypatch.setattr(background, "PROGRESS_SECONDS", 0)
    monkeypatch.setattr(background, "PROGRESS_EVERY_ROWS", 1)
    original = background._progress

    def outage_midway(job_id, data):
        for index, row in enumerate(original(job_id, data)):
            if index == 2:
                database_outage.stop()
            yield row

    monkeypatch.setattr(background, "_progress", outage_midway)

    assert background.make_export.call(job_id=job.pk) == "failed"

    database_outage.start()
    assert not list(export_folder.iterdir())  # the partial file is gone
    job.refresh_from_db()
    assert job.state == State.RUNNING  # the failure could not be recorded with the database away...
    settings.SIGNUP_EXPORT_STALE_SECONDS = 60
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert background.fail_stale() == 1  # ...so it is failed once its progress is stale
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert "stopped making progress" in job.message
