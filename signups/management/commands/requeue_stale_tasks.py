"""``manage.py requeue_stale_tasks``: put abandoned and lost confirmation emails back on the queue."""

from django.core.management.base import BaseCommand

from signups.tasks import requeue_stale


class Command(BaseCommand):
    """Run :func:`signups.tasks.requeue_stale` once and report the counts on stdout.

    Periodic (``run_periodic``, or ``deploy/systemd/isha-requeue-stale-tasks.timer``);
    idempotent, so running it too often only costs two small queries.
    """

    help = (
        "Make confirmation emails left running by a killed worker (older than "
        "SIGNUP_TASK_STALE_SECONDS) ready again, and queue the confirmation of pending "
        "subscribers who have no task waiting."
    )

    def handle(self, *args, **options):
        requeued, enqueued = requeue_stale()
        self.stdout.write(f"{requeued} abandoned task(s) made ready again, {enqueued} lost email(s) queued.")
