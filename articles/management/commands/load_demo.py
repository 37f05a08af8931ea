"""``python manage.py load_demo``: sample articles so a new checkout shows a full site."""

from django.core.management.base import BaseCommand

from articles.demo import load_demo_content, remove_demo_content
from articles.models import Article
from articles.publishing import system_actor


class Command(BaseCommand):
    help = (
        "Load a few sample articles (written for this project) into an empty database. "
        "Does nothing when articles exist, so it is safe to run on every `make run`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load the samples even if articles exist.")
        parser.add_argument(
            "--remove", action="store_true", help="Delete the sample articles and their author."
        )

    def handle(self, *args, force=False, remove=False, **options):
        if remove:
            with system_actor("load_demo"):
                removed = remove_demo_content(actor=None)
            self.stdout.write(self.style.SUCCESS(f"Removed {removed} demo articles."))
            return
        if Article.objects.exists() and not force:
            self.stdout.write("Articles exist; demo content not loaded.")
            return
        with system_actor("load_demo"):
            created = load_demo_content(actor=None)
        self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo articles."))
