"""Settings: a development .env that works as copied, a strict production mode clean under
`check --deploy`, and malformed values refused by name."""

import ast
import json
import os
import re
import secrets
from pathlib import Path

import django.conf.global_settings
import pytest
from django.conf import settings
from django.core.checks import run_checks

from isha.checks import SETTINGS_TAG
from tests.factories import ArticleFactory

ROOT = Path(settings.BASE_DIR)
PRODUCTION_MARK = "#prod "


def env_example(*, production=False):
    """The variables .env.example sets: its active lines (development), overridden by the
    lines marked ``#prod`` when ``production``."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if production and line.startswith(PRODUCTION_MARK):
            line = line.removeprefix(PRODUCTION_MARK)
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key] = value
    return values


def documented():
    """Every variable .env.example names, in a development or a production line."""
    return set(env_example()) | set(env_example(production=True))


def manage(fork_server, *args, env, command=("manage.py",)):
    """``python manage.py *args`` (or ``python -c CODE`` with ``command=("-c", CODE)``) in a
    fresh process (``tests.isha.fresh_process``), settings read from ``env`` alone."""
    # The test process's own settings (and its async-unsafe flag) must not leak in, nor
    # may a developer's .env: every documented variable is set, empty if not given
    # (settings read empty as unset), since .env never overrides the environment.
    dropped = {*documented(), "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env = {**clean, **dict.fromkeys(documented(), ""), **env}
    if command[0] == "-c":
        return fork_server.run(["-c", *args], env=full_env, code=command[1])
    return fork_server.run([*command, *args], env=full_env)


def test_check_deploy_is_clean_in_production_with_the_example_values_and_a_real_key(fork_server):
    result = manage(
        fork_server,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**env_example(production=True), "SECRET_KEY": secrets.token_urlsafe(50)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_a_required_variable(fork_server, missing):
    values = {**env_example(production=True), "SECRET_KEY": secrets.token_urlsafe(50)}
    values[missing] = ""
    result = manage(fork_server, "check", env=values)
    assert result.returncode != 0
    assert missing in result.stderr and "DJANGO_ENV=production needs" in result.stderr


def test_production_refuses_the_development_secret_key_and_sqlite(fork_server):
    base = env_example(production=True)
    weak = manage(fork_server, "check", env={**base, "SECRET_KEY": "change-me"})
    assert weak.returncode != 0 and "SECRET_KEY must be a real secret" in weak.stderr
    sqlite = manage(
        fork_server,
        "check",
        env={**base, "SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": "sqlite:///x.db"},
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
    assert read - documented() == set()


def _defined_in_settings_py():
    tree = ast.parse((ROOT / "isha" / "settings.py").read_text())
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names |= {t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()}
        if isinstance(node, ast.If):  # settings defined only in production
            names |= {
                t.id
                for n in ast.walk(node)
                if isinstance(n, ast.Assign)
                for t in n.targets
                if isinstance(t, ast.Name) and t.id.isupper()
            }
    return names


def test_every_setting_app_code_reads_is_defined_in_settings_py_or_by_django():
    """A setting read with a default in code (``getattr(settings, "X", 10)``) would be
    undocumented and unchecked; settings.py defines each one from the environment."""
    read = {}
    for package in ("isha", "articles", "signups"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path.name == "settings.py":
                continue
            text = path.read_text()
            for name in re.findall(r"\bsettings\.([A-Z][A-Z0-9_]*)\b", text):
                read.setdefault(name, path.relative_to(ROOT))
            for name in re.findall(r"getattr\(\s*settings\s*,\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text):
                read.setdefault(name, path.relative_to(ROOT))
    django_defaults = {name for name in dir(django.conf.global_settings) if name.isupper()}
    undefined = {name: str(where) for name, where in read.items() if name not in _defined_in_settings_py()}
    assert {name: where for name, where in undefined.items() if name not in django_defaults} == {}


def test_the_example_file_as_it_stands_is_a_working_development_configuration(fork_server):
    """Copied to .env unchanged: SQLite, local memory, no page cache, text logs, emails to
    the outbox folder, and `manage.py check` passes."""
    env = env_example()
    assert "DATABASE_URL" not in env and "REDIS_URL" not in env and env["DJANGO_ENV"] == "development"
    check = manage(fork_server, "check", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'db': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'],"
        "'page_cache': s.PAGE_CACHE_SECONDS, 'log': s.LOGGING['handlers']['console'],"
        "'mail': s.MAILERS['default']['BACKEND'], 'debug': s.DEBUG}))"
    )
    shell = manage(fork_server, "shell", "--no-imports", "-c", script, env=env)
    assert shell.returncode == 0, shell.stderr
    loaded = json.loads(shell.stdout.strip().splitlines()[-1])
    assert loaded == {
        "db": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "page_cache": 0,
        "log": {"class": "logging.StreamHandler", "formatter": "text", "filters": ["database_outage_log"]},
        "mail": "django.core.mail.backends.filebased.EmailBackend",
        "debug": True,
    }


def test_the_page_cache_is_on_in_development_with_redis_and_always_in_production(fork_server):
    script = "from django.conf import settings as s; print(s.PAGE_CACHE_SECONDS)"
    with_redis = manage(
        fork_server,
        "shell",
        "--no-imports",
        "-c",
        script,
        env={**env_example(), "REDIS_URL": "redis://127.0.0.1:6379/9"},
    )
    assert with_redis.stdout.strip().splitlines()[-1] == "600", with_redis.stderr
    production = {**env_example(production=True), "SECRET_KEY": secrets.token_urlsafe(50)}
    prod = manage(fork_server, "shell", "--no-imports", "-c", script, env=production)
    assert prod.stdout.strip().splitlines()[-1] == "600", prod.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SIGNUP_RATE_LIMIT", "20/minute", "SIGNUP_RATE_LIMIT must be COUNT/UNIT"),
        ("SITE_URL", "www.ishahealth.com", "SITE_URL must be an origin"),
        ("DEBUG", "ture", "DEBUG must be true or false"),
        ("ARTICLES_PER_PAGE", "nine", "ARTICLES_PER_PAGE must be a whole number"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be 'json' or 'text'"),
        ("DATABASE_URL", "mysql://user:secret@db/isha", "DATABASE_URL must be a postgres://"),
    ],
)
def test_manage_py_check_fails_on_a_malformed_value_naming_the_variable(fork_server, name, value, message):
    result = manage(fork_server, "check", env={**env_example(), name: value})
    assert result.returncode != 0
    assert message in result.stderr
    assert "secret" not in result.stderr  # a URL's password is never echoed


def test_a_server_refuses_to_start_with_a_malformed_setting(fork_server):
    """gunicorn runs no system checks itself; the WSGI module does."""
    command = ("-c", "import isha.wsgi")
    result = manage(fork_server, env={**env_example(), "SIGNUP_RATE_LIMIT": "20/minute"}, command=command)
    assert result.returncode != 0 and "SIGNUP_RATE_LIMIT" in result.stderr
    assert manage(fork_server, env=env_example(), command=command).returncode == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PAGE_CACHE_SECONDS", -1),
        ("PAGE_CACHE_BROWSER_SECONDS", -5),
        ("ARTICLES_PER_PAGE", 0),
        ("IMAGE_MAX_UPLOAD_BYTES", 0),
        ("IMAGE_MAX_PIXELS", -1),
        ("SITE_URL", "https://www.ishahealth.com/blog/"),
        ("SITE_URL", "ftp://www.ishahealth.com"),
        ("REDIS_URL", "http://cache:6379/0"),
        ("SMTP_SECURITY", "tls"),
        ("DEFAULT_FROM_EMAIL", "Isha Health"),
        ("SERVER_EMAIL", "a@example.com, b@example.com"),
        ("ADMINS", ["ops"]),
        ("CSP_IMG_SRC", ["cdn.example.com; script-src *"]),
        ("SIGNUP_CONFIRM_MAX_AGE_DAYS", 0),
        ("SIGNUP_RESEND_INTERVAL", -1),
        ("SIGNUP_EMAIL_MAX_ATTEMPTS", 0),
        ("SIGNUP_EMAIL_RETRY_SECONDS", -1),
        ("SIGNUP_MIN_FILL_SECONDS", -0.5),
        ("SIGNUP_TRUSTED_PROXY_HOPS", -1),
        ("SIGNUP_RATE_LIMIT", "20"),
        ("FEEDBACK_RATE_LIMIT", "10 per hour"),
    ],
)
def test_each_malformed_setting_is_a_check_error_naming_it(name, value, settings):
    assert not run_checks(tags=[SETTINGS_TAG])
    setattr(settings, name, value)
    errors = [e for e in run_checks(tags=[SETTINGS_TAG]) if e.is_serious()]
    assert len(errors) == 1 and errors[0].msg.startswith(name)


def test_smtp_port_and_timeout_are_checked_when_mail_goes_out_by_smtp(settings):
    smtp = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"port": 70000, "timeout": 0},
    }
    settings.MAILERS = {"default": smtp, "admins": smtp}
    messages = [e.msg for e in run_checks(tags=[SETTINGS_TAG])]
    assert any(m.startswith("SMTP_PORT") for m in messages) and any(
        m.startswith("SMTP_TIMEOUT") for m in messages
    )


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


def test_a_read_replica_is_a_second_postgresql_alias_that_tests_read_from_the_primary(fork_server):
    script = (
        "import json; from django.conf import settings as s; r = s.DATABASES['replica']; "
        "print(json.dumps([r['NAME'], r['ENGINE'], r['TEST']['MIRROR'], s.DATABASE_ROUTERS]))"
    )
    primary = "postgres://isha@127.0.0.1:5432/isha"
    with_replica = manage(
        fork_server,
        "shell",
        "--no-imports",
        "-c",
        script,
        env={**env_example(), "DATABASE_URL": primary, "DATABASE_REPLICA_URL": "postgres://ro@10.0.0.2/isha"},
    )
    assert json.loads(with_replica.stdout.strip().splitlines()[-1]) == [
        "isha",
        "django.db.backends.postgresql",
        "default",
        ["signups.routing.PrimaryRouter"],
    ], with_replica.stderr


@pytest.mark.parametrize(
    ("primary", "replica", "message"),
    [
        (
            "",
            "postgres://ro@10.0.0.2/isha",
            "DATABASE_REPLICA_URL needs DATABASE_URL to be a postgres:// URL.",
        ),
        (
            "postgres://isha@127.0.0.1/isha",
            "sqlite:///x.db",
            "DATABASE_REPLICA_URL must be a postgres:// URL.",
        ),
    ],
)
def test_a_read_replica_needs_postgresql_on_both_sides(fork_server, primary, replica, message):
    env = {**env_example(), "DATABASE_URL": primary, "DATABASE_REPLICA_URL": replica}
    result = manage(fork_server, "check", env=env)
    assert result.returncode != 0 and message in result.stderr
