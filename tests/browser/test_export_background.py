"""A Marketing user starts an export too large to stream, watches its progress, downloads it.

The task queue is django.tasks' dummy backend here, so the export waits as it would for
``db_worker``; the test then plays the worker: it records progress as the task does and
runs the task itself. The page's script (under the admin's CSP nonce) must show both
without a reload by hand.
"""

import csv
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from signups.export import background
from signups.models import ExportJob
from tests.factories import ConfirmedSubscriberFactory

from .admin_pages import control_the_clock, signed_in, staff_user

#: ms between two questions the progress page asks the server (EVERY_MS in
#: signups/static/signups/admin/export-progress.js).
POLL_MS = 2000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def marketing(live_server, settings, tmp_path):
    settings.ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA = False
    settings.SIGNUP_EXPORT_BACKGROUND_ROWS = 2
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "signup_exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "exports"},
        },
    }
    return staff_user("mia", "Marketing")


def test_a_big_export_is_followed_and_downloaded(browser, live_server, marketing):
    for email in ("ana@example.com", "bo@example.com", "cy@example.com", "di@example.com"):
        ConfirmedSubscriberFactory(email=email)
    problems = []
    page = signed_in(browser, live_server, marketing, problems)
    control_the_clock(page)  # the page's next question is asked when the test moves the clock

    page.goto(live_server.url + "/admin/signups/subscriber/")
    page.get_by_role("link", name="Export", exact=True).click()
    page.get_by_label("CSV (any size; opens in Excel)").check()
    page.get_by_role("button", name="Export").click()

    expect(page.get_by_text("4 rows are too many to download at once")).to_be_visible()
    row = page.locator("tr[data-job]")
    expect(row).to_contain_text("Waiting for a worker")
    progress = row.locator("progress")
    expect(progress).to_have_attribute("value", "0")

    job = ExportJob.objects.get()
    # What the worker records as it goes (signups.export.background._progress)...
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), rows_done=2
    )
    page.clock.run_for(POLL_MS)
    expect(row.locator(".job-rows")).to_have_text("2 of 4 rows")
    expect(progress).to_have_attribute("value", "50")
    # ...and the task itself, to the end.
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.QUEUED)
    assert background.make_export.call(job_id=job.pk) == "done"
    page.clock.run_for(POLL_MS)

    link = page.get_by_role("link", name="Download")
    expect(link).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "100")
    with page.expect_download() as download:
        link.click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    emails = sorted(row["Email"] for row in csv.DictReader(io.StringIO(body)))
    assert emails == ["ana@example.com", "bo@example.com", "cy@example.com", "di@example.com"]
    assert download.value.suggested_filename.startswith("signups-full-")
    assert problems == []
