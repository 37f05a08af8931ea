"""``manage.py check_sources``: look up the sources' DOIs in Crossref and PMIDs in PubMed."""

from django.core.management.base import BaseCommand, CommandError

from ...models import Source
from ...source_checks import check_due


class Command(BaseCommand):
    help = (
        "Look up each due source's DOI in Crossref and PMID in PubMed, record whether it was "
        "found, its title there and any retraction, correction or expression of concern. "
        "Run daily by run_periodic. Exits 0 even when lookups fail: they are recorded on the "
        "sources and tried again later."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, help="At most this many sources (default SOURCE_CHECK_BATCH)."
        )
        parser.add_argument(
            "--source", type=int, action="append", dest="ids", help="Check this source id now, due or not."
        )

    def handle(self, *args, limit=None, ids=None, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        sources = None
        if ids:
            sources = Source.objects.filter(pk__in=ids).order_by("pk")
            missing = set(ids) - set(sources.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No source with id {', '.join(map(str, sorted(missing)))}.")
        outcome = check_due(limit=limit, sources=sources, log=lambda line: self.stderr.write(line))
        self.stdout.write(
            f"Checked {outcome.checked} sources ({outcome.flagged} newly flagged), "
            f"{outcome.failed} failed, {outcome.postponed} postponed; requests: "
            + ", ".join(f"{name} {count}" for name, count in sorted(outcome.requests.items()))
        )
