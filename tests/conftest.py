import os

import pytest

# Playwright runs an event loop in the test thread; without this, database access in
# tests after a browser test raises SynchronousOnlyOperation (see STACK.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads to its own folder, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Hashed static storage needs collectstatic; tests use plain storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Pages render on every request unless a test turns the page cache on itself."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Real hashers are slow on purpose; tests only need logins to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
