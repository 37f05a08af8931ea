import socketserver
import threading
import time

import pytest
from django.core import signing
from django.urls import reverse

from signups.abuse import STAMP_SALT

SIGNUP_URL = reverse("signups:signup")
JSON = {"HTTP_ACCEPT": "application/json"}


def form_stamp(seconds_ago=60):
    """The hidden ``rendered_at`` of a form shown ``seconds_ago`` (a person's pace)."""
    return signing.dumps(time.time() - seconds_ago, salt=STAMP_SALT)


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """POST the sign-up form like a person would and run what commits (the email task).

    ``sign_up(email, next_path="/", data={...}, client=..., **headers)``; ``data``
    overrides or adds form fields (``rendered_at=None`` leaves the timestamp out).
    """

    def post(email, next_path="/", *, data=None, client=client, **headers):
        fields = {"email": email, "next": next_path, "rendered_at": form_stamp(), **(data or {})}
        fields = {name: value for name, value in fields.items() if value is not None}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP_URL, fields, **headers)

    return post


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """``with run_on_commit(): ...`` runs the on-commit callbacks (enqueued tasks) at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def staff_in(group_name, django_user_model, username=None):
    """A staff user in ``group_name`` (a group made by post_migrate)."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username=username or group_name.lower(), password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def marketing_client(client, django_user_model):
    """A client logged in as a member of Marketing (who may export)."""
    client.force_login(staff_in("Marketing", django_user_model))
    return client


@pytest.fixture
def editor_client(django_user_model):
    """A client of its own logged in as a member of Editors (no sign-up permissions)."""
    from django.test import Client

    client = Client()
    client.force_login(staff_in("Editors", django_user_model))
    return client


#: The 4yz replies (RFC 5321 4.2.1: refused for now, "try again later") the sink gives,
#: by the step it refuses while ``smtp_sink.refusing`` names that step.
REFUSALS = {
    "greeting": "421 4.3.2 Service not available, closing transmission channel",
    "recipient": "450 4.2.1 Mailbox unavailable, try again later",
    "message": "451 4.3.0 Local error in processing",
}


class SentMail(list):
    """The messages the sink accepted, one ``{"mail_from", "rcpt_to", "data"}`` dict each.

    ``refusing``: ``None`` (accept), or a step of REFUSALS the sink answers with its 4yz
    reply while keeping nothing; set it at any time."""

    refusing = None


class _SMTPSink(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept mail and remember each envelope and message,
    or to refuse it for now (see ``SentMail.refusing``)."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        sent = self.server.received
        if sent.refusing == "greeting":
            self.reply(REFUSALS["greeting"])
            return
        envelope = {"mail_from": "", "rcpt_to": [], "data": b""}
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb, _, argument = line.decode("utf-8", "replace").strip().partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                envelope["mail_from"] = argument.partition(":")[2].strip()
                self.reply("250 OK")
            elif verb == "RCPT" and sent.refusing == "recipient":
                self.reply(REFUSALS["recipient"])
            elif verb == "RCPT":
                envelope["rcpt_to"].append(argument.partition(":")[2].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                body = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(chunk)
                if sent.refusing is not None:
                    self.reply(REFUSALS["message"])
                    continue
                envelope["data"] = b"".join(body)
                sent.append(dict(envelope))
                envelope["rcpt_to"] = []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on a free local port, used as the site's mailer for one test.

    Yields a ``SentMail`` list that fills with one ``{"mail_from", "rcpt_to", "data"}``
    dict per accepted message: what really left the site, envelope and bytes. Setting its
    ``refusing`` makes the server refuse for now (see REFUSALS).
    """
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPSink)
    server.daemon_threads = True
    server.received = SentMail()
    # shutdown() waits for the loop's next poll: half a second by default, per test.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.server_address[1], "timeout": 5},
        }
    }
    yield server.received
    server.shutdown()
    server.server_close()
