import os
from pathlib import Path

import pytest
from django.conf import settings


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
