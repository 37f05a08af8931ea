"""The change export: who to add, update or unsubscribe in Mailchimp or Ghost since an export.

The newsletters go out from Mailchimp or Ghost, loaded from our exports, so what changes
here (a confirmation, a change of preferences, an unsubscribe, a bounce, an erasure)
reaches them only through the next file. :func:`changes_since` lists the people whose
``Subscriber.changed_at`` (set by every status or preference change) is after a previous
export's time, and :func:`change_preset` lays them out for the tool with a ``Change``
column saying why each is there:

- ``new``: confirmed since that export (first time, or again after unsubscribing);
- ``changed``: confirmed before it, and their preferences changed since;
- ``unsubscribed``: unsubscribed here, or their address bounced (Mailchimp "cleaned").

Erased people have no address left here (:mod:`signups.erasure`), so they cannot be in a
file: :func:`erased_since` counts them, for the exporter to remove by hand.

Mailchimp's import applies one status to the whole file, so the command and the admin
can narrow a file to some kinds (``new,changed`` imported as "Subscribed", then
``unsubscribed`` imported as "Unsubscribed", each with "Update any existing contacts"),
as https://mailchimp.com/help/import-contacts-mailchimp/ describes. Ghost's member import
updates existing members by email and reads ``subscribed_to_emails`` per row
(https://ghost.org/help/import-members/), so one Ghost file carries every kind.
"""

from collections.abc import Collection
from datetime import datetime

from django.db.models import Q, QuerySet

from ..models import ExportLog, Subscriber
from .layouts import GHOST_COLUMNS, MAILCHIMP_COLUMNS, Column, Preset

Status = Subscriber.Status

KINDS = ("new", "changed", "unsubscribed")
LAYOUTS = ("mailchimp", "ghost")
SUFFIX = "-changes"

# Mailchimp's names for a contact's status, as its audience exports and imports use them.
MAILCHIMP_STATUS = {
    Status.CONFIRMED: "subscribed",
    Status.UNSUBSCRIBED: "unsubscribed",
    Status.BOUNCED: "cleaned",
}


def _kind_filter(kind: str, since: datetime) -> Q:
    if kind == "new":
        return Q(status=Status.CONFIRMED, confirmed_at__gt=since)
    if kind == "changed":
        return Q(status=Status.CONFIRMED) & (Q(confirmed_at__lte=since) | Q(confirmed_at__isnull=True))
    if kind == "unsubscribed":
        return Q(status__in=(Status.UNSUBSCRIBED, Status.BOUNCED))
    raise ValueError(f"Unknown change {kind!r}; choose from {', '.join(KINDS)}.")


def changes_since(since: datetime, kinds: Collection[str] = KINDS) -> QuerySet[Subscriber]:
    """The people with an address whose status or preferences changed after ``since`` (an
    aware datetime), of the ``kinds`` asked for, in the order they changed. Pending and
    held people never reached the mailing tool and are left out. Raises ``ValueError``
    for an unknown kind."""
    wanted = Q()
    for kind in kinds:
        wanted |= _kind_filter(kind, since)
    return (
        Subscriber.objects.filter(changed_at__gt=since)
        .filter(wanted)
        .exclude(email="")
        .order_by("changed_at", "pk")
    )


def erased_since(since: datetime) -> int:
    """How many people were erased after ``since``: no file can name them."""
    return Subscriber.objects.filter(status=Status.ERASED, changed_at__gt=since).count()


def change_preset(layout: str, since: datetime) -> Preset:
    """The ``layout`` ("mailchimp" or "ghost") with the columns a change file needs.

    Mailchimp: its columns plus ``Status`` (subscribed, unsubscribed, cleaned) and
    ``Change``. Ghost: its columns with ``subscribed_to_emails`` true only for confirmed
    people, plus ``Change`` (for the exporter to see why each row is there; leave it
    unmapped in Ghost's import). Raises ``ValueError`` for another layout.
    """

    def change(status: str, confirmed_at: datetime | None) -> str:
        if status != Status.CONFIRMED:
            return "unsubscribed"
        return "new" if confirmed_at and confirmed_at > since else "changed"

    change_column = Column("Change", ("status", "confirmed_at"), "computed", change)
    columns: tuple[Column, ...]
    if layout == "mailchimp":
        status_column = Column("Status", ("status",), "computed", lambda s: MAILCHIMP_STATUS.get(s, ""))
        columns = (*MAILCHIMP_COLUMNS[:3], status_column, change_column, *MAILCHIMP_COLUMNS[3:])
        label = "Mailchimp changes"
    elif layout == "ghost":
        subscribed = Column(
            "subscribed_to_emails", ("status",), "computed", lambda s: str(s == Status.CONFIRMED).lower()
        )
        columns = (
            *(subscribed if c.header == "subscribed_to_emails" else c for c in GHOST_COLUMNS),
            change_column,
        )
        label = "Ghost changes"
    else:
        raise ValueError(f"Unknown layout {layout!r} for a change export; choose mailchimp or ghost.")
    return Preset(f"{layout}{SUFFIX}", label, columns)


def previous_export(layout: str, export_id: str | int) -> ExportLog:
    """The export a change file starts from: the export log entry ``export_id``, or with
    ``"last"`` the latest export in ``layout`` (its full list or its changes). Raises
    ``ExportLog.DoesNotExist`` if there is none, ``ValueError`` for an id that is not a number."""
    if str(export_id).lower() == "last":
        return ExportLog.objects.filter(preset__in=(layout, f"{layout}{SUFFIX}")).latest("created_at")
    try:
        pk = int(export_id)
    except ValueError:
        raise ValueError(f"{export_id!r} is not an export number (see the export log) or 'last'.") from None
    return ExportLog.objects.get(pk=pk)
