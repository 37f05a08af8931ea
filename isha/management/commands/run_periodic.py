"""``manage.py run_periodic``: run the periodic commands that are due (start it every minute)."""

from django.core.management.base import BaseCommand, CommandError

from isha import periodic


class Command(BaseCommand):
    """Run each periodic command registered with :func:`isha.periodic.register` that is
    due, one after the other, and print one line per command (``ok``, ``failed``, ``not
    due`` or ``off``). Exits with an error (status 1) if any command failed, after running
    the others. ``--list`` shows the schedule and runs nothing; ``--force`` runs every
    command now; ``--only NAME`` (repeatable) limits the run to those commands.

    Meant for a scheduler that starts it every minute: systemd
    (``deploy/systemd/isha-periodic.timer``), cron (``* * * * * cd /srv/isha &&
    .venv/bin/python manage.py run_periodic``) or a container's loop. Safe to start on
    several hosts at once: each due command runs on one of them.
    """

    help = "Run the periodic commands that are due (start it every minute)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", dest="show_list", help="Show the registered commands and stop."
        )
        parser.add_argument("--force", action="store_true", help="Run every command now, due or not.")
        parser.add_argument("--only", action="append", default=[], metavar="NAME", help="Run only NAME.")

    def handle(self, *args, show_list=False, force=False, only=(), **options):
        known = {command.name for command in periodic.registered()}
        unknown = sorted(set(only) - known)
        if unknown:
            raise CommandError(f"Not a periodic command: {', '.join(unknown)} (see --list).")
        if show_list:
            for command in periodic.registered():
                every = int(command.every.total_seconds())
                self.stdout.write(f"{command.name} every {every} s: {command.description}")
            return
        outcomes = periodic.run_due(force=force, only=only, stdout=self.stdout, stderr=self.stderr)
        for name, outcome in outcomes:
            self.stdout.write(f"{name}: {outcome}")
        failed = [name for name, outcome in outcomes if outcome == "failed"]
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)} (details in the log).")
