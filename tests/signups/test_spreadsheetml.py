"""The streaming XLSX writer: files that open, hold exactly the cells given, and never a formula."""

import io
import re
import zipfile

import openpyxl
import pytest

from signups.export.spreadsheetml import SHEET_NAME, write_rows
from signups.formulas import neutralize

HEADER = ["Email", "First name", "Version"]


def read_back(rows):
    """Write ``rows`` and read them with openpyxl in read-only (streaming) mode."""
    buffer = io.BytesIO()
    written = write_rows(rows, buffer)
    buffer.seek(0)
    book = openpyxl.load_workbook(buffer, read_only=True)
    return written, book, [list(row) for row in book.active.iter_rows(values_only=True)]


def decode_xstring(text):
    """ECMA-376 Part 1 §22.9.2.19 (ST_Xstring): ``_xHHHH_`` is the character U+HHHH, as Excel reads it."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match.group(1), 16)), text)


def test_rows_come_back_as_written_with_the_header_bold_and_frozen():
    rows = [HEADER, ["jane@example.com", "Jane", 3], ["omar@example.com", "Omar", None]]

    written, book, back = read_back(rows)

    assert written == 2
    assert back == [HEADER, ["jane@example.com", "Jane", 3], ["omar@example.com", "Omar", None]]
    assert book.active.title == SHEET_NAME
    buffer = io.BytesIO()
    write_rows(rows, buffer)
    full = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert full.freeze_panes == "A2"
    assert full["A1"].font.b and not full["A2"].font.b
    assert full["C2"].data_type == "n"


def test_text_that_looks_like_a_formula_stays_text():
    cells = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", neutralize('=HYPERLINK("x")')]

    _, _, back = read_back([HEADER[:1] * len(cells), cells])

    assert back[1] == cells
    with zipfile.ZipFile(_written([["h"], *([c] for c in cells)])) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()


def _written(rows):
    buffer = io.BytesIO()
    write_rows(rows, buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    "text",
    [
        "Zoë 花子 Ångström",
        "a&b <c> \"d\" 'e'",
        "  spaces kept  ",
        "tab\there, line\nfeed",
        "\uff21\uff22 fullwidth and \U0001f600",
        "_x0041_ typed literally",
    ],
)
def test_any_text_comes_back_unchanged(text):
    _, _, back = read_back([["h"], [text]])

    assert decode_xstring(back[1][0]) == text


def test_characters_xml_cannot_hold_are_escaped_not_lost_or_fatal():
    text = "bell\x07 nul\x00 cr\r esc\x1b end\ufffe"

    _, _, back = read_back([["h"], [text, "\ud800lone"]])

    assert decode_xstring(back[1][0]) == text
    assert back[1][1] == "\ufffdlone"  # a lone surrogate is not text: replaced


def test_empty_strings_and_none_are_empty_cells_and_rows_keep_their_columns():
    _, _, back = read_back([["a", "b", "c"], ["", None, "x"], [None, "y", ""], [True, 1.5, 7]])

    assert back[1:] == [[None, None, "x"], [None, "y", None], [True, 1.5, 7]]


def test_a_bad_cell_in_one_batch_leaves_the_others_fast_and_right():
    rows = [["n", "text"], *([str(i), f"row {i}"] for i in range(2500))]
    rows[1500][1] = "needs <escaping> & more"

    written, _, back = read_back(rows)

    assert written == 2500
    assert back[1500] == ["1499", "needs <escaping> & more"]
    assert back[2500] == ["2499", "row 2499"]
    assert [int(row[0]) for row in back[1:]] == list(range(2500))


def test_an_empty_export_is_a_header_only_sheet():
    written, _, back = read_back([HEADER])

    assert (written, back) == (0, [HEADER])
