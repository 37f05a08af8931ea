"""Admin sign-in is throttled (issue 12): django-axes on its database handler.

A (username, address) pair is locked after ``LOGIN_FAILURE_LIMIT`` (5) failures and an
address after ``LOGIN_ADDRESS_FAILURE_LIMIT`` (30), for ``LOGIN_LOCKOUT_MINUTES`` (15); a
locked attempt is refused before the password is hashed; Redis plays no part.
"""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessLog
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client

from isha.checks import SETTINGS_TAG

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a long pass phrase"
START = datetime(2026, 3, 14, 9, tzinfo=UTC)


class CountingHasher(MD5PasswordHasher):
    """Counts every hash it computes, to show a locked attempt never reaches a hasher."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        CountingHasher.calls += 1
        return super().verify(password, encoded)


@pytest.fixture
def staff(django_user_model):
    django_user_model.objects.create_superuser("alice", "alice@example.com", PASSWORD)
    django_user_model.objects.create_superuser("bob", "bob@example.com", PASSWORD)


def sign_in(username, password=PASSWORD, address="192.0.2.10", **headers):
    """POST the admin's login form from ``address``; returns the response."""
    return Client(REMOTE_ADDR=address, **headers).post(LOGIN, {"username": username, "password": password})


def fail(times, username="alice", address="192.0.2.10", **headers):
    for _ in range(times):
        response = sign_in(username, "wrong guess", address, **headers)
        assert response.status_code in (200, 429)


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_after_five_failures_the_right_password_is_refused_without_being_hashed(staff, settings):
    settings.PASSWORD_HASHERS = ["tests.isha.test_login_throttle.CountingHasher"]
    CountingHasher.calls = 0
    fail(4)
    assert CountingHasher.calls >= 4  # each unlocked attempt is hashed (and counted)
    assert signed_in(sign_in("alice"))  # four failures: not locked yet
    fail(5)

    CountingHasher.calls = 0
    refused = sign_in("alice")
    assert refused.status_code == 429
    assert "Sign-in paused" in refused.content.decode()
    assert CountingHasher.calls == 0


def test_a_refused_guess_costs_two_queries_and_no_page_render(staff, django_assert_max_num_queries):
    fail(5)
    with django_assert_max_num_queries(2):
        refused = sign_in("alice", "another guess")
    assert refused.status_code == 429 and "Sign-in paused" in refused.text
    assert "login-form" not in refused.text


def test_a_locked_pair_leaves_other_usernames_at_that_address_alone(staff):
    fail(5, "alice")
    assert sign_in("alice").status_code == 429
    assert signed_in(sign_in("bob"))
    assert signed_in(sign_in("alice", address="198.51.100.7"))


def test_an_address_is_locked_after_thirty_failures_whatever_the_usernames(staff):
    for number in range(29):
        fail(1, f"guess{number}", address="203.0.113.5")
    assert signed_in(sign_in("bob", address="203.0.113.5"))
    fail(1, "guess29", address="203.0.113.5")
    assert sign_in("bob", address="203.0.113.5").status_code == 429
    assert sign_in("someone-new", address="203.0.113.5").status_code == 429
    assert signed_in(sign_in("bob", address="198.51.100.7"))


def test_a_lockout_lasts_fifteen_minutes_and_guesses_during_it_do_not_extend_it(staff):
    with time_machine.travel(START, tick=False) as clock:
        fail(5)
        clock.move_to(START + timedelta(minutes=10))
        fail(3)  # refused while locked; not counted
        clock.move_to(START + timedelta(minutes=14, seconds=59))
        assert sign_in("alice").status_code == 429
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        assert signed_in(sign_in("alice"))


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(staff, settings):
    settings.SIGNUP_TRUSTED_PROXY_HOPS = 1
    proxy = "10.0.0.2"
    # An attacker writes whatever it likes at the left of X-Forwarded-For; the proxy
    # appends the address it really saw.
    for number in range(5):
        fail(1, address=proxy, HTTP_X_FORWARDED_FOR=f"198.18.0.{number}, 203.0.113.9")
    assert sign_in("alice", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert signed_in(sign_in("alice", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"))


def test_axes_reset_lifts_every_lockout(staff):
    fail(5)
    assert sign_in("alice").status_code == 429
    call_command("axes_reset")
    assert signed_in(sign_in("alice"))


@pytest.mark.faults
def test_throttling_works_with_redis_stopped(staff, redis_server):
    redis_server.stop()
    fail(5)
    assert sign_in("alice").status_code == 429
    assert signed_in(sign_in("bob"))


@pytest.mark.parametrize(
    ("name", "value"),
    [("LOGIN_FAILURE_LIMIT", 0), ("LOGIN_ADDRESS_FAILURE_LIMIT", -1), ("LOGIN_LOCKOUT_MINUTES", 0)],
)
def test_a_limit_that_would_switch_throttling_off_fails_the_checks(name, value, settings):
    setattr(settings, name, value)
    errors = [error for error in run_checks(tags=[SETTINGS_TAG]) if error.is_serious()]
    assert len(errors) == 1 and errors[0].msg.startswith(name)


def test_sign_in_records_are_kept_ninety_days(staff):
    assert signed_in(sign_in("alice"))
    with time_machine.travel(datetime.now(UTC) + timedelta(days=89)):
        call_command("run_periodic", "--only", "axes_reset_logs", stdout=io.StringIO())
        assert AccessLog.objects.count() == 1
    with time_machine.travel(datetime.now(UTC) + timedelta(days=91)):
        call_command("run_periodic", "--only", "axes_reset_logs", "--force", stdout=io.StringIO())
        assert AccessLog.objects.count() == 0
