"""Two identical sign-ups at the same instant store one row (issue 5), on real PostgreSQL."""

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from signups.models import SignupEvent, Subscriber
from tests.signups.conftest import form_stamp

CLIENTS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_sign_ups_give_one_row_and_no_error(live_server, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers (SQLite serialises them); CI runs it there")
    settings.SIGNUP_RATE_LIMIT = ""
    body = urllib.parse.urlencode(
        {"email": "Race@Example.com", "next": "/signup/", "rendered_at": form_stamp()}
    ).encode()
    start = threading.Barrier(CLIENTS)
    answers, errors = [], []

    def post():
        request = urllib.request.Request(
            f"{live_server.url}/signup/",
            data=body,
            headers={"Accept": "application/json", "Origin": live_server.url},
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answers.append((response.status, response.read()))
        except (urllib.error.URLError, OSError) as exc:  # an HTTPError (e.g. 500) included
            errors.append(exc)

    threads = [threading.Thread(target=post) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(answers) == CLIENTS
    assert {status for status, _ in answers} == {200}
    assert all(b'"ok": true' in payload for _, payload in answers)
    assert Subscriber.objects.count() == 1
    assert SignupEvent.objects.filter(kind="signed_up").count() == CLIENTS
    assert SignupEvent.objects.filter(kind="emailed").count() == 1
