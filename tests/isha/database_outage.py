"""Taking this test run's own PostgreSQL database away for real, and bringing it back.

``ALTER DATABASE ... ALLOW_CONNECTIONS false`` plus ``pg_terminate_backend`` on the test
database (which belongs to this run alone, never the shared databases of other runs):
existing connections drop and new ones are refused with "database ... is not currently
accepting connections", as when the server is gone. Done from a separate connection to
the ``postgres`` maintenance database.
"""

import psycopg
from django.db import connection, connections


class DatabaseOutage:
    """Controls the test database of ``connection`` (the default alias)."""

    def __init__(self):
        params = connection.get_connection_params()
        self.name = connection.settings_dict["NAME"]
        self.admin_params = {
            key: params[key] for key in ("host", "port", "user", "password") if params.get(key)
        }
        self.down = False

    def _admin(self, *statements):
        with psycopg.connect(dbname="postgres", autocommit=True, **self.admin_params) as admin:
            for statement, args in statements:
                admin.execute(statement, args)

    def stop(self):
        """Refuse new connections and end every open one to the test database."""
        quoted = connection.ops.quote_name(self.name)
        self._admin(
            (f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS false", ()),
            (
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,),
            ),
        )
        self.down = True

    def start(self):
        """Accept connections again; Django's dropped connections are closed so the next
        query opens a fresh one."""
        quoted = connection.ops.quote_name(self.name)
        self._admin((f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS true", ()))
        self.down = False
        for each in connections.all():
            each.close()
