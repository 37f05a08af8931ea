"""The editorial checks in the admin: stored with each save, the list's columns and
filters, the panel's JSON view and the checks' site settings."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import publishing
from articles.models import Article, SiteSettings
from tests.factories import ArticleFactory, CitationFactory, SourceFactory, store_pending_changes

from .admin_support import ADD_URL, change_url, form_data, staff_in

pytestmark = pytest.mark.django_db

CLAIM = "<h2>Results</h2><p>Studies show 80% of patients feel better.</p>"
PLAIN = "<h2>Results</h2><p>Most people feel calm. You go home the same day.</p>"
HARD = (
    "<p>Notwithstanding considerable methodological heterogeneity, contemporary investigational "
    "pharmacotherapeutic interventions demonstrate substantial neuropsychiatric efficacy.</p>"
)
CHECKS_URL = reverse("admin:articles_article_checks")
LIST_URL = reverse("admin:articles_article_changelist")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_an_editors_save_in_the_admin_stores_the_grade_and_the_warnings(editor_client, on_commit):
    article = ArticleFactory(draft=True, body=PLAIN)
    assert (article.open_warnings, Article.objects.get().open_warnings) == (0, 0)
    page = editor_client.get(change_url(article))
    with on_commit():
        response = editor_client.post(change_url(article), form_data(page, body=CLAIM))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.open_warnings == 1
    assert article.reading_grade is not None
    [finding] = article.check_findings["findings"]
    assert finding["check"] == "uncited_claim"
    # Stored with an UPDATE: the version a form carries is still current.
    assert article.version == Article.objects.get().version


def test_an_editors_pending_changes_are_what_the_stored_checks_describe(editor, on_commit):
    article = ArticleFactory(body=PLAIN)  # live
    with on_commit():
        store_pending_changes(article, editor, body=CLAIM)
    article.refresh_from_db()
    assert article.body == PLAIN  # readers still see the live body
    assert article.open_warnings == 1


def test_old_sources_attached_to_the_article_warn(publisher, on_commit):
    article = ArticleFactory(draft=True, body=PLAIN)
    CitationFactory(article=article, source=SourceFactory(year=2003))
    CitationFactory(article=article, source=SourceFactory(year=2009))
    with on_commit():
        publishing.save_draft(article=Article.objects.get(pk=article.pk), actor=publisher)
    article.refresh_from_db()
    assert [f["check"] for f in article.check_findings["findings"]] == ["old_evidence"]
    SiteSettings.objects.update(evidence_age_years=30)
    with on_commit():
        publishing.save_draft(article=Article.objects.get(pk=article.pk), actor=publisher)
    article.refresh_from_db()
    assert article.open_warnings == 0


def test_the_list_shows_reading_level_and_warnings_with_filters(editor_client):
    claim = ArticleFactory(title="Claim article", body=CLAIM)
    hard = ArticleFactory(title="Hard article", body=HARD)
    plain = ArticleFactory(title="Plain article", body=PLAIN)
    empty = ArticleFactory(title="Empty article", body="")
    hard.refresh_from_db()
    response = editor_client.get(LIST_URL)
    html = response.content.decode()
    assert "column-reading_level" in html and "column-warnings" in html
    assert f"{hard.reading_grade:.1f}" in html

    def titles(query):
        return {a.title for a in editor_client.get(LIST_URL + query).context["cl"].result_list}

    assert titles("?warnings=yes") == {claim.title, hard.title}
    assert titles("?warnings=no") == {plain.title, empty.title}
    assert titles("?reading_level=none") == {empty.title}
    assert titles("?reading_level=above") == {hard.title}
    assert titles("?reading_level=within") == {claim.title, plain.title}
    # The target is a site setting.
    claim.refresh_from_db()
    SiteSettings.objects.update(target_reading_grade=int(claim.reading_grade) - 1)
    assert {claim.title, hard.title} <= titles("?reading_level=above")
    assert "Above target" in html and "Has warnings" in html


def test_the_checks_view_checks_the_posted_body_without_saving(editor_client):
    article = ArticleFactory(draft=True, body=PLAIN)
    old = SourceFactory(year=1990)
    response = editor_client.post(CHECKS_URL, {"body": CLAIM + HARD, "source": [str(old.pk), "x"]})
    assert response.status_code == 200
    report = response.json()
    assert report["grade"] > report["target_grade"] == 8
    checks = [finding["check"] for finding in report["findings"]]
    assert checks == ["reading_level", "uncited_claim", "old_evidence"]
    assert report["hard_sentences"][0]["text"].startswith("Notwithstanding")
    assert Article.objects.get(pk=article.pk).body == PLAIN


def test_the_checks_view_finds_citations_in_the_posted_body(editor_client):
    source = SourceFactory(year=2024)
    body = f"<p>Studies show 80% of patients feel better [cite:{source.pk}].</p>"
    assert editor_client.post(CHECKS_URL, {"body": body}).json()["findings"] == []


def test_the_checks_view_is_for_staff_who_edit_articles_with_post_and_csrf(django_user_model, editor):
    anonymous = Client()
    assert anonymous.post(CHECKS_URL, {"body": CLAIM}).status_code == 302  # to the login page
    marketing = staff_in("Editors", django_user_model, "mara")
    marketing.groups.clear()
    marketing.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(marketing)
    assert client.post(CHECKS_URL, {"body": CLAIM}).status_code == 403
    client.force_login(editor)
    assert client.get(CHECKS_URL).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(CHECKS_URL, {"body": CLAIM}).status_code == 403


def test_the_change_and_add_pages_carry_the_panel(editor_client):
    article = ArticleFactory(draft=True)
    for url in (change_url(article), reverse(ADD_URL)):
        html = editor_client.get(url).content.decode()
        assert 'id="checks-panel"' in html and f'data-url="{CHECKS_URL}"' in html
        assert "articles/admin/checks.js" in html


def test_publishers_set_the_checks_site_settings_and_every_article_is_checked_again(
    publisher_client, on_commit
):
    article = ArticleFactory(body="<p>A miracle for your mood.</p>")
    assert Article.objects.get().open_warnings == 0
    url = reverse("admin:articles_sitesettings_change", args=[SiteSettings.load().pk])
    page = publisher_client.get(url)
    response = publisher_client.post(
        url, form_data(page, form_id="sitesettings_form", target_reading_grade="0")
    )
    assert response.status_code == 200 and "target_reading_grade" in response.context["adminform"].form.errors
    data = form_data(page, form_id="sitesettings_form", target_reading_grade="6", over_claims="miracle")
    with on_commit():
        assert publisher_client.post(url, data).status_code == 302
    site = SiteSettings.load()
    assert (site.target_reading_grade, site.over_claims, site.evidence_age_years) == (6, "miracle", 10)
    article.refresh_from_db()
    assert [f["check"] for f in article.check_findings["findings"]] == ["over_claim"]


def test_the_command_checks_every_article_again():
    ArticleFactory(body=CLAIM)
    Article.objects.update(open_warnings=0, reading_grade=None)
    out = StringIO()
    call_command("refresh_editorial_checks", stdout=out)
    assert out.getvalue() == "Checked 1 article.\n"
    assert Article.objects.get().open_warnings == 1


def test_someone_who_may_only_view_articles_gets_no_panel(django_user_model):
    viewer = staff_in("Editors", django_user_model, "vera")
    viewer.groups.clear()
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(viewer)
    html = client.get(change_url(ArticleFactory(draft=True))).content.decode()
    assert "Body text." in html and 'id="checks-panel"' not in html
