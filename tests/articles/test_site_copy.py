"""Site copy in site settings: publishers change it in the admin, with history; readers see
it on every page; the crisis line keeps a phone number; error pages need no database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import SiteSettings
from articles.models.site_copy import BUILT_IN_COPY
from articles.validators import validate_holds_phone_number
from tests.factories import ArticleFactory

from .admin_support import error_text, form_data

pytestmark = pytest.mark.django_db


def settings_url():
    return reverse("admin:articles_sitesettings_change", args=[SiteSettings.load().pk])


def save_settings(client, **changes):
    data = form_data(client.get(settings_url()), form_id="sitesettings_form", **changes)
    return client.post(settings_url(), data)


@pytest.mark.parametrize(
    "text",
    [
        "Call or text 988 at any hour.",
        "Call 1-800-273-8255.",
        "Call (800) 273 8255 now",
        "Call +1 800.273.8255",
        "Call 8002738255",
    ],
)
def test_a_crisis_line_with_a_phone_number_is_accepted(text):
    validate_holds_phone_number(text)


@pytest.mark.parametrize(
    "text", ["Call the lifeline at any hour.", "Call 98 or 9888", "Order 12345 of 2026", "Call 800-273-825"]
)
def test_a_crisis_line_without_a_phone_number_is_refused(text):
    with pytest.raises(ValidationError) as raised:
        validate_holds_phone_number(text)
    assert raised.value.code == "no_phone_number"


def test_the_built_in_crisis_line_holds_a_phone_number():
    validate_holds_phone_number(BUILT_IN_COPY["crisis_line"])
    validate_holds_phone_number(SiteSettings.load().crisis_line)


def test_a_publisher_changes_the_home_intro_and_readers_see_it_with_history(publisher_client, publisher):
    ArticleFactory(title="An article")
    response = save_settings(publisher_client, home_intro="We are a <small> clinic.\nSecond line.")
    assert response.status_code == 302, error_text(response)

    html = Client().get("/").content.decode()
    assert "We are a &lt;small&gt; clinic.<br>Second line." in html
    assert BUILT_IN_COPY["home_intro"] not in html
    latest = SiteSettings.history.order_by("-history_id").first()
    assert latest.home_intro.startswith("We are a") and latest.history_user == publisher


def test_a_crisis_line_without_a_number_gets_a_form_error_and_keeps_the_text(publisher_client):
    response = save_settings(publisher_client, crisis_line="Please call the lifeline.")
    assert response.status_code == 200
    assert "Keep a phone number" in error_text(response)
    assert "Please call the lifeline." in response.content.decode()
    assert SiteSettings.load().crisis_line == BUILT_IN_COPY["crisis_line"]


def test_an_editor_sees_the_site_copy_read_only(editor_client):
    response = save_settings(editor_client, site_name="Editor's clinic")
    assert response.status_code == 403
    assert SiteSettings.load().site_name == "Isha Health"


def test_every_page_reads_the_copy_and_links_the_crisis_numbers(publisher_client):
    article, _other = ArticleFactory(title="An article"), ArticleFactory(title="Another")
    save_settings(
        publisher_client,
        site_name="Isha Clinic",
        footer_text="About us.",
        footer_disclaimer="Not advice.",
        crisis_line="Call 1-800-273-8255 any time.",
        standards_heading="Our standards",
        standards="Named authors. Every article says who wrote it.\nNo hype",
        article_cta="Ask our clinicians.",
    )
    reader = Client()
    home = reader.get("/").content.decode()
    assert "<title>Isha Clinic articles</title>" in home
    assert '<a href="tel:18002738255">1-800-273-8255</a>' in home
    assert "About us." in home and "Not advice." in home and "&copy;" in home
    assert "<li><strong>Named authors.</strong> Every article says who wrote it.</li>" in home
    assert "<li><strong>No hype</strong></li>" in home
    detail = reader.get(article.get_absolute_url()).content.decode()
    assert "Ask our clinicians." in detail and "The Latest From Isha Clinic" in detail


def test_saving_site_settings_retires_cached_pages(
    settings, publisher_client, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    ArticleFactory()
    reader = Client()
    reader.get("/")
    assert reader.get("/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        save_settings(publisher_client, home_intro="A new introduction.")
    response = reader.get("/")
    assert response["X-Page-Cache"] == "miss" and "A new introduction." in response.content.decode()


def test_the_404_page_renders_the_built_in_copy_without_the_database(monkeypatch):
    SiteSettings.objects.update(site_name="Edited name")

    def no_database(*args, **kwargs):
        raise AssertionError("the 404 page touched the database")

    monkeypatch.setattr(connection, "cursor", no_database)
    response = Client(raise_request_exception=False).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "Page not found" in html
    assert '<a href="tel:988">988</a>' in html and "Edited name" not in html
