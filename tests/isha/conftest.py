import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture
def database_outage(transactional_db):
    """A :class:`tests.isha.database_outage.DatabaseOutage` on this run's PostgreSQL test
    database (skips on SQLite); the database accepts connections again after the test."""
    if connection.vendor != "postgresql":
        pytest.skip("takes a PostgreSQL database away for real; CI runs it on PostgreSQL")
    from tests.isha.database_outage import DatabaseOutage

    outage = DatabaseOutage()
    try:
        yield outage
    finally:
        if outage.down:
            outage.start()


@pytest.fixture(scope="session")
def fork_server():
    """A :class:`tests.isha.fresh_process.ForkServer` in the project folder, one per test
    process: ``manage.py`` in a fresh process per call, without paying for a new interpreter.
    The test process's settings module and async-unsafe flag are not passed on."""
    from tests.isha.fresh_process import ForkServer

    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    server = ForkServer(cwd=Path(settings.BASE_DIR), env=env)
    yield server
    server.close()
