"""The project's own table: when each periodic command last ran (:mod:`isha.periodic`)."""

from django.db import models


class PeriodicRun(models.Model):
    """One registered periodic command's schedule and last outcome.

    ``next_due_at`` is when ``run_periodic`` may run it again (empty: at once); it is
    moved forward by the run that claims it, before the command starts.
    """

    name = models.CharField("command", max_length=100, unique=True)
    next_due_at = models.DateTimeField("next due", null=True, blank=True)
    last_started_at = models.DateTimeField("last started", null=True, blank=True)
    last_finished_at = models.DateTimeField("last finished", null=True, blank=True)
    last_ok = models.BooleanField("last run succeeded", null=True)
    last_error = models.TextField("last error", blank=True)

    class Meta:
        verbose_name = "periodic command run"

    def __str__(self):
        return self.name
