"""``manage.py export_signups``: the admin's export, from the command line (scheduled jobs)."""

import os
import shutil
import sys
import tempfile
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.models import Article
from signups import export
from signups.models import ExportLog, Subscriber

STATUSES = [value for value, _label in Subscriber.Status.choices]
PROGRESS_EVERY = 100_000


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; write it as YYYY-MM-DD.") from None


def _statuses(values):
    names = [name.strip().lower() for value in values for name in value.split(",") if name.strip()]
    if "all" in names:
        return list(STATUSES)
    unknown = [name for name in names if name not in STATUSES]
    if unknown:
        raise CommandError(
            f"Unknown status {', '.join(map(repr, unknown))}; choose from {', '.join(STATUSES)} (or all)."
        )
    return names


class Command(BaseCommand):
    help = (
        "Export subscribers as CSV or XLSX, to standard output or a file; progress goes to "
        "standard error and the export is recorded in the export log. Without --status the "
        "full layout holds pending, held and confirmed people; mailing layouts (mailchimp, "
        "ghost) hold confirmed subscribers only. Where each person signed up is left out "
        "unless --include-source."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            metavar="STATUS",
            help=f"Only these statuses (repeat or separate by commas): {', '.join(STATUSES)}, or all.",
        )
        parser.add_argument(
            "--since",
            type=str,
            metavar="DATE",
            help="Signed up on or after this date (YYYY-MM-DD, site's zone).",
        )
        parser.add_argument("--until", type=str, metavar="DATE", help="Signed up on or before this date.")
        parser.add_argument("--source", metavar="SLUG", help="Only people who signed up from this article.")
        parser.add_argument("--format", default="csv", help="csv (default) or xlsx.")
        parser.add_argument(
            "--preset", default="full", help=f"The layout: {', '.join(export.PRESETS)} (default full)."
        )
        parser.add_argument(
            "--include-source",
            action="store_true",
            help=(
                "Include where each person signed up: source page and article, UTM values, referrer, "
                "Mailchimp's Tags, Ghost's note and labels (the article they read: for a clinic this "
                "can reveal a health interest). Recorded in the export log."
            ),
        )
        parser.add_argument(
            "--changes-since",
            metavar="EXPORT",
            help=(
                "Only the changes since that export (its number in the export log, or 'last' for the "
                "latest in this layout): new, changed preferences and unsubscribed people, with a "
                "Change column; mailchimp or ghost layout only. Erased people are counted on "
                "standard error (no address is left to export)."
            ),
        )
        parser.add_argument(
            "--change",
            action="append",
            default=[],
            metavar="KIND",
            help="With --changes-since: only these kinds: new, changed, unsubscribed (repeatable).",
        )
        parser.add_argument("--no-bom", action="store_true", help="Leave out the CSV's byte-order mark.")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args, **options):
        fmt = options["format"].lower()
        if fmt not in export.FORMATS:
            raise CommandError(f"Unknown format {options['format']!r}; choose csv or xlsx.")
        try:
            preset = export.get_preset(options["preset"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["changes_since"]:
            return self._handle_changes(fmt, preset, options)
        if options["change"]:
            raise CommandError("--change needs --changes-since.")
        statuses = _statuses(options["status"])
        if preset.mailing and set(statuses) - {Subscriber.Status.CONFIRMED}:
            raise CommandError(
                f"The {preset.name} layout is for mailing and holds confirmed subscribers only; "
                "use --preset full for other statuses."
            )
        queryset = self._queryset(statuses, options)
        total = export.count(queryset, preset)
        include_source = options["include_source"]
        extra = ", with where they signed up" if include_source else ""
        self.stderr.write(f"Exporting {total:,} subscribers ({preset.name} layout, {fmt}{extra})…")
        self._write(fmt, export.rows(queryset, preset, include_source=include_source), total, options)
        self._log(fmt, preset, statuses, options, total)
        self.stderr.write(
            f"Done: {total:,} rows{f' written to {output}' if (output := options['output']) else ''}."
        )

    def _handle_changes(self, fmt, preset, options):
        """``--changes-since``: the change file in ``preset``'s layout, logged as "<layout>-changes"."""
        if options["status"]:
            raise CommandError("--status does not apply to --changes-since (the kinds are --change).")
        kinds = [k.strip().lower() for value in options["change"] for k in value.split(",") if k.strip()]
        if preset.name not in export.changes.LAYOUTS:
            raise CommandError("--changes-since needs --preset mailchimp or --preset ghost.")
        try:
            since_log = export.changes.previous_export(preset.name, options["changes_since"])
            layout = export.changes.change_preset(preset.name, since_log.created_at)
            queryset = export.changes.changes_since(since_log.created_at, kinds or export.changes.KINDS)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ExportLog.DoesNotExist:
            raise CommandError(
                f"No export {options['changes_since']!r} in the export log to start from; "
                "make a full export in this layout first."
            ) from None
        total = export.count(queryset, layout)
        self.stderr.write(
            f"Exporting {total:,} changes since export {since_log.pk} "
            f"({timezone.localtime(since_log.created_at):%Y-%m-%d %H:%M})…"
        )
        self._write(
            fmt, export.rows(queryset, layout, include_source=options["include_source"]), total, options
        )
        export.log_export(
            via="command",
            format=fmt,
            preset=layout,
            row_count=total,
            include_source=options["include_source"],
            filters={"changes_since": since_log.pk, "change": kinds or list(export.changes.KINDS)},
        )
        erased = export.changes.erased_since(since_log.created_at)
        if erased:
            self.stderr.write(
                f"{erased:,} people were erased since that export: no address is left here, so remove "
                "them in the mailing tool from the erasure requests themselves."
            )
        self.stderr.write(f"Done: {total:,} changes.")

    def _write(self, fmt, rows, total, options):
        if fmt == "xlsx":
            try:
                export.check_xlsx(total)
            except export.TooManyRows as exc:
                raise CommandError(str(exc)) from None
        rows = self._progress(rows, total)
        output = options["output"]
        try:
            if fmt == "csv":
                self._write_csv(rows, output, bom=not options["no_bom"])
            else:
                self._write_xlsx(rows, output)
        except OSError as exc:
            raise CommandError(
                f"Could not write {output or 'to standard output'}: {exc.strerror or exc}"
            ) from None

    def _log(self, fmt, preset, statuses, options, total):
        """Record the export in the export log: the options as given, the file by its name only."""
        output = options["output"]
        export.log_export(
            via="command",
            format=fmt,
            preset=preset.name,
            row_count=total,
            include_source=options["include_source"],
            filters={
                "status": statuses or [str(s) for s in export.DEFAULT_STATUSES],
                **{name: options[name] for name in ("since", "until", "source") if options[name]},
                **({"output": os.path.basename(output)} if output else {}),
            },
        )

    def _queryset(self, statuses, options):
        """The subscribers the options ask for, oldest first; CommandError for a bad date or slug."""
        since = _date(options["since"]) if options["since"] else None
        until = _date(options["until"]) if options["until"] else None
        if since and until and since > until:
            raise CommandError("--since must not be after --until.")
        source = options["source"]
        if source and not Article.objects.filter(slug=source).exists():
            raise CommandError(f"No article has the slug {source!r}.")
        return export.filter_subscribers(
            Subscriber.objects.order_by("created_at", "pk"),
            statuses=statuses or list(export.DEFAULT_STATUSES),
            since=since,
            until=until,
            source=source,
        )

    def _progress(self, rows, total):
        for index, row in enumerate(rows):
            if index and index % PROGRESS_EVERY == 0:
                self.stderr.write(f"  {index:,} of {total:,} rows…")
            yield row

    def _write_csv(self, rows, output, *, bom):
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                for chunk in export.csv_chunks(rows, bom=bom):
                    handle.write(chunk)
        else:
            for chunk in export.csv_chunks(rows, bom=bom):
                self.stdout.write(chunk, ending="")
            self.stdout.flush()

    def _write_xlsx(self, rows, output):
        if output:
            export.write_xlsx(rows, output)
            return
        handle, name = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            export.write_xlsx(rows, name)
            target = getattr(self.stdout, "_out", sys.stdout)
            target = getattr(target, "buffer", target)
            with open(name, "rb") as source:
                shutil.copyfileobj(source, target)
            target.flush()
        finally:
            os.unlink(name)
