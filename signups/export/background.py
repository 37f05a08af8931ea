"""Exports made in the background: above ``SIGNUP_EXPORT_BACKGROUND_ROWS`` rows the admin
queues a ``django.tasks`` task instead of streaming, so no web worker runs past its timeout.

Life of a job (:class:`~signups.models.ExportJob`): :func:`start` records it (queued) and
enqueues :func:`make_export` once the request's transaction commits; the task claims it
(running), writes the file into the private ``signup_exports`` storage under a temporary
name while reporting progress every :data:`PROGRESS_SECONDS`, renames it, logs the export
(:class:`~signups.models.ExportLog`) and marks it done, with an expiry time
(``SIGNUP_EXPORT_KEEP_HOURS``). Any failure (a full disk, the database gone) marks it
failed with a message saying what happened; a worker killed mid-way leaves a job whose
progress stops, which :func:`fail_stale` (run by the export page and by ``manage.py
expire_exports``) marks failed after ``SIGNUP_EXPORT_STALE_SECONDS``. Nothing stays
"running" for ever.

Erasure (:mod:`signups.erasure`) deletes every finished file made before it and fails the
jobs being made (they may have read the person already); the task only marks a job done
if it is still running, so a job failed by an erasure never becomes downloadable.
"""

import contextlib
import errno
import logging
import pickle
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import FileSystemStorage, storages
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.tasks import task
from django.utils import timezone

from ..models import ExportJob, Subscriber
from ..routing import reporting_database
from .audit import log_export
from .queries import count, rows
from .writers import TooManyRows, check_xlsx, csv_chunks, write_xlsx

logger = logging.getLogger(__name__)

State = ExportJob.State
PROGRESS_SECONDS = 2
# How often (in rows) the clock is read to see whether progress is due.
PROGRESS_EVERY_ROWS = 1000
# Finished jobs stay listed (without their file) this long after they expire.
LISTED_FOR = timedelta(days=7)


class Cancelled(Exception):
    """The job is no longer running (an erasure failed it): stop and keep nothing."""


def storage() -> FileSystemStorage:
    """The private storage of export files (``STORAGES["signup_exports"]``)."""
    store = storages["signup_exports"]
    assert isinstance(store, FileSystemStorage)  # the worker writes a local file, then renames it
    return store


def in_background(row_count: int) -> bool:
    """True if an admin export of ``row_count`` rows should be made in the background."""
    return row_count > int(settings.SIGNUP_EXPORT_BACKGROUND_ROWS)


def start(
    queryset: QuerySet[Subscriber],
    *,
    user: AbstractBaseUser,
    via: str,
    format: str,
    preset: str,
    include_source: bool,
    bom: bool,
    filters: Mapping[str, Any],
    total: int,
) -> ExportJob:
    """Record a background export of ``queryset`` for ``user`` and queue it; returns the job.

    ``filters`` are recorded as the export log records them (addresses masked); ``total``
    is the row count shown while it is made. The task is enqueued when the current
    transaction commits (at once in autocommit).
    """
    from .audit import recorded_filters

    job = ExportJob.objects.create(
        user_id=user.pk,  # by id: any user model (AUTH_USER_MODEL)
        via=via,
        format=format,
        preset=getattr(preset, "name", preset),
        include_source=include_source,
        bom=bom,
        filters=recorded_filters(filters),
        query=pickle.dumps(queryset.query),
        rows_total=total,
    )
    transaction.on_commit(lambda: make_export.enqueue(job_id=job.pk))
    return job


@task
def make_export(*, job_id: int) -> str:
    """Make background export ``job_id``; returns ``"done"``, ``"failed"`` or ``"skipped"``.

    A keyword argument, so the erasure's clean-up of task rows (which matches a
    subscriber's id as the first argument) never takes an export's. Never raises: a
    failure is the job's state and message, shown to the staff member.
    """
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return "skipped"
    job = ExportJob.objects.get(pk=job_id)
    part = Path(storage().path(f"{job.pk}-{secrets.token_hex(8)}.part"))
    try:
        return _finish(job, _write(job, part))
    except Exception as exc:  # any failure must end in a clear state, never "running"
        for leftover in (part, part.with_suffix(f".{job.format}")):
            with contextlib.suppress(OSError):  # the folder itself may be what failed
                leftover.unlink(missing_ok=True)
        if not isinstance(exc, Cancelled):
            logger.exception("Background export %s failed", job_id)
            _fail(job_id, describe(exc))
        return "failed"


def _write(job: ExportJob, part: Path) -> str:
    """Write ``job``'s file to ``part``, then rename it; return its name in the storage."""
    # From the read replica when there is one (issue 16); the job's row is written to the primary.
    queryset = Subscriber.objects.using(reporting_database())
    queryset.query = pickle.loads(job.query)  # written by start(), never from a request
    total = count(queryset, job.preset)
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    data = _progress(job.pk, rows(queryset, job.preset, include_source=job.include_source))
    part.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if job.format == "xlsx":
        check_xlsx(total)
        write_xlsx(data, part)
    else:
        with part.open("w", encoding="utf-8", newline="") as file:
            for chunk in csv_chunks(data, bom=job.bom):
                file.write(chunk)
    name = part.with_suffix(f".{job.format}").name
    part.rename(part.with_name(name))
    return name


def _progress(job_id: int, data: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """``data`` as it is, recording the rows passed on every :data:`PROGRESS_SECONDS`.

    Raises :class:`Cancelled` when the job is no longer running (failed by an erasure).
    """
    last = timezone.now()
    done = -1  # the header is not a row
    for done, row in enumerate(data, start=-1):
        yield row
        if done % PROGRESS_EVERY_ROWS == 0 and (timezone.now() - last).total_seconds() >= PROGRESS_SECONDS:
            last = timezone.now()
            if not ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(
                rows_done=done + 1, heartbeat_at=last
            ):
                raise Cancelled
    ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(rows_done=max(done + 1, 0))


def _finish(job: ExportJob, name: str) -> str:
    """Log the export and mark ``job`` done, unless it stopped running meanwhile."""
    path = Path(storage().path(name))
    now = timezone.now()
    with transaction.atomic():
        finished = ExportJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
            state=State.DONE,
            finished_at=now,
            heartbeat_at=now,
            expires_at=now + timedelta(hours=settings.SIGNUP_EXPORT_KEEP_HOURS),
            file_name=name,
            file_size=path.stat().st_size,
            query=b"",
        )
        if finished:
            done = ExportJob.objects.get(pk=job.pk)
            entry = log_export(
                via=job.via,
                format=job.format,
                preset=job.preset,
                filters=job.filters,
                row_count=done.rows_done,
                include_source=job.include_source,
                user=job.user,
            )
            ExportJob.objects.filter(pk=job.pk).update(log=entry)
    if not finished:
        path.unlink(missing_ok=True)
        return "failed"
    return "done"


def describe(exc: BaseException) -> str:
    """What to tell the staff member about a failed export (no personal data)."""
    if isinstance(exc, TooManyRows):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "The disk that holds exports is full. Ask an administrator to free space, then export again."
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        return f"The export file could not be written ({reason}). Export again later."
    if isinstance(exc, DatabaseError):
        return "The database could not be read while the export was made. Export again later."
    return (
        f"The export failed ({type(exc).__name__}). Export again; if it fails again, tell an administrator."
    )


def _fail(job_id: int, message: str) -> None:
    try:
        ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(
            state=State.FAILED, finished_at=timezone.now(), message=message, query=b""
        )
    except DatabaseError:
        # The database is gone: the job keeps "running" until fail_stale() sees no progress.
        logger.exception("Could not record the failure of background export %s", job_id)


def fail_stale(now: datetime | None = None) -> int:
    """Mark failed the jobs a stopped worker left; returns how many.

    Running jobs without progress for ``SIGNUP_EXPORT_STALE_SECONDS``, and queued jobs
    no worker took within ``SIGNUP_EXPORT_KEEP_HOURS``. ``now``: an aware datetime.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.SIGNUP_EXPORT_STALE_SECONDS)
    stopped = ExportJob.objects.filter(state=State.RUNNING, heartbeat_at__lt=stale).update(
        state=State.FAILED,
        finished_at=now,
        query=b"",
        message="The export stopped making progress (its worker was stopped or restarted). Export again.",
    )
    waited = now - timedelta(hours=settings.SIGNUP_EXPORT_KEEP_HOURS)
    never = ExportJob.objects.filter(state=State.QUEUED, created_at__lt=waited).update(
        state=State.FAILED,
        finished_at=now,
        query=b"",
        message="No worker took the export up in time (is db_worker running?). Export again.",
    )
    return stopped + never


def delete_files(jobs: QuerySet[ExportJob], message: str) -> int:
    """Delete the files of ``jobs`` and mark them deleted with ``message``; returns how many.

    The files go when the current transaction commits, so a rolled-back erasure keeps them.
    """
    names = list(jobs.exclude(file_name="").values_list("file_name", flat=True))
    changed = jobs.update(state=State.DELETED, file_name="", message=message)

    def remove() -> None:
        for name in names:
            storage().delete(name)

    transaction.on_commit(remove)
    return changed


def expire(now: datetime | None = None) -> tuple[int, int]:
    """Delete expired files and forget long-finished jobs; returns ``(files, rows)``.

    Also deletes any file in the folder that no finished job owns and that has not been
    written to for longer than a stale job: a killed worker's ``.part`` file, or a file
    renamed just before its worker was killed, whose job never recorded it.
    """
    now = now or timezone.now()
    files = delete_files(
        ExportJob.objects.filter(state=State.DONE, expires_at__lte=now),
        f"Deleted {settings.SIGNUP_EXPORT_KEEP_HOURS} hours after it was made.",
    )
    old = now - LISTED_FOR
    forgotten, _ = ExportJob.objects.filter(
        Q(state__in=(State.FAILED, State.DELETED)), Q(finished_at__lt=old) | Q(expires_at__lt=old)
    ).delete()
    folder = Path(storage().location)
    cutoff = (now - timedelta(seconds=settings.SIGNUP_EXPORT_STALE_SECONDS)).timestamp()
    if folder.is_dir():
        owned = set(ExportJob.objects.filter(state=State.DONE).values_list("file_name", flat=True))
        for path in folder.iterdir():
            if path.is_file() and path.name not in owned and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
    return files, forgotten
