"""A mail server that answers but refuses for now (RFC 5321 4.2.1: a 4yz reply, "try
again later"), at the greeting, a recipient or the message: the confirmation is not
counted as sent, and is delivered exactly once when the server accepts again. The
queue is worked by the real ``db_worker``; time is moved forward, never waited for."""

import pytest

from signups import lifecycle
from signups.models import Subscriber
from tests.factories import SubscriberFactory
from tests.signups.conftest import REFUSALS
from tests.signups.test_delivery import DATABASE_TASKS
from tests.signups.test_tasks_faults import later, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


@pytest.fixture
def mail_server(settings, smtp_sink):
    """``smtp_sink``, the site's mailer, with the queue worked by the database backend."""
    settings.TASKS = DATABASE_TASKS
    return smtp_sink


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
    assert mail_server == []

    mail_server.refusing = None  # the server accepts again
    with later(settings.SIGNUP_EMAIL_RETRY_SECONDS + 1):
        run_worker()
    with later(settings.SIGNUP_EMAIL_RETRY_SECONDS * 10):
        run_worker()  # nothing is left to send twice

    assert [each["rcpt_to"] for each in mail_server] == [["jane@example.com"]]
    subscriber.refresh_from_db()
    assert (subscriber.email_status, subscriber.email_attempts) == (Subscriber.EmailStatus.SENT, 2)
