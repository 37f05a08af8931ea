"""A mail server that answers but refuses for now (RFC 5321 4.2.1: a 4yz reply, "try
again later"), at the greeting, a recipient or the message: the confirmation is not
counted as sent, and is delivered exactly once when the server accepts again. The
queue is worked by the real ``db_worker``; time is moved forward, never waited for."""

import socketserver
import threading

import pytest

from signups import lifecycle
from signups.models import Subscriber
from tests.factories import SubscriberFactory
from tests.signups.conftest import _SMTPSink
from tests.signups.test_delivery import DATABASE_TASKS
from tests.signups.test_tasks_faults import later, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

REFUSALS = {
    "greeting": "421 4.3.2 Service not available, closing transmission channel",
    "recipient": "450 4.2.1 Mailbox unavailable, try again later",
    "message": "451 4.3.0 Local error in processing",
}


class _RefusingSink(_SMTPSink):
    """The sink, except that while ``server.refusing`` names a step of REFUSALS it answers
    that step with its 4yz reply and keeps nothing."""

    def handle(self):
        refusing = self.server.refusing
        if refusing == "greeting":
            self.reply(REFUSALS["greeting"])
            return
        if refusing is None:
            super().handle()
            return
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line.decode("utf-8", "replace").split(" ", 1)[0].strip().upper()
            if verb == "RCPT" and refusing == "recipient":
                self.reply(REFUSALS["recipient"])
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                self.reply(REFUSALS["message"])
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def mail_server(settings):
    """A real SMTP server on a free local port, the site's mailer; ``.refusing`` switches it."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _RefusingSink)
    server.daemon_threads = True
    server.received, server.refusing = [], None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.server_address[1], "timeout": 5},
        }
    }
    settings.TASKS = DATABASE_TASKS
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("step", REFUSALS)
def test_a_mail_server_refusing_for_now_gets_the_email_exactly_once_when_it_accepts(
    settings, mail_server, step
):
    mail_server.refusing = step
    subscriber = SubscriberFactory(email="jane@example.com")
    lifecycle.request_confirmation(subscriber)

    run_worker()
    subscriber.refresh_from_db()
    assert subscriber.email_status == Subscriber.EmailStatus.FAILED
    assert REFUSALS[step].split()[0] in subscriber.email_error
    assert mail_server.received == []

    mail_server.refusing = None  # the server accepts again
    with later(settings.SIGNUP_EMAIL_RETRY_SECONDS + 1):
        run_worker()
    with later(settings.SIGNUP_EMAIL_RETRY_SECONDS * 10):
        run_worker()  # nothing is left to send twice

    assert [each["rcpt_to"] for each in mail_server.received] == [["jane@example.com"]]
    subscriber.refresh_from_db()
    assert (subscriber.email_status, subscriber.email_attempts) == (Subscriber.EmailStatus.SENT, 2)
