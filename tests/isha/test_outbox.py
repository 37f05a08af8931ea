"""The development outbox: emails written by the file-based mailer, readable in the admin."""

import re

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings, tmp_path):
    """The development mailers as settings.py makes them, writing into a folder of the test."""
    settings.EMAIL_OUTBOX_DIR = tmp_path / "outbox"
    file_mailer = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(settings.EMAIL_OUTBOX_DIR)},
    }
    settings.MAILERS = {"default": file_mailer, "admins": file_mailer}
    settings.DEBUG = True
    return settings.EMAIL_OUTBOX_DIR


def test_a_sign_up_email_lands_in_the_outbox_with_its_link_clickable(
    outbox, admin_client, settings, django_capture_on_commit_callbacks
):
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    settings.SITE_URL = "http://127.0.0.1:8031"
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/signup/", {"email": "jane@example.com"})

    html = admin_client.get("/admin/outbox/").content.decode()

    assert "jane@example.com" in html
    links = re.findall(r'<a href="(http://127\.0\.0\.1:8031/signup/confirm/[^"]+)"', html)
    assert links, html
    # The link works: it opens the confirmation page.
    assert Client().get(links[0].removeprefix(settings.SITE_URL)).status_code == 200


def test_the_newest_email_comes_first_and_html_is_escaped(outbox, admin_client):
    mail.EmailMessage("First", "one", to=["a@example.com"]).send()
    mail.EmailMessage("Second <b>bold</b>", "two <script>x</script>", to=["b@example.com"]).send()
    html = admin_client.get("/admin/outbox/").content.decode()
    assert html.index("Second") < html.index("First")
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_the_admin_index_links_to_the_outbox_only_with_debug_on(outbox, admin_client, settings):
    assert 'href="/admin/outbox/"' in admin_client.get("/admin/").content.decode()
    settings.DEBUG = False
    assert "/admin/outbox/" not in admin_client.get("/admin/").content.decode()


def test_the_outbox_does_not_exist_with_debug_off(outbox, admin_client, settings):
    settings.DEBUG = False
    assert admin_client.get("/admin/outbox/").status_code == 404
    assert Client().get("/admin/outbox/").status_code == 404


def test_the_outbox_is_for_staff_only(outbox, client, django_user_model):
    assert client.get("/admin/outbox/")["Location"].startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    assert client.get("/admin/outbox/")["Location"].startswith("/admin/login/")


def test_an_empty_outbox_says_so(outbox, admin_client):
    assert "No emails yet" in admin_client.get("/admin/outbox/").content.decode()
