"""``python manage.py load_demo``: sample articles so a new checkout shows a full site.

``--remove`` deletes exactly what the loader created and nobody changed since, listing
it first; ``--remove --dry-run`` only lists; ``--remove --force`` also deletes what was
changed since. Content the loader did not create is never deleted.
"""

from django.core.management.base import BaseCommand

from articles.demo import load_demo_content, plan_removal, remove_demo_content
from articles.demo.registry import describe
from articles.models import Article
from articles.publishing import system_actor


class Command(BaseCommand):
    help = (
        "Load a few sample articles (written for this project) into an empty database. "
        "Does nothing when articles exist, so it is safe to run on every `make run`. "
        "--remove deletes only what this command created and nobody changed since."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the samples even if articles exist; with --remove, also remove "
            "demo content someone changed since it was loaded.",
        )
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Delete the demo content this command created (articles, their author and "
            "sources, the placeholder pages), listing it first. Nothing else is touched.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="With --remove: list what would be removed and kept."
        )

    def handle(self, *args, force=False, remove=False, dry_run=False, **options):
        if remove:
            self.remove(force=force, dry_run=dry_run)
            return
        if Article.objects.exists() and not force:
            self.stdout.write("Articles exist; demo content not loaded.")
            return
        with system_actor("load_demo"):
            created = load_demo_content(actor=None)
        self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo articles."))

    def remove(self, *, force, dry_run):
        if dry_run:
            plan = plan_removal(force=force)
        else:
            with system_actor("load_demo"):
                plan = remove_demo_content(actor=None, force=force)
        verb = "Would remove" if dry_run else "Removed"
        for line in plan.removed:
            self.stdout.write(f"{verb} {line}")
        for obj, reason in plan.keep:
            self.stdout.write(f"Kept {describe(obj)} ({reason})")
        articles = sum(isinstance(obj, Article) for obj in plan.remove)
        summary = f"{verb} {articles} demo articles ({len(plan.remove)} objects); kept {len(plan.keep)}."
        self.stdout.write(summary if dry_run else self.style.SUCCESS(summary))
