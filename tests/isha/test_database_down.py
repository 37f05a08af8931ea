"""PostgreSQL down: cached pages are still served, other pages get a styled 503 with
``Retry-After`` (never a traceback), and a sign-up is never answered with success unless
it was stored: the visitor gets built-in copy and the address they typed back."""

import logging
import socket
import sys
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils.log import AdminEmailHandler

from isha.logfilters import OncePerDatabaseOutage
from signups.models import SignupFormCopy, Subscriber
from tests.factories import ArticleFactory
from tests.isha.test_settings import env_example, manage
from tests.signups.conftest import SIGNUP_URL, form_stamp

COULD_NOT_SAVE = "We could not save this, please try again."


def reader():
    return Client(raise_request_exception=False)


def assert_styled_503(response):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert 'lang="en"' in html and "/static/css/site.css" in html
    assert "Traceback" not in html and "OperationalError" not in html
    return html


def sign_up_fields(email="jane@example.com"):
    return {"email": email, "next": "/", "rendered_at": form_stamp(), "utm_source": "news"}


@pytest.mark.faults
def test_cached_pages_are_still_served_and_other_pages_get_a_styled_503(
    database_outage, settings, admin_user
):
    settings.PAGE_CACHE_SECONDS = 600
    staff = reader()
    staff.force_login(admin_user)
    article = ArticleFactory(title="Ketamine and depression")
    url = article.get_absolute_url()
    # The first render may create the site's singleton rows (their saves retire pages)
    # after a transactional test emptied the tables: read until the page is served cached.
    assert any(reader().get(url).get("X-Page-Cache") == "hit" for _ in range(3))

    database_outage.stop()
    cached = reader().get(url)
    assert cached.status_code == 200 and cached["X-Page-Cache"] == "hit"
    assert "Ketamine and depression" in cached.content.decode()
    html = assert_styled_503(reader().get("/"))
    assert "Back in a moment" in html
    assert_styled_503(reader().get("/search/?q=ketamine"))
    assert_styled_503(staff.get("/admin/"))  # the session is in the database

    database_outage.start()
    # Served again within seconds: a worker's pool may first hand out connections the
    # restart killed (README, "Database connections"), each a 503 after the pool's wait.
    deadline = time.monotonic() + 15
    while (status := reader().get("/").status_code) != 200 and time.monotonic() < deadline:
        connection.close()
    assert status == 200


@pytest.mark.faults
def test_a_sign_up_without_javascript_keeps_the_address_and_is_stored_only_when_sent_again(database_outage):
    fields = sign_up_fields()

    database_outage.stop()
    response = reader().post(SIGNUP_URL, fields)

    html = assert_styled_503(response)
    assert COULD_NOT_SAVE in html
    assert 'value="jane@example.com"' in html
    # The hidden evidence travels back, so sending again is the sign-up that was meant.
    assert f'name="rendered_at" value="{fields["rendered_at"]}"' in html
    assert 'name="utm_source" value="news"' in html
    assert 'name="website"' not in html

    database_outage.start()
    assert not Subscriber.objects.exists()
    assert reader().post(SIGNUP_URL, fields).status_code == 302
    assert Subscriber.objects.get().utm_source == "news"


@pytest.mark.faults
def test_a_sign_up_through_the_page_script_gets_json_saying_nothing_was_stored(database_outage):
    database_outage.stop()
    response = reader().post(SIGNUP_URL, sign_up_fields(), HTTP_ACCEPT="application/json")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["ok"] is False
    assert body["message"] == COULD_NOT_SAVE
    assert body["email"] == "jane@example.com"
    database_outage.start()
    assert not Subscriber.objects.exists()


@pytest.mark.faults
def test_healthz_reports_the_database_down_without_details_and_liveness_stays_up(database_outage):
    database_outage.stop()
    response = reader().get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "down",
        "cache": "ok",
    }
    assert connection.settings_dict["NAME"] not in response.content.decode()
    assert reader().get("/healthz/live").status_code == 200


@pytest.mark.django_db
def test_a_failing_database_on_any_engine_gives_the_503_not_the_500(monkeypatch):
    """The same answer on SQLite: the database error reaches Django's handler500."""

    def unreachable(cls):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SignupFormCopy, "load", classmethod(unreachable))
    html = assert_styled_503(reader().post(SIGNUP_URL, sign_up_fields("ann@example.com")))
    assert COULD_NOT_SAVE in html and 'value="ann@example.com"' in html
    assert_styled_503(reader().get(SIGNUP_URL))
    assert not Subscriber.objects.exists()


def test_any_other_error_is_still_the_500_page(monkeypatch):
    def broken(cls):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SignupFormCopy, "load", classmethod(broken))
    response = reader().get(SIGNUP_URL)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_a_database_server_that_never_answers_fails_the_connection_instead_of_hanging(fork_server):
    """A host that accepts the connection and then says nothing (a hung server, a
    half-open firewall): without connect_timeout libpq would wait for ever."""
    silent = socket.create_server(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    env = {
        **env_example(),
        "DATABASE_URL": f"postgres://nobody@127.0.0.1:{port}/isha",
        "DATABASE_CONNECT_TIMEOUT": "1",
    }
    try:
        # manage()'s own 120-second limit fails the test if the connection hangs.
        attempt = manage(fork_server, "shell", "--no-imports", "-c", CONNECT, env=env)
    finally:
        silent.close()
    assert attempt.returncode != 0
    assert "OperationalError" in attempt.stderr and "timeout" in attempt.stderr.lower()


CONNECT = "from django.db import connection; connection.ensure_connection()"


def test_postgresql_connections_give_up_within_seconds_by_default(settings):
    if connection.vendor != "postgresql":
        pytest.skip("libpq's connect_timeout is a PostgreSQL option")
    assert 0 < settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] <= 10


@pytest.fixture
def outage_filters():
    """The configured handlers' outage filters (console, mail to ADMINS), reset after."""
    handlers = [*logging.getLogger().handlers, *logging.getLogger("django").handlers]
    filters = [
        each for handler in handlers for each in handler.filters if isinstance(each, OncePerDatabaseOutage)
    ]
    for each in filters:  # earlier tests' outages are not this one's
        each._quiet_until = 0.0
    yield handlers
    for each in filters:
        each._quiet_until = 0.0


def record_of(exc):
    try:
        raise exc
    except Exception:
        return logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Error", (), sys.exc_info())


def test_a_database_outage_is_logged_and_mailed_once_a_minute_not_per_request(outage_filters):
    console, mail_admins = outage_filters[0], outage_filters[-1]
    assert isinstance(mail_admins, AdminEmailHandler)
    for handler in (console, mail_admins):
        assert handler.filter(record_of(OperationalError("connection refused")))
        assert not handler.filter(record_of(OperationalError("connection refused")))
        assert handler.filter(record_of(RuntimeError("a bug is always reported")))
