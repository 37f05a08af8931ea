"""The development outbox: emails the file-based mailer wrote, readable in the browser.

In development without ``SMTP_HOST`` Django's file-based backend writes every email to
``settings.EMAIL_OUTBOX_DIR`` (one ``.log`` file per connection, each message followed by a
line of 79 dashes; Django's "File backend",
https://docs.djangoproject.com/en/6.1/topics/email/#file-backend). ``/admin/outbox/`` lists
them, newest first, with their links clickable, so a developer can follow a confirmation
link without a mail server. The page exists only with ``DEBUG`` on (404 otherwise) and only
for staff; it is linked from the admin's index page.
"""

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse

# What the file-based backend writes after each message.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
#: Messages shown at most (the newest).
LIMIT = 50


@dataclass(frozen=True)
class OutboxMessage:
    """One email as the outbox page shows it: headers as text, the plain-text body."""

    subject: str
    sender: str
    to: str
    date: str
    text: str


def read_outbox(directory, limit=LIMIT):
    """The newest ``limit`` messages in ``directory`` (a path), newest first, as
    :class:`OutboxMessage`. A missing folder holds none; a file that is not an email is
    skipped."""
    files = sorted(Path(directory).glob("*.log"), key=lambda path: path.stat().st_mtime, reverse=True)
    messages = []
    for path in files:
        chunks = [chunk for chunk in path.read_bytes().split(SEPARATOR) if chunk.strip()]
        # Within a file, messages are in the order they were sent.
        messages.extend(message for message in map(_parse, reversed(chunks)) if message)
        if len(messages) >= limit:
            break
    return messages[:limit]


def _parse(raw):
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    if not parsed["Subject"] and not parsed["To"]:
        return None
    body = parsed.get_body(preferencelist=("plain", "html"))
    return OutboxMessage(
        subject=str(parsed["Subject"] or ""),
        sender=str(parsed["From"] or ""),
        to=str(parsed["To"] or ""),
        date=str(parsed["Date"] or ""),
        text=body.get_content() if body is not None else "",
    )


def outbox_enabled():
    """True when the outbox page exists: ``DEBUG`` on (development only)."""
    return bool(settings.DEBUG)


def _outbox(request):
    uses_files = settings.MAILERS["default"]["BACKEND"].endswith("filebased.EmailBackend")
    context = {
        **admin.site.each_context(request),
        "title": "Email outbox",
        "messages_sent": read_outbox(settings.EMAIL_OUTBOX_DIR) if uses_files else [],
        "uses_files": uses_files,
        "directory": settings.EMAIL_OUTBOX_DIR,
        "limit": LIMIT,
    }
    return TemplateResponse(request, "admin/outbox.html", context)


def outbox_view(request):
    """``/admin/outbox/``: the development outbox for signed-in staff (the admin's login
    otherwise); 404 unless ``DEBUG`` is on, whoever asks."""
    if not outbox_enabled():
        raise Http404("The outbox exists only with DEBUG on.")
    return admin.site.admin_view(_outbox)(request)
