"""The edge's settings are checked at start-up, and the shipped VCL agrees with the site."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command

from isha.checks import SETTINGS_TAG
from isha.edge import vcl

from .servers import varnishd_path


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EDGE_PURGE_BACKEND", "fastly"),
        ("EDGE_PURGE_TIMEOUT", 0),
        ("EDGE_PURGE_RETRY_SECONDS", -1),
        ("EDGE_PURGE_MAX_ATTEMPTS", 0),
        ("EDGE_REPURGE_SECONDS", 0.5),
    ],
)
def test_each_malformed_edge_setting_is_a_check_error_naming_it(name, value, settings):
    assert not run_checks(tags=[SETTINGS_TAG])
    setattr(settings, name, value)
    errors = [e for e in run_checks(tags=[SETTINGS_TAG]) if e.is_serious()]
    assert len(errors) == 1 and errors[0].msg.startswith(name)


@pytest.mark.parametrize("urls", [[], ["127.0.0.1:6081"], ["ftp://cache/"]])
def test_varnish_needs_the_url_of_each_cache(urls, settings):
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.EDGE_VARNISH_URLS = urls
    errors = [e for e in run_checks(tags=[SETTINGS_TAG]) if e.is_serious()]
    assert [e.msg.split()[0] for e in errors] == ["EDGE_VARNISH_URLS"]


def test_cloudflare_needs_a_zone_id_and_a_token_and_never_echoes_the_token(settings):
    settings.EDGE_PURGE_BACKEND = "cloudflare"
    settings.CLOUDFLARE_ZONE_ID = "my-zone"
    settings.CLOUDFLARE_API_TOKEN = ""
    errors = [e.msg for e in run_checks(tags=[SETTINGS_TAG]) if e.is_serious()]
    assert [m.split()[0] for m in errors] == ["CLOUDFLARE_ZONE_ID", "CLOUDFLARE_API_TOKEN"]

    settings.CLOUDFLARE_ZONE_ID = "0123456789abcdef0123456789abcdef"
    settings.CLOUDFLARE_API_TOKEN = "s3cret-token"
    assert not [e for e in run_checks(tags=[SETTINGS_TAG]) if e.is_serious()]


def test_an_edge_without_a_queue_that_can_defer_is_a_warning(settings):
    settings.EDGE_PURGE_BACKEND = "varnish"
    settings.EDGE_VARNISH_URLS = ["http://127.0.0.1:6081/"]
    [warning] = run_checks(tags=[SETTINGS_TAG])
    assert warning.id == "isha.edge.W001" and "not retried" in warning.msg

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert not run_checks(tags=[SETTINGS_TAG])


# --- The VCL -----------------------------------------------------------------------------------


def test_the_shipped_vcl_matches_the_settings_and_the_pages_query_parameters():
    out = io.StringIO()
    call_command("edge_vcl", "--check", stdout=out)
    assert "up to date" in out.getvalue()


def test_the_check_fails_when_a_tracking_parameter_is_added_and_the_command_fixes_the_file(
    settings, tmp_path
):
    copy = tmp_path / "default.vcl"
    shutil.copy(vcl.VCL_PATH, copy)
    settings.TRACKING_QUERY_PARAMETERS = [*settings.TRACKING_QUERY_PARAMETERS, "campaign_*"]

    with pytest.raises(CommandError, match="out of date"):
        call_command("edge_vcl", "--check", "--path", str(copy))
    call_command("edge_vcl", "--path", str(copy), stdout=io.StringIO())

    assert "campaign_[^=&]*" in copy.read_text()
    call_command("edge_vcl", "--check", "--path", str(copy), stdout=io.StringIO())
    outside = vcl.VCL_PATH.read_text().split(vcl.BEGIN)
    assert copy.read_text().split(vcl.BEGIN)[0] == outside[0]


def test_the_check_fails_when_the_session_cookie_is_renamed(settings, tmp_path):
    copy = tmp_path / "default.vcl"
    shutil.copy(vcl.VCL_PATH, copy)
    settings.SESSION_COOKIE_NAME = "isha_session"
    with pytest.raises(CommandError, match="out of date"):
        call_command("edge_vcl", "--check", "--path", str(copy))


def test_a_file_without_the_markers_is_an_error(tmp_path):
    broken = tmp_path / "default.vcl"
    broken.write_text("vcl 4.1;\n")
    with pytest.raises(CommandError, match="marker lines"):
        call_command("edge_vcl", "--check", "--path", str(broken))


@pytest.mark.parametrize("name", ['utm"x', "a b", "x;y", "*"])
def test_names_that_cannot_be_written_into_vcl_are_refused(name):
    with pytest.raises(ValueError, match="not a parameter name"):
        vcl.generated_block([name], "sessionid")


def test_the_cache_key_keeps_exactly_the_parameters_pages_read():
    read = vcl.read_parameters()
    assert {"page", "q"} <= read
    # The plain-form thanks has its own, uncached address: no page reads ?signup= any more.
    assert not read & {"utm_source", "preview", "r", "signup"}


def test_the_shipped_vcl_compiles():
    if not varnishd_path():
        pytest.skip("needs varnishd (apt-get install -y varnish)")
    with tempfile.TemporaryDirectory(prefix="isha-varnish-") as workdir:
        Path(workdir).chmod(0o755)  # varnishd started as root compiles as its own user
        command = [varnishd_path(), "-C", "-f", str(vcl.VCL_PATH), "-n", workdir]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
