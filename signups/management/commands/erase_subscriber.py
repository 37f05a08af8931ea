"""``manage.py erase_subscriber EMAIL [--by USERNAME]``: erase a person on request."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from signups.erasure import erase_address


class Command(BaseCommand):
    help = (
        "Erase a subscriber's personal data on request (address, sign-up history, queued "
        "emails), keeping only a one-way hash so imports cannot add the address again. "
        "The address is matched in any letter case and IDN form; an address nobody has is "
        "still recorded as erased."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The address to erase.")
        parser.add_argument(
            "--by", metavar="USERNAME", help="The staff member doing it, for the erasure log."
        )

    def handle(self, *args, email, by=None, **options):
        staff = None
        if by:
            try:
                staff = get_user_model().objects.get_by_natural_key(by)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {by!r}.") from None
        try:
            erased = erase_address(email, staff=staff, via="command")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if erased:
            self.stdout.write("Erased one subscriber; only a one-way hash of the address is kept.")
        else:
            self.stdout.write("Nobody had that address; it is recorded as erased so imports skip it.")
