"""Periodic work, one way for the whole project: management commands run when they are due.

Apps register their periodic commands in ``AppConfig.ready()`` with :func:`register`
(this module knows no app). ``manage.py run_periodic``, started every minute by a
scheduler (``deploy/systemd/isha-periodic.timer``, cron, or a loop in a container), runs
each registered command that is due and records it in :class:`isha.models.PeriodicRun`.

Claiming a run is one conditional ``UPDATE`` on that row, so when several hosts start
``run_periodic`` at the same minute each command runs once; a command still running when
the next minute comes is not started twice. A command that fails is logged, recorded and
tried again after :data:`RETRY_AFTER_FAILURE` (or its own interval, if shorter); the
others still run.
"""

import logging
import traceback
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

RETRY_AFTER_FAILURE = timedelta(minutes=5)


@dataclass(frozen=True)
class PeriodicCommand:
    """``manage.py <name> <args...>`` every ``every``; ``enabled`` (a callable taking no
    argument) may say it does not apply to this configuration, and ``description`` says
    why it runs (shown by ``run_periodic --list``)."""

    name: str
    every: timedelta
    args: tuple[str, ...] = ()
    description: str = ""
    enabled: object = field(default=None, compare=False)

    def applies(self):
        return self.enabled is None or bool(self.enabled())


_registry: dict[str, PeriodicCommand] = {}


def register(name, *, every, args=(), description="", enabled=None):
    """Run management command ``name`` (with the strings ``args``) every ``every`` (a
    ``timedelta`` of at least a minute, the scheduler's step); ``enabled`` is an optional
    callable returning False when the command does not apply (checked at each run).
    Registering a name again replaces it. Returns the :class:`PeriodicCommand`."""
    if every < timedelta(minutes=1):
        raise ValueError("Periodic commands run at most once a minute (run_periodic's step).")
    command = PeriodicCommand(name, every, tuple(args), description, enabled)
    _registry[name] = command
    return command


def registered():
    """The registered :class:`PeriodicCommand` objects, by name."""
    return [_registry[name] for name in sorted(_registry)]


def _claim(command, now):
    """True if this process may run ``command`` now: it was due, and is now marked as
    not due before ``now + command.every`` (one ``UPDATE``: exactly one claimant wins)."""
    from isha.models import PeriodicRun

    PeriodicRun.objects.get_or_create(name=command.name)
    return bool(
        PeriodicRun.objects.filter(
            Q(next_due_at__isnull=True) | Q(next_due_at__lte=now), name=command.name
        ).update(next_due_at=now + command.every, last_started_at=now)
    )


def run_due(*, now=None, force=False, only=(), stdout=None, stderr=None):
    """Run every registered, applicable command that is due at ``now`` (an aware
    datetime, default the present; ``force`` runs them whether due or not, ``only`` limits
    to those names). Returns ``[(name, "ok" | "failed" | "not due" | "off")]`` in name
    order. Never raises for a failing command: it is logged with its traceback and
    recorded on its :class:`~isha.models.PeriodicRun` row."""
    from isha.models import PeriodicRun

    now = now or timezone.now()
    outcomes = []
    for command in registered():
        if only and command.name not in only:
            continue
        if not command.applies():
            outcomes.append((command.name, "off"))
            continue
        if not force and not _claim(command, now):
            outcomes.append((command.name, "not due"))
            continue
        if force:
            PeriodicRun.objects.update_or_create(
                name=command.name, defaults={"next_due_at": now + command.every, "last_started_at": now}
            )
        outcomes.append((command.name, _run(command, now, stdout=stdout, stderr=stderr)))
    return outcomes


def _run(command, now, *, stdout, stderr):
    from isha.models import PeriodicRun

    row = PeriodicRun.objects.filter(name=command.name)
    try:
        call_command(command.name, *command.args, stdout=stdout, stderr=stderr)
    except Exception as exc:  # one failing command must not stop the others
        logger.exception("Periodic command %s failed", command.name)
        error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
        retry_at = timezone.now() + min(command.every, RETRY_AFTER_FAILURE)
        row.update(last_finished_at=timezone.now(), last_ok=False, last_error=error, next_due_at=retry_at)
        return "failed"
    row.update(last_finished_at=timezone.now(), last_ok=True, last_error="")
    return "ok"
