"""``python manage.py load_demo``: sample articles so a new checkout shows a full site."""

from django.core.management.base import BaseCommand

from articles.demo import load_demo_content
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Load a few sample articles (written for this project) into an empty database. "
        "Does nothing when articles exist, so it is safe to run on every `make run`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load the samples even if articles exist."
        )

    def handle(self, *args, force=False, **options):
        if Article.objects.exists() and not force:
            self.stdout.write("Articles exist; demo content not loaded.")
            return
        created = load_demo_content()
        self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo articles."))
