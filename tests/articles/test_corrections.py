"""A correction note on a live article: readers, feed readers and search engines see that it
changed ("Last updated", the feed entry, the JSON-LD ``dateModified``)."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from articles.corrections import record_corrections
from articles.models import Article, UpdateNote
from tests.factories import ArticleFactory

from .admin_support import change_url, form_data

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("UTC")
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED = datetime(2027, 3, 1, 9, 0, tzinfo=ZONE)
CORRECTED = datetime(2027, 5, 20, 14, 30, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://www.example.org"
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def live():
    with time_machine.travel(PUBLISHED, tick=False):
        return ArticleFactory(
            title="Ketamine and sleep", summary="How ketamine affects sleep.", published_at=PUBLISHED
        )


def add_note(client, article, *, text, day, correction=True):
    """Add one update note on the article's change page and save it, as a browser would."""
    page = client.get(change_url(article))
    extra = {"update_notes-0-is_correction": "on"} if correction else {}
    data = form_data(
        page,
        **{
            "update_notes-TOTAL_FORMS": "1",
            "update_notes-0-id": "",
            "update_notes-0-article": str(article.pk),
            "update_notes-0-date": day.isoformat(),
            "update_notes-0-text": text,
            **extra,
        },
    )
    return client.post(change_url(article), data)


def reader_text(article):
    html = Client().get(article.get_absolute_url()).content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def json_ld(article):
    html = Client().get(article.get_absolute_url()).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def date_modified(data):
    """``dateModified`` wherever the Article node is (top level, main entity or graph)."""
    nodes = [data, data.get("mainEntity") or {}, *data.get("@graph", [])]
    return next(node["dateModified"] for node in nodes if "dateModified" in node)


def atom_entry(title):
    root = ET.fromstring(Client().get(reverse("articles:feed-atom")).content)
    return next(entry for entry in root.iter(f"{ATOM}entry") if entry.findtext(f"{ATOM}title") == title)


def rss_description(title):
    root = ET.fromstring(Client().get(reverse("articles:feed-rss")).content)
    return next(item.findtext("description") for item in root.iter("item") if item.findtext("title") == title)


def test_a_publishers_correction_updates_the_page_feed_entry_and_json_ld(client, publisher, live):
    with time_machine.travel(CORRECTED, tick=False):
        client.force_login(publisher)
        response = add_note(client, live, text="Fixed the dose in the second section.", day=CORRECTED.date())
        assert response.status_code == 302, response.content.decode()[:500]

        text = reader_text(live)
        assert "Last updated May 20, 2027" in text
        assert "Correction: Fixed the dose in the second section." in text
        assert date_modified(json_ld(live)).startswith("2027-05-20")
        entry = atom_entry("Ketamine and sleep")
        assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == CORRECTED
        assert "Correction, May 20, 2027: Fixed the dose" in entry.findtext(f"{ATOM}summary")
        assert "Correction, May 20, 2027: Fixed the dose" in rss_description("Ketamine and sleep")

    latest = Article.history.filter(id=live.pk).order_by("-history_id").first()
    assert latest.history_user == publisher
    assert latest.history_change_reason.startswith("Correction: Fixed the dose")


def test_a_second_correction_the_same_day_still_moves_the_feed_entry_on(client, publisher, live):
    client.force_login(publisher)
    with time_machine.travel(CORRECTED, tick=False):
        add_note(client, live, text="First fix.", day=CORRECTED.date())
    later = CORRECTED + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        client.force_login(publisher)
        add_note(client, live, text="Second fix.", day=CORRECTED.date())
        entry = atom_entry("Ketamine and sleep")
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == later
    assert "Second fix." in entry.findtext(f"{ATOM}summary")


def test_a_note_that_is_not_a_correction_leaves_the_dates_alone(client, publisher, live):
    with time_machine.travel(CORRECTED, tick=False):
        client.force_login(publisher)
        add_note(client, live, text="Added a 2027 study.", day=CORRECTED.date(), correction=False)
        live.refresh_from_db()
        assert live.updated_on is None
        entry = atom_entry("Ketamine and sleep")
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == PUBLISHED
    assert "Correction" not in entry.findtext(f"{ATOM}summary")


def test_an_older_correction_never_moves_last_updated_back(publisher, live):
    Article.objects.filter(pk=live.pk).update(updated_on=date(2027, 6, 1))
    note = UpdateNote.objects.create(article=live, date=date(2027, 5, 2), text="Old fix.", is_correction=True)

    with time_machine.travel(CORRECTED, tick=False):
        stored = record_corrections(article=live, notes=[note], actor=publisher)

    assert stored.updated_on == date(2027, 6, 1)


def test_a_draft_keeps_its_dates_and_its_editor_may_add_correction_notes(client, editor):
    draft = ArticleFactory(draft=True, title="Work in progress")
    client.force_login(editor)

    response = add_note(client, draft, text="Fixed a typo.", day=date(2027, 5, 20))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.updated_on is None and draft.update_notes.get().is_correction


def test_only_publishers_record_corrections_of_live_articles(editor, live):
    note = UpdateNote.objects.create(article=live, date=date(2027, 5, 20), text="Fix.", is_correction=True)

    with time_machine.travel(CORRECTED, tick=False), pytest.raises(PermissionDenied):
        record_corrections(article=live, notes=[note], actor=editor)
