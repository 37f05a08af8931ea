"""The export's rows and writers: layouts, formula neutralisation, encodings, times (issue 6)."""

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from signups import export
from signups.models import Subscriber
from tests.factories import ArticleFactory, ConfirmedSubscriberFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

Status = Subscriber.Status
HYPERLINK = '=HYPERLINK("http://x.example","y")'


def exported(queryset=None, preset="full", bom=True, include_source=False):
    """The CSV text of an export, and its rows as the csv module reads them back."""
    queryset = Subscriber.objects.all() if queryset is None else queryset
    rows = export.rows(queryset, preset, include_source=include_source)
    text = "".join(export.csv_chunks(rows, bom=bom))
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def as_dicts(rows):
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# Layouts


def test_the_full_layout_has_every_column_of_the_issue():
    _, rows = exported(include_source=True)

    assert rows[0] == [
        "Email",
        "First name",
        "Last name",
        "Status",
        "Signed up",
        "Confirmed",
        "Unsubscribed",
        "Source page",
        "Source article",
        "UTM source",
        "UTM medium",
        "UTM campaign",
        "Referrer",
        "Newsletter topics",
        "Consent copy version",
    ]


def test_the_mailchimp_layout_uses_mailchimps_import_column_names():
    _, rows = exported(preset="mailchimp", include_source=True)

    # https://mailchimp.com/help/format-guidelines-for-your-import-file/
    assert rows[0] == ["Email Address", "First Name", "Last Name", "Newsletter topics", "Tags"]


def test_the_ghost_layout_uses_ghosts_documented_member_import_columns():
    _, rows = exported(preset="ghost", include_source=True)

    # https://ghost.org/help/import-members/ ("Prepare your CSV file"), in that order.
    assert rows[0] == [
        "email",
        "name",
        "note",
        "subscribed_to_emails",
        "stripe_customer_id",
        "complimentary_plan",
        "labels",
        "created_at",
    ]


def test_a_full_row_holds_the_subscribers_evidence():
    article = ArticleFactory(slug="ketamine-and-sleep")
    ConfirmedSubscriberFactory(
        email="jane@example.com",
        first_name="Jane",
        last_name="Doe",
        source_path="/articles/ketamine-and-sleep/",
        source_article=article,
        utm_source="news",
        utm_medium="email",
        utm_campaign="spring",
        referrer="https://friend.example",
    )

    (row,) = as_dicts(exported(include_source=True)[1])

    assert row["Email"] == "jane@example.com"
    assert (row["First name"], row["Last name"], row["Status"]) == ("Jane", "Doe", "confirmed")
    assert row["Source article"] == "ketamine-and-sleep"
    assert (row["UTM source"], row["UTM medium"], row["UTM campaign"]) == ("news", "email", "spring")
    assert row["Referrer"] == "https://friend.example"
    assert row["Unsubscribed"] == ""


def test_a_ghost_row_is_a_free_member_subscribed_to_emails():
    article = ArticleFactory(slug="sleep")
    ConfirmedSubscriberFactory(
        email="jane@example.com", first_name="Jane", last_name="Doe", source_article=article
    )

    (row,) = as_dicts(exported(preset="ghost", include_source=True)[1])

    assert row["email"] == "jane@example.com"
    assert row["name"] == "Jane Doe"
    assert (row["subscribed_to_emails"], row["complimentary_plan"], row["stripe_customer_id"]) == (
        "true",
        "false",
        "",
    )
    assert row["labels"] == "sleep"


# Where each person signed up: for a clinic, the article read is an inferred health interest.
SOURCE_EVIDENCE = {
    "source_path": "/articles/ketamine-for-depression/",
    "utm_source": "clinic-news",
    "utm_medium": "ward-7",
    "utm_campaign": "depression-week",
    "referrer": "https://support-group.example",
}


@pytest.mark.parametrize(
    ("preset", "headers"),
    [
        (
            "full",
            [
                "Email",
                "First name",
                "Last name",
                "Status",
                "Signed up",
                "Confirmed",
                "Unsubscribed",
                "Newsletter topics",
                "Consent copy version",
            ],
        ),
        ("mailchimp", ["Email Address", "First Name", "Last Name", "Newsletter topics"]),
        (
            "ghost",
            [
                "email",
                "name",
                "subscribed_to_emails",
                "stripe_customer_id",
                "complimentary_plan",
                "labels",
                "created_at",
            ],
        ),
    ],
)
def test_by_default_no_layout_says_where_anyone_signed_up(preset, headers):
    article = ArticleFactory(slug="ketamine-for-depression")
    ConfirmedSubscriberFactory(email="jane@example.com", source_article=article, **SOURCE_EVIDENCE)

    text, rows = exported(preset=preset)

    assert rows[0] == headers
    assert [row[0] for row in rows[1:]] == ["jane@example.com"]
    for value in ("depression", "clinic-news", "ward-7", "support-group"):
        assert value not in text


@pytest.mark.parametrize("preset", ["full", "mailchimp", "ghost"])
def test_by_default_an_xlsx_says_nothing_of_where_anyone_signed_up(preset, tmp_path):
    article = ArticleFactory(slug="ketamine-for-depression")
    ConfirmedSubscriberFactory(source_article=article, **SOURCE_EVIDENCE)
    path = tmp_path / "export.xlsx"

    export.write_xlsx(export.rows(Subscriber.objects.all(), preset), path)

    sheet = openpyxl.load_workbook(path).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell for cell in cells if "depression" in cell or "clinic-news" in cell]


@pytest.mark.parametrize("preset", ["mailchimp", "ghost"])
def test_mailing_layouts_hold_confirmed_subscribers_only(preset):
    ConfirmedSubscriberFactory(email="yes@example.com")
    for status in (Status.PENDING, Status.HELD, Status.UNSUBSCRIBED, Status.BOUNCED):
        SubscriberFactory(email=f"{status}@example.com", status=status)
    # Even a confirmed status with no address left (an erasure in progress) is not mailable.
    ConfirmedSubscriberFactory(email="", email_normalized="erased-x", status=Status.ERASED)

    _, rows = exported(preset=preset)

    assert [row[0] for row in rows[1:]] == ["yes@example.com"]


def test_the_full_layout_exports_every_status_it_is_given():
    for status in Status.values:
        SubscriberFactory(email=f"{status}@example.com", status=status)

    _, rows = exported()

    assert sorted(row[3] for row in rows[1:]) == sorted(Status.values)


def test_rows_keep_the_querysets_order():
    SubscriberFactory(email="b@example.com")
    SubscriberFactory(email="a@example.com")

    _, rows = exported(Subscriber.objects.order_by("email"))

    assert [row[0] for row in rows[1:]] == ["a@example.com", "b@example.com"]


# Formulas


def test_a_formula_in_an_imported_name_comes_out_inert_in_csv():
    ConfirmedSubscriberFactory(
        first_name=HYPERLINK, last_name="+1 555", utm_source="@SUM(A1)", utm_campaign="-2+3"
    )

    text, rows = exported(include_source=True)

    row = as_dicts(rows)[0]
    assert row["First name"] == "'" + HYPERLINK
    assert row["Last name"] == "'+1 555"
    assert row["UTM source"] == "'@SUM(A1)"
    assert row["UTM campaign"] == "'-2+3"
    assert ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text


@pytest.mark.parametrize("preset", ["full", "mailchimp", "ghost"])
def test_a_formula_in_a_name_comes_out_inert_in_xlsx(preset, tmp_path):
    ConfirmedSubscriberFactory(first_name=HYPERLINK, last_name="\tx", utm_source="\rcmd")
    path = tmp_path / "export.xlsx"

    export.write_xlsx(export.rows(Subscriber.objects.all(), preset, include_source=True), path)

    sheet = openpyxl.load_workbook(path).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell for cell in cells if cell.data_type == "f"]
    names = [cell for cell in cells if "HYPERLINK" in str(cell.value)]
    assert names and all(cell.data_type == "s" and cell.value.startswith("'=HYPERLINK") for cell in names)
    assert not [cell for cell in cells if str(cell.value)[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_ordinary_text_is_left_as_it_is():
    assert export.neutralize("Jane") == "Jane"
    assert export.neutralize("") == ""
    assert export.neutralize("Jane-Marie") == "Jane-Marie"


# Encoding and times


def test_japanese_and_accented_names_survive_a_round_trip_through_csv_with_bom():
    ConfirmedSubscriberFactory(email="hanako@example.jp", first_name="花子", last_name="山田")
    ConfirmedSubscriberFactory(email="zoe@example.fr", first_name="Zoë", last_name="Ångström-Núñez")

    text, _ = exported()
    data = text.encode()

    assert data.startswith(b"\xef\xbb\xbf")
    rows = as_dicts(list(csv.reader(io.StringIO(data.decode("utf-8-sig")))))
    names = {(row["First name"], row["Last name"]) for row in rows}
    assert names == {("花子", "山田"), ("Zoë", "Ångström-Núñez")}
    assert rows[0].keys() >= {"Email"}  # the BOM is not glued to the first header


def test_the_byte_order_mark_can_be_left_out():
    text, rows = exported(bom=False)

    assert not text.startswith("\ufeff")
    assert rows[0][0] == "Email"


def test_a_time_stored_in_utc_exports_with_the_site_zones_offset(settings):
    settings.TIME_ZONE = "America/New_York"
    subscriber = SubscriberFactory(unsubscribed_at=datetime(2026, 7, 1, 16, 30, tzinfo=UTC))
    Subscriber.objects.filter(pk=subscriber.pk).update(created_at=datetime(2026, 1, 15, 12, 0, tzinfo=UTC))

    row = as_dicts(exported()[1])[0]

    assert row["Signed up"] == "2026-01-15T07:00:00-05:00"
    assert row["Unsubscribed"] == "2026-07-01T12:30:00-04:00"  # summer time
    assert datetime.fromisoformat(row["Signed up"]) == datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


# Limits and the log


def test_an_xlsx_longer_than_a_worksheet_is_refused_with_an_offer_of_csv(monkeypatch, tmp_path):
    monkeypatch.setattr("signups.export.writers.XLSX_MAX_ROWS", 2)
    SubscriberFactory.create_batch(3)

    with pytest.raises(export.TooManyRows, match="as CSV"):
        export.check_xlsx(export.count(Subscriber.objects.all()))
    with pytest.raises(export.TooManyRows):
        export.write_xlsx(export.rows(Subscriber.objects.all()), tmp_path / "x.xlsx")
    export.check_xlsx(2)  # exactly full is fine


def test_a_searched_address_is_masked_in_the_recorded_filters():
    recorded = export.recorded_filters({"q": "jane.doe@example.com", "status__exact": "confirmed"})

    assert recorded == {"q": "j***@example.com", "status__exact": "confirmed"}


def test_filtering_by_period_takes_whole_days_in_the_site_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    late = SubscriberFactory()  # 23:30 in New York on 1 March is 04:30 UTC on 2 March
    Subscriber.objects.filter(pk=late.pk).update(created_at=datetime(2026, 3, 2, 4, 30, tzinfo=UTC))

    march_first = export.filter_subscribers(
        Subscriber.objects.all(), since=date(2026, 3, 1), until=date(2026, 3, 1)
    )
    march_second = export.filter_subscribers(Subscriber.objects.all(), since=date(2026, 3, 2))

    assert list(march_first) == [late]
    assert not march_second.exists()


@pytest.mark.parametrize(
    "zone", ["UTC", "America/St_Johns", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/Paris"]
)
@pytest.mark.parametrize(
    "stored", [datetime(2026, 1, 15, 12, 0, tzinfo=UTC), datetime(2026, 7, 1, 23, 59, 59, 123456, tzinfo=UTC)]
)
def test_times_are_written_as_pythons_isoformat_in_the_site_zone(settings, zone, stored):
    # PostgreSQL formats them itself (signups.export.LocalIsoTime): it must agree to the character.
    from zoneinfo import ZoneInfo

    settings.TIME_ZONE = zone
    subscriber = SubscriberFactory()
    Subscriber.objects.filter(pk=subscriber.pk).update(created_at=stored)

    row = as_dicts(exported()[1])[0]

    assert row["Signed up"] == stored.astimezone(ZoneInfo(zone)).isoformat()


def test_the_topics_a_person_chose_are_in_every_layout_and_ghosts_labels_add_the_article_only_on_request():
    from articles.models import Topic
    from signups.preferences import set_topics

    article = ArticleFactory(slug="ketamine-for-depression")
    jane = ConfirmedSubscriberFactory(email="jane@example.com", source_article=article)
    ConfirmedSubscriberFactory(email="sam@example.com")
    set_topics(jane, [Topic.objects.create(name="PTSD", newsletter=True)])

    _, full = exported()
    _, mailchimp = exported(preset="mailchimp")
    _, ghost = exported(preset="ghost")
    _, ghost_with_source = exported(preset="ghost", include_source=True)

    def column(rows, header):
        return {row[0]: row[rows[0].index(header)] for row in rows[1:]}

    assert column(full, "Newsletter topics") == {"jane@example.com": "PTSD", "sam@example.com": ""}
    assert column(mailchimp, "Newsletter topics") == {"jane@example.com": "PTSD", "sam@example.com": ""}
    assert column(ghost, "labels") == {"jane@example.com": "PTSD", "sam@example.com": ""}
    assert column(ghost_with_source, "labels") == {
        "jane@example.com": "PTSD,ketamine-for-depression",
        "sam@example.com": "",
    }
