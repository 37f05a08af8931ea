"""Staff's second factor (issue 12): self-service TOTP enrolment with backup codes, the
code asked at sign-in, and ``ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA``.

Codes are computed here from the secret the page shows (RFC 6238 with HMAC-SHA1, 30 s
steps, six digits, as authenticator apps do), not with the library under test.
"""

import hashlib
import hmac
import re
import struct
import time
from base64 import b32decode
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a long pass phrase"
LOGIN = "/admin/login/?next=/admin/"
ENROL = "/admin/two-factor/"
START = datetime(2026, 3, 14, 9, tzinfo=UTC)


def totp(secret: str, at: float | None = None) -> str:
    """The six-digit code an authenticator app shows for base32 ``secret`` at Unix time ``at``."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def secret_on(page_html: str) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7]+)<', page_html)[1]


@pytest.fixture
def marketing(django_user_model):
    user = django_user_model.objects.create_user("mia", "mia@example.com", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Marketing"))
    assert user.has_perm("signups.view_subscriber") and not user.is_superuser
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("ed", "ed@example.com", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    assert not user.has_perm("signups.view_subscriber")
    return user


def signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def enrol(client) -> tuple[str, list[str]]:
    """Turn TOTP on through the page; returns the secret and the backup codes shown."""
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<img" not in html.split('id="content-main"')[1]
    secret = secret_on(html)
    done = client.post(ENROL, {"code": totp(secret)})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert "Two-step sign-in is <strong>on</strong>" in done.content.decode()
    return secret, codes


def sign_in(username, code=None):
    client = Client()
    data = {"username": username, "password": PASSWORD}
    if code is not None:
        data["otp_token"] = code
    return client, client.post(LOGIN, data)


def test_enrolment_shows_a_qr_code_and_ten_backup_codes_then_sign_in_asks_for_a_code(marketing):
    with time_machine.travel(START, tick=False) as clock:
        secret, codes = enrol(signed_in_client(marketing))
        assert len(set(codes)) == 10

        clock.move_to(START + timedelta(seconds=60))
        _, without = sign_in("mia")
        assert without.status_code == 200 and "Enter the code from your authenticator app" in without.text
        _, wrong = sign_in("mia", "000000" if totp(secret) != "000000" else "111111")
        assert wrong.status_code == 200 and "That code is not right" in wrong.text

        clock.move_to(START + timedelta(seconds=120))
        client, right = sign_in("mia", totp(secret))
        assert right.status_code == 302 and right["Location"] == "/admin/"
        assert client.get("/admin/signups/subscriber/").status_code == 200


def test_a_backup_code_signs_in_once(marketing):
    _, codes = enrol(signed_in_client(marketing))
    _, first = sign_in("mia", codes[0].upper())
    assert first.status_code == 302
    _, again = sign_in("mia", codes[0])
    assert again.status_code == 200 and "That code is not right" in again.text


def test_without_a_second_factor_the_sign_in_form_needs_no_code(editor):
    _, response = sign_in("ed")
    assert response.status_code == 302


def test_when_required_staff_who_see_subscribers_must_enrol_before_using_the_admin(
    marketing, editor, settings
):
    settings.ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA = True
    client, response = sign_in("mia")
    assert response.status_code == 302
    for url in ["/admin/", "/admin/signups/subscriber/", "/admin/signups/subscriber/export/"]:
        sent = client.get(url)
        assert sent.status_code == 302 and sent["Location"] == ENROL, url
    page = client.get(ENROL).content.decode()
    assert "needs two-step sign-in" in page
    assert "Turn two-step sign-in off" not in page

    enrol(client)
    assert client.get("/admin/signups/subscriber/").status_code == 200

    editor_client, _ = sign_in("ed")
    assert editor_client.get("/admin/").status_code == 200


def test_a_session_signed_in_without_a_code_is_sent_back_once_it_is_required(marketing, settings):
    client = signed_in_client(marketing)
    enrol(client)
    settings.ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA = True
    stale = signed_in_client(marketing)  # signed in by password alone (no OTP device in session)
    assert stale.get("/admin/").status_code == 302
    assert "signed in without a code" in stale.get(ENROL).content.decode()


def test_when_not_required_staff_can_turn_it_off(marketing):
    client = signed_in_client(marketing)
    enrol(client)
    off = client.post(ENROL, {"action": "turn-off"})
    assert "Two-step sign-in is off" in off.content.decode()
    _, response = sign_in("mia")
    assert response.status_code == 302


def test_the_requirement_leaves_public_pages_alone(settings, client):
    settings.ADMIN_REQUIRE_2FA_FOR_SUBSCRIBER_DATA = True
    response = client.get("/")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")  # the session was not opened
