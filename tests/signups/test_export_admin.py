"""Exporting from the subscriber list in the admin: button, page, action, permission, log."""

import csv
import io

import openpyxl
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from signups.erasure import ERASED_FILTER, erase
from signups.models import ExportLog, Subscriber
from tests.factories import ArticleFactory, ConfirmedSubscriberFactory, SubscriberFactory

from .conftest import staff_in

pytestmark = pytest.mark.django_db

Status = Subscriber.Status
LIST_URL = reverse("admin:signups_subscriber_changelist")
EXPORT_URL = reverse("admin:signups_subscriber_export")
CSV_FORM = {"format": "csv", "preset": "full", "bom": "on"}


def csv_rows(response):
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def people():
    """A mixed list: Jane and Janet confirmed, Jan pending, Joan unsubscribed, Omar confirmed."""
    return {
        "jane": ConfirmedSubscriberFactory(email="jane@example.com"),
        "janet": ConfirmedSubscriberFactory(email="janet@example.org"),
        "jan": SubscriberFactory(email="jan@example.com"),
        "joan": SubscriberFactory(email="joan@example.com", status=Status.UNSUBSCRIBED),
        "omar": ConfirmedSubscriberFactory(email="omar@example.com"),
    }


@pytest.fixture
def no_export_client(client, django_user_model):
    """Staff who may see and change subscribers, but not export them."""
    user = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_subscriber", "change_subscriber"])
    )
    client.force_login(user)
    return client


# The button and what it exports


def test_marketing_sees_the_export_button_carrying_the_lists_filters(marketing_client, people):
    response = marketing_client.get(LIST_URL, {"status__exact": "confirmed", "q": "jan"})

    assert f'href="{EXPORT_URL}?status__exact=confirmed&amp;q=jan"' in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"status__exact": "confirmed", "q": "jan"},
        {"q": "example.com"},
        {"status__exact": "unsubscribed"},
        {},
    ],
)
def test_the_export_holds_exactly_what_the_filtered_list_shows(marketing_client, people, params):
    shown = [s.email for s in marketing_client.get(LIST_URL, params).context["cl"].result_list]

    rows = csv_rows(
        marketing_client.post(f"{EXPORT_URL}?{'&'.join(f'{k}={v}' for k, v in params.items())}", CSV_FORM)
    )

    assert [row["Email"] for row in rows] == shown
    assert shown  # every case shows somebody


def test_the_export_page_says_how_many_and_which_statuses(marketing_client, people):
    response = marketing_client.get(EXPORT_URL, {"q": "example.com"})

    assert response.status_code == 200
    assert "holds 4 subscribers" in response.text
    assert "1 unsubscribed" in response.text
    assert "only the 2 confirmed subscribers" in response.text


def test_a_mailing_layout_from_the_list_keeps_only_the_confirmed(marketing_client, people):
    rows = csv_rows(marketing_client.post(EXPORT_URL, {**CSV_FORM, "preset": "mailchimp"}))

    assert sorted(row["Email Address"] for row in rows) == [
        "jane@example.com",
        "janet@example.org",
        "omar@example.com",
    ]


def test_the_export_page_offers_where_people_signed_up_unticked_and_says_what_it_reveals(
    marketing_client, people
):
    response = marketing_client.get(EXPORT_URL)

    field = response.context["form"]["include_source"]
    assert not field.value()
    assert (
        "Include where each person signed up (the article they read: for a clinic this can reveal "
        "a health interest)" in response.text
    )


@pytest.mark.parametrize(("preset", "source_header"), [("full", "Source article"), ("mailchimp", "Tags")])
def test_where_people_signed_up_is_exported_and_logged_only_when_ticked(
    marketing_client, preset, source_header
):
    ConfirmedSubscriberFactory(
        email="jane@example.com", source_article=ArticleFactory(slug="ketamine-for-depression")
    )
    form = {**CSV_FORM, "preset": preset}

    [plain] = csv_rows(marketing_client.post(EXPORT_URL, form))
    [with_source] = csv_rows(marketing_client.post(EXPORT_URL, {**form, "include_source": "on"}))

    assert source_header not in plain
    assert "ketamine-for-depression" not in plain.values()
    assert with_source[source_header] == "ketamine-for-depression"
    logs = ExportLog.objects.order_by("pk")
    assert [log.include_source for log in logs] == [False, True]


def test_the_csv_can_be_exported_without_a_byte_order_mark(marketing_client, people):
    response = marketing_client.post(EXPORT_URL, {"format": "csv", "preset": "full"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"Email,")


def test_the_export_as_xlsx_opens_with_the_filtered_rows(marketing_client, people):
    response = marketing_client.post(
        f"{EXPORT_URL}?status__exact=confirmed", {"format": "xlsx", "preset": "full"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    emails = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert emails == ["jane@example.com", "janet@example.org", "omar@example.com"]


def test_an_xlsx_too_long_for_a_worksheet_is_refused_with_an_offer_of_csv(
    marketing_client, people, monkeypatch
):
    monkeypatch.setattr("signups.export.writers.XLSX_MAX_ROWS", 2)

    response = marketing_client.post(EXPORT_URL, {"format": "xlsx", "preset": "full"})

    assert response.status_code == 200
    assert "5 rows do not fit in an Excel worksheet" in response.text
    assert "as CSV instead" in response.text
    assert not ExportLog.objects.exists()


def test_unknown_filters_send_marketing_back_to_the_list(marketing_client):
    response = marketing_client.get(EXPORT_URL, {"nonsense__field": "1"})

    assert response.status_code == 302
    assert response["Location"] == LIST_URL


# The action for selected rows


def test_the_action_exports_the_selected_rows_only(marketing_client, people):
    selected = [people["jane"].pk, people["joan"].pk]
    page = marketing_client.post(LIST_URL, {"action": "export_selected", ACTION_CHECKBOX_NAME: selected})
    assert page.status_code == 200
    assert "2 selected subscribers" in page.text

    response = marketing_client.post(
        LIST_URL, {"action": "export_selected", ACTION_CHECKBOX_NAME: selected, "_export": "1", **CSV_FORM}
    )

    assert sorted(row["Email"] for row in csv_rows(response)) == ["jane@example.com", "joan@example.com"]
    log = ExportLog.objects.get()
    assert (log.via, log.row_count, log.filters["selected"]) == ("action", 2, 2)


# Permission


def test_an_editor_gets_no_export_and_a_crafted_request_is_refused(editor_client, people):
    assert editor_client.get(LIST_URL).status_code == 403
    assert editor_client.get(EXPORT_URL).status_code == 403
    assert editor_client.post(EXPORT_URL, CSV_FORM).status_code == 403
    assert editor_client.post(f"{EXPORT_URL}?q=jane", {**CSV_FORM, "format": "xlsx"}).status_code == 403
    assert not ExportLog.objects.exists()


def test_staff_without_the_export_permission_see_no_button_and_cannot_export(no_export_client, people):
    response = no_export_client.get(LIST_URL)

    assert response.status_code == 200
    assert EXPORT_URL not in response.text
    assert "export_selected" not in response.text
    assert no_export_client.get(EXPORT_URL).status_code == 403
    assert no_export_client.post(EXPORT_URL, CSV_FORM).status_code == 403
    crafted = no_export_client.post(
        LIST_URL,
        {"action": "export_selected", ACTION_CHECKBOX_NAME: [people["jane"].pk], "_export": "1", **CSV_FORM},
    )
    assert crafted.status_code in (200, 302)
    assert "text/csv" not in crafted.get("Content-Type", "")
    assert not ExportLog.objects.exists()


def test_marketing_holds_the_export_permission_and_editors_do_not(django_user_model):
    assert staff_in("Marketing", django_user_model).has_perm("signups.export_subscriber")
    assert not staff_in("Editors", django_user_model).has_perm("signups.export_subscriber")


# The export log


def test_each_export_is_logged_with_a_searched_address_masked(marketing_client, people):
    csv_rows(marketing_client.post(f"{EXPORT_URL}?q=jane@example.com&status__exact=confirmed", CSV_FORM))

    log = ExportLog.objects.get()
    assert log.user.username == "marketing"
    assert (log.via, log.format, log.preset, log.row_count) == ("admin", "csv", "full", 1)
    assert log.include_source is False
    assert log.filters == {"q": "j***@example.com", "status__exact": "confirmed"}
    assert "jane@example.com" not in str(log.filters)


def test_the_export_log_is_a_read_only_list_for_marketing(marketing_client, people):
    csv_rows(marketing_client.post(f"{EXPORT_URL}?q=jane@example.com", CSV_FORM))
    log = ExportLog.objects.get()

    response = marketing_client.get(reverse("admin:signups_exportlog_changelist"))

    assert response.status_code == 200
    assert "j***@example.com" in response.text
    assert marketing_client.get(reverse("admin:signups_exportlog_add")).status_code == 403
    assert marketing_client.post(reverse("admin:signups_exportlog_delete", args=[log.pk])).status_code == 403
    change = marketing_client.get(reverse("admin:signups_exportlog_change", args=[log.pk]))
    assert change.status_code == 200 and not change.context["has_change_permission"]


def test_erasure_removes_the_persons_address_from_export_log_filters(marketing_client, people):
    csv_rows(marketing_client.post(f"{EXPORT_URL}?q=jane@example.com", CSV_FORM))
    csv_rows(marketing_client.post(f"{EXPORT_URL}?q=JANE", CSV_FORM))
    csv_rows(marketing_client.post(f"{EXPORT_URL}?q=omar", CSV_FORM))
    ExportLog.objects.create(
        via="command", format="csv", preset="full", filters={"note": "for jane@example.com"}
    )

    erase(people["jane"])

    filters = list(ExportLog.objects.order_by("pk").values_list("filters", flat=True))
    assert filters == [{"q": ERASED_FILTER}, {"q": ERASED_FILTER}, {"q": "omar"}, {"note": ERASED_FILTER}]
