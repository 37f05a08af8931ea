"""Error reports to ADMINS cannot make things worse when the mail server is down."""

import socket
import threading

from django.urls import path

from tests.isha.test_settings import env_example, manage


def broken_view(request):
    raise RuntimeError("boom")


# The subprocess below serves this module's URLs.
urlpatterns = [path("broken/", broken_view)]

REQUEST_A_BROKEN_PAGE = """
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings
with override_settings(ROOT_URLCONF="tests.isha.test_error_mail"):
    response = Client(raise_request_exception=False).get("/broken/")
print("status", response.status_code)
"""


class HangUpServer:
    """A TCP port that accepts connections and closes them at once: a mail server that is
    there but fails. Counts the connections."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _address = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self):
        self.socket.close()


def test_an_error_report_whose_mailer_fails_is_dropped_quietly_and_the_500_page_still_served(fork_server):
    """With the project's own mail settings (SMTP, as in production) and a mail server
    that hangs up, the 500 page is served and the report fails silently: no "Logging
    error" traceback, which is what the admins mailer without ``fail_silently`` gives."""
    server = HangUpServer()
    try:
        result = manage(
            fork_server,
            env={
                **env_example(),
                "DJANGO_SETTINGS_MODULE": "isha.settings",
                "DEBUG": "false",
                "ALLOWED_HOSTS": "testserver",
                "ADMINS": "ops@example.com",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(server.port),
                "SMTP_SECURITY": "none",
                "SMTP_TIMEOUT": "5",
            },
            command=("-c", REQUEST_A_BROKEN_PAGE),
        )
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    assert "status 500" in result.stdout
    assert server.connections >= 1, "the error report was never attempted"
    assert "RuntimeError: boom" in result.stderr  # the error itself is logged
    assert "Logging error" not in result.stderr
    assert "SMTPServerDisconnected" not in result.stderr
