"""Playwright against Debian's Chromium (``playwright install`` cannot download here).

Browser tests use ``live_server``, so each runs in a transactional database that is
flushed afterwards: the data migration's SignupFormCopy row is gone, and the code under
test recreates it through ``SignupFormCopy.load()``. Nothing here relies on that row.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run them, so this is a failure, not a skip")
        pytest.skip(reason)
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }
