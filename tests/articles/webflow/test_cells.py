"""Single cells of a Webflow CSV: JavaScript dates, booleans, multi-references."""

from datetime import UTC, date, datetime, timedelta

import pytest

from articles.webflow.cells import RowError, parse_bool, parse_js_date, parse_multi_reference


class TestCells:
    def test_javascript_dates_keep_their_offset_and_calendar_day(self):
        parsed = parse_js_date("Sun May 01 2022 00:00:00 GMT-0700 (Pacific Daylight Time)")
        assert parsed.date() == date(2022, 5, 1)
        assert parsed.utcoffset() == -timedelta(hours=7)
        assert parse_js_date("") is None
        assert parse_js_date("2022-05-01T14:03:00.000Z") == datetime(2022, 5, 1, 14, 3, tzinfo=UTC)

    @pytest.mark.parametrize(
        "text",
        ["May 1st", "Sun Mai 01 2022 00:00:00 GMT+0000", "Sun Feb 30 2022 00:00:00 GMT+0000"],
    )
    def test_bad_dates_raise_a_row_error_naming_the_column(self, text):
        with pytest.raises(RowError, match="Publish Date"):
            parse_js_date(text, "Publish Date")

    def test_booleans_and_multi_references(self):
        assert (parse_bool("true"), parse_bool("FALSE"), parse_bool("")) == (True, False, False)
        with pytest.raises(RowError, match="Draft 'yes' is not true or false"):
            parse_bool("yes", "Draft")
        assert parse_multi_reference("a; b;;a ") == ("a", "b")


def test_a_date_at_the_end_of_the_calendar_skips_its_row_with_a_reason():
    with pytest.raises(RowError):
        parse_js_date("Fri Dec 31 9999 23:30:00 GMT-0500 (Eastern Standard Time)", "Publish Date")
    with pytest.raises(RowError):
        parse_js_date("0001-01-01T00:30:00+05:00", "Publish Date")
