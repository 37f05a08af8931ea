"""The export's layouts: which columns each holds, in which order, and whom it lists."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import Subscriber

Status = Subscriber.Status

# What an export holds when nobody asks for particular statuses.
DEFAULT_STATUSES = (Status.PENDING, Status.HELD, Status.CONFIRMED)


@dataclass(frozen=True)
class Column:
    """One column: its header, the ``values_list`` fields it reads and how it turns them into a cell.

    ``kind`` is "text" (neutralised), "time" (ISO 8601 in the site's zone), "value"
    (as it is, ``None`` as empty) or "computed" (``compute(*values)`` then neutralised).
    ``source`` marks a column that says where the person signed up (page, article,
    campaign, referrer): left out unless the exporter asks for it (:data:`INCLUDE_SOURCE_LABEL`).
    """

    header: str
    fields: tuple[str, ...]
    kind: str = "text"
    compute: Callable[..., str] | None = None
    source: bool = False
    # Written only when ``source`` columns are left out: a column that a source column
    # of the same header replaces (Ghost's labels: topics alone, or topics and article).
    without_source: bool = False


# The article someone read before signing up is, for a clinic, an inferred health interest:
# the FTC's BetterHelp and Cerebral orders and Washington's My Health My Data Act
# (RCW 19.373) treat such inferences as health data. So exports leave it out by default.
INCLUDE_SOURCE_LABEL = _(
    "Include where each person signed up (the article they read: for a clinic this can reveal a "
    "health interest)"
)
INCLUDE_SOURCE_HELP = _(
    "Adds the source page and article, the UTM campaign values and the referring site "
    "(Mailchimp's Tags, Ghost's note, and the article among Ghost's labels). Leave it "
    "unticked unless the receiver needs it and may hold health data; the export log "
    "records the choice."
)


def _full_name(first: str, last: str) -> str:
    return " ".join(part for part in (first, last) if part)


# The annotation holding the names of a subscriber's chosen newsletter topics, joined by
# commas (:func:`signups.export.queries.rows` adds it when a column reads it).
TOPICS = "newsletter_topics"


def _labels(topics: str | None, article: str | None) -> str:
    return ",".join(part for part in (topics, article) if part)


FULL_COLUMNS = (
    Column("Email", ("email",)),
    Column("First name", ("first_name",)),
    Column("Last name", ("last_name",)),
    Column("Status", ("status",)),
    Column("Signed up", ("created_at",), "time"),
    Column("Confirmed", ("confirmed_at",), "time"),
    Column("Unsubscribed", ("unsubscribed_at",), "time"),
    Column("Source page", ("source_path",), source=True),
    Column("Source article", ("source_article__slug",), source=True),
    Column("UTM source", ("utm_source",), source=True),
    Column("UTM medium", ("utm_medium",), source=True),
    Column("UTM campaign", ("utm_campaign",), source=True),
    Column("Referrer", ("referrer",), source=True),
    Column("Newsletter topics", (TOPICS,)),
    Column("Consent copy version", ("consent_version_id",), "value"),
)

# Mailchimp's default audience fields, named as its importer matches them: "Email
# Address" (the only required column), "First Name", "Last Name"; plus "Tags", which
# the importer can apply to each contact (here: the slug of the article they signed up
# from, only when the exporter asks for where people signed up). Sources:
# https://mailchimp.com/help/format-guidelines-for-your-import-file/ and
# https://mailchimp.com/help/import-contacts-mailchimp/. Consent times are not sent: a
# Mailchimp audience has no standard field for them, and the file must load unedited.
# "Newsletter topics" holds the topics the person chose, comma-separated, as Mailchimp's
# importer reads a group category's column (map it to a group category of that name
# whose groups are the newsletter topics): sent always, because the person chose them.
MAILCHIMP_COLUMNS = (
    Column("Email Address", ("email",)),
    Column("First Name", ("first_name",)),
    Column("Last Name", ("last_name",)),
    Column("Newsletter topics", (TOPICS,)),
    Column("Tags", ("source_article__slug",), source=True),
)

# Ghost's member import columns, in the order its documentation lists them: email
# (required), name, note, subscribed_to_emails, stripe_customer_id, complimentary_plan,
# labels, created_at (ISO 8601). Source: https://ghost.org/help/import-members/
# ("Prepare your CSV file"). Everyone exported here is a confirmed, free subscriber.
# Every column but email is optional there, so note (where they signed up) can be left
# out. Labels (comma-separated) carry the newsletter topics the person chose, always, and
# the article they signed up from only when the exporter asks for where people signed up.
GHOST_COLUMNS = (
    Column("email", ("email",)),
    Column("name", ("first_name", "last_name"), "computed", _full_name),
    Column("note", ("source_path",), source=True),
    Column("subscribed_to_emails", (), "computed", lambda: "true"),
    Column("stripe_customer_id", (), "computed", lambda: ""),
    Column("complimentary_plan", (), "computed", lambda: "false"),
    Column("labels", (TOPICS,), without_source=True),
    Column("labels", (TOPICS, "source_article__slug"), "computed", _labels, source=True),
    Column("created_at", ("created_at",), "time"),
)


@dataclass(frozen=True)
class Preset:
    """A named layout: its columns, and whether it is a list meant for mailing.

    A list meant for mailing (``mailing=True``) holds confirmed subscribers with an
    address only, whatever the queryset it is given.
    """

    name: str
    label: str | Promise
    columns: tuple[Column, ...]
    mailing: bool = False

    def columns_for(self, *, include_source: bool) -> tuple[Column, ...]:
        """The columns to write: all of them, or without those saying where people signed up."""
        if include_source:
            return tuple(column for column in self.columns if not column.without_source)
        return tuple(column for column in self.columns if not column.source)

    def restrict(self, queryset: QuerySet[Subscriber]) -> QuerySet[Subscriber]:
        """``queryset`` narrowed to the people this layout may list."""
        if self.mailing:
            return queryset.filter(status=Status.CONFIRMED).exclude(email="")
        return queryset


PRESETS = {
    preset.name: preset
    for preset in (
        Preset("full", _("Full layout (every column)"), FULL_COLUMNS),
        Preset("mailchimp", _("Mailchimp audience import (confirmed only)"), MAILCHIMP_COLUMNS, mailing=True),
        Preset("ghost", _("Ghost members import (confirmed only)"), GHOST_COLUMNS, mailing=True),
    )
}


def get_preset(preset: str | Preset) -> Preset:
    """The :class:`Preset` named ``preset`` (or ``preset`` itself).

    Raises ``ValueError`` for a name that is not in :data:`PRESETS`.
    """
    if isinstance(preset, Preset):
        return preset
    try:
        return PRESETS[preset]
    except KeyError:
        raise ValueError(f"Unknown layout {preset!r}; choose one of: {', '.join(PRESETS)}.") from None
