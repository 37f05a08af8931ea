"""Standalone pages (editorial standards, privacy notice, medical disclaimer): written in
the admin with the body's editor and sanitiser, published by publishers only, with
history; linked from the footer, the home page, the sign-up form and the emails."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import DemoContent, Page
from signups.mailing import confirmation_message
from signups.models import SignupFormCopy
from tests.factories import ArticleFactory, SubscriberFactory

from .admin_support import error_text, form_data

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_page_add")


def page_url(page):
    return reverse("admin:articles_page_change", args=[page.pk])


def live_page(purpose="", **fields):
    defaults = {"title": f"Page {purpose or 'other'}", "body": "<p>Text.</p>", "purpose": purpose}
    return Page.objects.create(status=Page.Status.PUBLISHED, **{**defaults, **fields})


def test_an_editor_writes_a_draft_that_readers_cannot_see_until_a_publisher_publishes_it(
    editor_client, editor, publisher
):
    data = form_data(
        editor_client.get(ADD_URL),
        form_id="page_form",
        title="Editorial standards",
        slug="",
        summary="How we write.",
        body='<h2>Review</h2><p onclick="x()">Reviewed <script>alert(1)</script>by clinicians.</p>',
        purpose="editorial_standards",
        status="published",  # read only for editors: ignored
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, error_text(response)
    page = Page.objects.get()
    assert page.slug == "editorial-standards" and page.status == Page.Status.DRAFT
    assert page.body == "<h2>Review</h2><p>Reviewed by clinicians.</p>"
    assert Client().get("/about/editorial-standards/").status_code == 404
    preview = editor_client.get("/about/editorial-standards/").content.decode()
    assert "Preview: not published." in preview

    publisher_client = Client()
    publisher_client.force_login(publisher)
    response = publisher_client.post(
        page_url(page),
        form_data(publisher_client.get(page_url(page)), form_id="page_form", status="published"),
    )
    assert response.status_code == 302, error_text(response)
    html = Client().get("/about/editorial-standards/").content.decode()
    assert '<h2 id="review">Review</h2>' in html and "Preview" not in html
    assert "<title>Editorial standards · Isha Health</title>" in html
    assert '<meta name="description" content="How we write.">' in html
    history = list(page.history.order_by("history_id").values_list("status", "history_user"))
    assert history == [("draft", editor.pk), ("published", publisher.pk)]


def test_an_editor_sees_a_live_page_read_only_and_cannot_delete_it(editor_client):
    page = live_page("privacy", title="Privacy notice")
    response = editor_client.get(page_url(page))
    assert response.status_code == 200 and not response.context["has_change_permission"]
    posted = editor_client.post(page_url(page), {"title": "Changed", "status": "published", "body": ""})
    assert posted.status_code == 403
    delete_url = reverse("admin:articles_page_delete", args=[page.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = editor_client.get(reverse("admin:articles_page_changelist"))
    assert 'value="delete_selected"' not in changelist.content.decode()
    assert Page.objects.get().title == "Privacy notice"


def test_a_second_page_with_the_same_purpose_gets_a_form_message_and_keeps_the_text(publisher_client):
    live_page("privacy", title="Privacy notice")
    data = form_data(
        publisher_client.get(ADD_URL),
        form_id="page_form",
        title="Another privacy notice",
        body="<p>My draft words.</p>",
        purpose="privacy",
    )
    response = publisher_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Another page is already linked from the site as this." in response.content.decode()
    assert "My draft words." in response.content.decode()
    assert Page.objects.count() == 1


def test_the_footer_home_page_and_sign_up_form_link_the_published_pages():
    ArticleFactory(title="An article")
    live_page("editorial_standards", title="Editorial standards", slug="editorial-standards")
    live_page("privacy", title="Privacy notice", slug="privacy-notice")
    live_page("disclaimer", title="Medical disclaimer", slug="medical-disclaimer")
    Page.objects.create(title="Draft terms", slug="terms", purpose="")  # not linked

    home = Client().get("/").content.decode()
    footer = home.split('id="footer-standards"')[1]
    assert footer.index("/about/editorial-standards/") < footer.index("/about/privacy-notice/")
    assert footer.index("/about/privacy-notice/") < footer.index("/about/medical-disclaimer/")
    assert "/about/terms/" not in home
    box = home.split('id="standards-heading"')[1]
    assert '<a href="/about/editorial-standards/">Read our editorial standards</a>' in box
    signup = Client().get(reverse("signups:signup")).content.decode()
    # The sign-up form's consent line (admin copy, see tests/signups/test_welcome.py) links it.
    assert 'unsubscribe from any issue. <a href="/about/privacy-notice/">Privacy notice</a>' in signup


def test_without_published_pages_nothing_links_to_them():
    ArticleFactory(title="An article")
    Page.objects.create(title="Privacy notice", purpose="privacy")  # a draft
    home = Client().get("/").content.decode()
    assert "footer-standards" not in home and "/about/" not in home
    assert "/about/" not in Client().get(reverse("signups:signup")).content.decode()


def test_the_emails_link_the_pages_by_their_full_address(settings):
    settings.SITE_URL = "https://example.org"
    live_page("editorial_standards", title="Editorial standards", slug="editorial-standards")
    live_page("privacy", title="Privacy notice", slug="privacy-notice")
    message = confirmation_message(SubscriberFactory(), SignupFormCopy.load())
    assert "Editorial standards: https://example.org/about/editorial-standards/\n" in message.body
    assert "Privacy notice: https://example.org/about/privacy-notice/\n" in message.body
    html = message.alternatives[0][0]
    assert '<a href="https://example.org/about/privacy-notice/">Privacy notice</a>' in html


def test_publishing_a_page_retires_cached_pages_so_the_footer_links_it(
    settings, publisher_client, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    ArticleFactory()
    page = Page.objects.create(title="Medical disclaimer", purpose="disclaimer")
    reader = Client()
    reader.get("/")
    assert reader.get("/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publisher_client.post(
            page_url(page),
            form_data(publisher_client.get(page_url(page)), form_id="page_form", status="published"),
        )
    response = reader.get("/")
    assert response["X-Page-Cache"] == "miss" and page.get_absolute_url() in response.content.decode()


def test_published_pages_are_in_the_sitemap():
    live_page("privacy", title="Privacy notice", slug="privacy-notice")
    Page.objects.create(title="Draft", slug="draft-page")
    xml = Client().get("/sitemap.xml").content.decode()
    assert "/about/privacy-notice/</loc>" in xml and "draft-page" not in xml


def test_the_demo_loads_placeholder_pages_marked_as_demo_and_removes_them():
    call_command("load_demo")
    pages = Page.objects.live()
    assert sorted(pages.values_list("purpose", flat=True)) == ["disclaimer", "editorial_standards", "privacy"]
    html = Client().get("/about/privacy-notice/").content.decode()
    assert "Demo placeholder." in html
    assert DemoContent.objects.filter(content_type__model="page").count() == 3

    Page.objects.filter(purpose="privacy").update(body="<p>Our own notice.</p>")
    out = io.StringIO()
    call_command("load_demo", "--remove", stdout=out)
    assert list(Page.objects.values_list("purpose", flat=True)) == ["privacy"]
    assert "Kept page" in out.getvalue()


def test_the_demo_never_replaces_a_page_the_clinic_has():
    live_page("privacy", title="Our privacy notice", slug="our-privacy")
    call_command("load_demo")
    assert Page.objects.get(purpose="privacy").title == "Our privacy notice"
    assert Page.objects.count() == 3
