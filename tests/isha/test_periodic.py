"""Periodic work runs one way: ``run_periodic`` runs each registered command when it is
due, once, whoever else starts it; the schedule is tested with the time moved forward."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.utils import timezone

from isha import periodic
from isha.models import PeriodicRun

pytestmark = pytest.mark.django_db

SYSTEMD = Path(settings.BASE_DIR) / "deploy" / "systemd"


def run_periodic(*args):
    out = io.StringIO()
    call_command("run_periodic", *args, stdout=out, stderr=io.StringIO())
    return dict(re.findall(r"^(\w+): (ok|failed|not due|off)$", out.getvalue(), re.MULTILINE))


def later(**delta):
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def test_every_registered_command_exists_and_each_app_registered_its_own():
    names = {command.name for command in periodic.registered()}
    assert {"clearsessions", "requeue_stale_tasks", "prune_db_task_results"} <= names
    assert names <= set(get_commands())


def test_each_command_runs_when_due_and_not_before(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    first = run_periodic()
    assert first["requeue_stale_tasks"] == first["clearsessions"] == first["prune_db_task_results"] == "ok"

    assert set(run_periodic().values()) == {"not due"}
    with later(minutes=5, seconds=1):
        again = run_periodic()
    assert again["requeue_stale_tasks"] == "ok" and again["clearsessions"] == "not due"
    with later(days=1, seconds=1):
        assert set(run_periodic().values()) == {"ok"}


def test_the_commands_really_run(settings):
    expired = Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    run_periodic("--only", "clearsessions")
    assert not Session.objects.filter(pk=expired.pk).exists()


def test_a_command_that_does_not_apply_is_off():
    # Development's immediate task backend has no table of results to prune.
    assert run_periodic()["prune_db_task_results"] == "off"


def test_a_failing_command_is_reported_the_others_still_run_and_it_is_tried_again_soon(monkeypatch):
    monkeypatch.setitem(
        periodic._registry, "broken", periodic.PeriodicCommand("no_such_command", timedelta(days=1))
    )
    with pytest.raises(CommandError, match="Failed: no_such_command"):
        call_command("run_periodic", stdout=io.StringIO(), stderr=io.StringIO())

    row = PeriodicRun.objects.get(name="no_such_command")
    assert row.last_ok is False and "no_such_command" in row.last_error
    assert PeriodicRun.objects.get(name="requeue_stale_tasks").last_ok is True
    with later(minutes=5, seconds=1), pytest.raises(CommandError):
        call_command("run_periodic", "--only", "no_such_command", stdout=io.StringIO())


def test_two_schedulers_starting_at_once_run_each_command_once():
    command = periodic.registered()[0]
    now = timezone.now()
    assert periodic._claim(command, now) is True
    assert periodic._claim(command, now) is False


def test_list_and_force_and_unknown_names():
    out = io.StringIO()
    call_command("run_periodic", "--list", stdout=out)
    assert "requeue_stale_tasks every 300 s" in out.getvalue()
    assert not PeriodicRun.objects.exists()
    run_periodic()
    assert run_periodic("--force", "--only", "requeue_stale_tasks") == {"requeue_stale_tasks": "ok"}
    with pytest.raises(CommandError, match="Not a periodic command: nothing"):
        call_command("run_periodic", "--only", "nothing")
    with pytest.raises(ValueError, match="at most once a minute"):
        periodic.register("clearsessions", every=timedelta(seconds=30))


def test_the_systemd_units_start_run_periodic_every_minute_and_the_worker():
    timer = (SYSTEMD / "isha-periodic.timer").read_text()
    assert "OnCalendar=*-*-* *:*:00" in timer and "Persistent=true" in timer
    service = (SYSTEMD / "isha-periodic.service").read_text()
    assert re.search(r"^ExecStart=.* manage\.py run_periodic$", service, re.MULTILINE)
    assert "Type=oneshot" in service
    worker = (SYSTEMD / "isha-worker.service").read_text()
    assert re.search(r"^ExecStart=.* manage\.py db_worker", worker, re.MULTILINE)
