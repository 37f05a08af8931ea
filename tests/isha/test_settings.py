"""Production mode: strict, complete, and clean under `check --deploy`."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import ArticleFactory

ROOT = Path(settings.BASE_DIR)


def env_example():
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key] = value
    return values


def manage(*args, env):
    # The test process's own settings (and its async-unsafe flag) must not leak in.
    dropped = {*env_example(), "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_with_the_example_values_and_a_real_key():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**env_example(), "DJANGO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    values = {**env_example(), "DJANGO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50)}
    values[missing] = ""
    result = manage("check", env=values)
    assert result.returncode != 0
    assert missing in result.stderr and "DJANGO_ENV=production needs" in result.stderr


def test_production_refuses_the_development_secret_key_and_sqlite():
    base = {**env_example(), "DJANGO_ENV": "production"}
    weak = manage("check", env={**base, "SECRET_KEY": "change-me"})
    assert weak.returncode != 0 and "SECRET_KEY must be a real secret" in weak.stderr
    sqlite = manage(
        "check", env={**base, "SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": "sqlite:///x.db"}
    )
    assert sqlite.returncode != 0 and "PostgreSQL" in sqlite.stderr


def test_the_example_file_documents_every_variable_settings_read():
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', (ROOT / "isha" / "settings.py").read_text()))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', (ROOT / "gunicorn.conf.py").read_text()))
    read -= {
        "GUNICORN_ACCESSLOG",
        "GUNICORN_LOGLEVEL",
        "GUNICORN_MAX_REQUESTS",
        "GUNICORN_FORWARDED_ALLOW_IPS",
    }
    assert read - set(env_example()) == set()


@pytest.mark.django_db
class TestSecurityHeaders:
    def test_public_pages_get_a_strict_policy_without_nonce_or_inline_allowances(self, client):
        response = client.get(ArticleFactory().get_absolute_url())
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "nonce-" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "camera=()" in response["Permissions-Policy"]

    def test_public_pages_carry_no_inline_executable_script_or_inline_style(self, client):
        article = ArticleFactory(body="<p>Text</p><h2>Part</h2>")
        for url in ("/", article.get_absolute_url(), "/signup/", "/search/?q=text", "/no-such-page/"):
            html = client.get(url).content.decode()
            for tag in re.findall(r"<script\b[^>]*>", html):
                assert "src=" in tag or 'type="application/ld+json"' in tag, (url, tag)
            assert " style=" not in html, url
            assert "<style" not in html, url

    def test_admin_pages_get_a_nonce_for_their_scripts(self, admin_client):
        response = admin_client.get("/admin/")
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert nonce and f'nonce="{nonce.group(1)}"' in response.content.decode()
