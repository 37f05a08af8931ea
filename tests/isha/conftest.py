import pytest
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
