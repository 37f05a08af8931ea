"""PostgreSQL connections come from psycopg's pool (Django's built-in pooling): a lost or
exhausted database gives the 503 page after the pool's short wait, never a hung worker, and
the site serves again as soon as the database is back."""

import threading
import time

import pytest
from django.core.checks import run_checks
from django.db import connection, connections
from psycopg_pool import PoolTimeout

from isha.checks import SETTINGS_TAG
from tests.isha.test_database_down import assert_styled_503, reader
from tests.isha.test_settings import env_example, manage

# The database settings a fresh process reads (no connection is opened).
SETTINGS_OF = (
    "from django.conf import settings; d = settings.DATABASES['default']; "
    "print(d['CONN_MAX_AGE'], d['OPTIONS'].get('pool'))"
)


def pool():
    if connection.vendor != "postgresql":
        pytest.skip("the connection pool is PostgreSQL's (psycopg_pool)")
    return connection.pool


def pool_timeouts(caplog):
    """The request errors logged with a PoolTimeout behind them (Django wraps the driver's
    OperationalError subclasses in its own, keeping the original as ``__cause__``)."""
    return [
        record
        for record in caplog.records
        if record.exc_info and isinstance(record.exc_info[1].__cause__, PoolTimeout)
    ]


def test_postgresql_uses_the_pool_and_waits_seconds_for_a_connection(settings):
    current = pool()
    assert current is not None
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0
    assert 0 < current.timeout <= 10
    assert current.reconnect_timeout <= current.timeout


def test_production_defaults_turn_the_pool_on_and_the_switch_turns_it_off(fork_server):
    base = {
        **env_example(),
        "DATABASE_URL": "postgres://isha@127.0.0.1:5432/isha",
        "DJANGO_SETTINGS_MODULE": "isha.settings",
    }
    pooled = manage(fork_server, env=base, command=("-c", SETTINGS_OF))
    assert pooled.returncode == 0, pooled.stderr
    max_age, options = pooled.stdout.split(" ", 1)
    assert max_age == "0" and "'timeout': 3.0" in options and "'max_size': 4" in options

    plain = manage(fork_server, env={**base, "DATABASE_POOL": "false"}, command=("-c", SETTINGS_OF))
    assert plain.stdout.split() == ["60", "None"], plain.stderr


def test_persistent_connections_with_the_pool_fail_the_check_naming_both(fork_server):
    env = {**env_example(), "DATABASE_URL": "postgres://isha@127.0.0.1:5432/isha", "CONN_MAX_AGE": "60"}
    result = manage(fork_server, "check", env=env)
    assert result.returncode != 0
    assert "CONN_MAX_AGE must be 0 (or unset) while DATABASE_POOL is on" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_POOL_MIN_SIZE", -1),
        ("DATABASE_POOL_MAX_SIZE", 0),
        ("DATABASE_POOL_TIMEOUT", 0),
        ("DATABASE_POOL_TIMEOUT", 120.0),
    ],
)
def test_each_malformed_pool_setting_is_a_check_error_naming_it(name, value, settings):
    settings.DATABASE_POOL_MIN_SIZE, settings.DATABASE_POOL_MAX_SIZE = 1, 4
    assert not run_checks(tags=[SETTINGS_TAG])
    setattr(settings, name, value)
    errors = [e for e in run_checks(tags=[SETTINGS_TAG]) if e.is_serious()]
    assert len(errors) == 1 and errors[0].msg.startswith(name)


def test_a_pool_smaller_than_its_minimum_is_a_check_error(settings):
    settings.DATABASE_POOL_MIN_SIZE, settings.DATABASE_POOL_MAX_SIZE = 5, 2
    messages = [e.msg for e in run_checks(tags=[SETTINGS_TAG]) if e.is_serious()]
    assert messages == ["DATABASE_POOL_MAX_SIZE (2) must be at least DATABASE_POOL_MIN_SIZE (5)."]


@pytest.mark.faults
def test_a_lost_database_gives_the_503_after_the_pool_wait_and_serves_again_once_back(
    database_outage, caplog
):
    current = pool()
    database_outage.stop()
    # What a worker does between requests: its connection goes back to the pool, so the
    # next request asks the pool for one while the database refuses them all.
    connection.close()

    started = time.monotonic()
    html = assert_styled_503(reader().get("/"))
    waited = time.monotonic() - started
    assert "Back in a moment" in html
    assert current.timeout - 0.5 <= waited <= current.timeout + 5
    assert pool_timeouts(caplog), "the 503 came from the pool's wait"

    database_outage.start()
    deadline = time.monotonic() + current.timeout + 5
    while (status := reader().get("/").status_code) != 200 and time.monotonic() < deadline:
        connection.close()
    assert status == 200


@pytest.fixture
def pool_closed_after(transactional_db):
    """The pool this test grew to its maximum is closed afterwards, so later tests start,
    like a new worker, from a pool holding one connection. (Left open, its idle connections
    would all be dropped by the next test's outage, and psycopg_pool checks dead ones one
    by one with a growing pause, which can outlast the wait.)"""
    pool()  # skips on SQLite
    yield
    connection.close()
    connection.close_pool()


@pytest.mark.faults
def test_an_exhausted_pool_gives_the_503_after_its_wait_not_a_hung_worker(pool_closed_after, caplog):
    """Every connection the pool may open is held by other threads (requests stuck on a
    slow query, say): the next request waits the pool's timeout, then gets the 503 page."""
    current = pool()
    connection.close()  # the test's own connection goes back to the pool, like a worker's
    holding, release = threading.Barrier(current.max_size + 1), threading.Event()

    def hold_a_connection():
        try:
            connections["default"].ensure_connection()
            holding.wait(timeout=30)
            release.wait(timeout=60)
        finally:
            connections["default"].close()

    holders = [threading.Thread(target=hold_a_connection) for _ in range(current.max_size)]
    for holder in holders:
        holder.start()
    try:
        holding.wait(timeout=30)
        started = time.monotonic()
        assert_styled_503(reader().get("/"))
        waited = time.monotonic() - started
    finally:
        release.set()
        for holder in holders:
            holder.join(timeout=30)
    assert current.timeout - 0.5 <= waited <= current.timeout + 5
    assert pool_timeouts(caplog)
    assert reader().get("/").status_code == 200
