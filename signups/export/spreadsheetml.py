"""A streaming XLSX writer: one worksheet of text and numbers, written row by row into a zip.

An XLSX file is an Office Open XML package (ECMA-376 Part 1, "Fundamentals and Markup
Language Reference", 5th edition, 2016; also ISO/IEC 29500-1): a zip archive (Part 2,
Open Packaging Conventions) holding XML parts. This module writes the six parts a
workbook with one sheet needs (§12.2 "Package Structure": ``[Content_Types].xml``, the
package relationships, ``xl/workbook.xml`` §18.2.27 with its relationships, one
``xl/worksheets/sheet1.xml`` §18.3.1.99, and ``xl/styles.xml`` §18.8.39 for the bold
header) and streams the sheet's ``<sheetData>`` through :meth:`zipfile.ZipFile.open` in
write mode, so memory stays flat whatever the row count.

Cells are inline strings (``t="inlineStr"`` with ``<is><t>``, §18.3.1.4 ``c`` and
§18.3.1.53 ``is``) rather than the shared string table, which would have to be held in
memory until the end; numbers are ``<v>`` values. An inline string is never a formula
(formulas are the ``<f>`` element, which is never written), so ``=1+1`` stays text; the
rows still carry the leading ``'`` that :func:`signups.formulas.neutralize` adds, as the
CSV does, so both files read the same.

Text is escaped for XML 1.0 (``&``, ``<``, ``>``); characters XML 1.0 cannot hold
(control characters other than tab and line feed, U+FFFE, U+FFFF) and the carriage
return (which XML parsers turn into a line feed) are written as ``_xHHHH_``, the escape
of ECMA-376 Part 1 §22.9.2.19 (ST_Xstring) that Excel and openpyxl decode; a literal
``_xHHHH_`` in the data has its underscore escaped (``_x005F_``) so it reads back as
typed. Lone surrogates (not text) become U+FFFD.
"""

import re
import zipfile
from collections.abc import Iterable, Sequence
from os import PathLike
from typing import IO, Any
from xml.sax.saxutils import escape

# Sheet name, its zip path and the bold style's index in cellXfs below.
SHEET_NAME = "Sign-ups"
SHEET_PATH = "xl/worksheets/sheet1.xml"
BOLD = 1
# zlib level 1: about three times faster than the default 6 on this XML, for a file
# about 15% larger (measured on the sign-up export; bench/export_signups.py).
COMPRESS_LEVEL = 1

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STATIC_PARTS = {
    "[Content_Types].xml": (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/{SHEET_PATH}" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'{_XML}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
        f'<sheets><sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Two cell formats: 0 the default, 1 bold (font 1) for the header row.
    "xl/styles.xml": (
        f'{_XML}<styleSheet xmlns="{_NS}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}

# The sheet's opening: the first row frozen (§18.3.1.66 pane), then the data.
_SHEET_START = (
    f'{_XML}<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"

_TEXT_OPEN = '<c t="inlineStr"><is><t xml:space="preserve">'
_TEXT_CLOSE = "</t></is></c>"
_TEXT_BETWEEN = _TEXT_CLOSE + _TEXT_OPEN
# An empty string is written as an empty cell, as XlsxWriter did and None is.
_EMPTY_TEXT = _TEXT_OPEN + _TEXT_CLOSE
_EMPTY = "<c/>"
# What needs more than the plain text: XML's specials, the characters XML 1.0 cannot hold
# or would change, and literal ST_Xstring escapes.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escaped(text: str) -> str:
    text = _SURROGATE.sub("\ufffd", text)
    text = _UNSAFE.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    return escape(text)


def _cell(value: Any, style: str = "") -> str:
    """One cell's element for ``value``, escaped as needed (``style``: `` s="1"`` or empty)."""
    if value.__class__ is str:
        if _SPECIAL.search(value):
            value = _escaped(value)
        return f'<c{style} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    if value is None:
        return f"<c{style}/>"
    if isinstance(value, bool):
        return f'<c{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c{style}><v>{value!r}</v></c>"
    return _cell(str(value), style)


def _number(value: Any) -> str:
    if value is None:
        return _EMPTY
    if value.__class__ is bool:
        return f'<c t="b"><v>{int(value)}</v></c>'
    return f"<c><v>{value!r}</v></c>"


class _Shape:
    """How to write rows whose cells have these types: runs of text cells joined in C.

    Cells carry no ``r`` reference (optional, ECMA-376 Part 1 §18.3.1.4: a cell without
    one is the next in its row), so a run of text cells is one ``str.join`` with a fixed
    separator. ``markup`` is how many ``<`` and ``>`` such a row holds when its text
    holds none, for :class:`_Batch`'s check. Only for ``str``, ``int``, ``float``,
    ``bool`` and ``None`` cells (``plain``); other rows go cell by cell.
    """

    def __init__(self, shape: tuple[type, ...]) -> None:
        self.plain = all(kind in (str, int, float, bool, type(None)) for kind in shape)
        self.plan: list[tuple[int, int]] = []  # (start, end) of a text run; (i, -1) one other cell
        for index, kind in enumerate(shape):
            if kind is str and self.plan and self.plan[-1][1] == index:
                self.plan[-1] = (self.plan[-1][0], index + 1)
            else:
                self.plan.append((index, index + 1) if kind is str else (index, -1))
        sample = self.write(0, [kind() if kind is not type(None) else None for kind in shape])
        self.markup = (sample.count("<"), sample.count(">")) if self.plain else (-1, -1)

    def write(self, number: int, row: Sequence[Any]) -> str:
        if not self.plain:
            return _slow_row(number, row)
        parts = [f'<row r="{number}">']
        for start, end in self.plan:
            if end < 0:
                parts.append(_number(row[start]))
            else:
                parts += (_TEXT_OPEN, _TEXT_BETWEEN.join(row[start:end]), _TEXT_CLOSE)
        parts.append("</row>")
        return "".join(parts)


def _slow_row(number: int, row: Sequence[Any], style: str = "") -> str:
    return f'<row r="{number}">{"".join(_cell(value, style) for value in row)}</row>'


# Bytes that text written as it is must not hold: "&", the C0 controls but tab and LF,
# and 0xEF, which starts U+FFFE and U+FFFF in UTF-8 (and other rare characters from
# U+F000, which are then only written the slow way); and a literal ST_Xstring escape.
_NOT_PLAIN_BYTES = bytes([*range(0x09), *range(0x0B, 0x20), ord("&"), 0xEF])
_ESCAPE_START = b"_x"


class _Batch:
    """Rows written a thousand at a time, checked all at once.

    Escaping each cell in Python would cost more than everything else together, and
    almost no cell needs it. So a batch is written as it is and its encoded bytes are
    checked in C: no byte of :data:`_NOT_PLAIN_BYTES` (one ``bytes.translate``), no
    ``_x``, exactly the ``<`` and ``>`` the markup wrote (so the text holds none), and no
    lone surrogate (encoding fails). A batch that fails is written again cell by cell
    through :func:`_cell`, which escapes.
    """

    SIZE = 1000

    def __init__(self) -> None:
        self.rows: list[tuple[int, Sequence[Any]]] = []
        self.text: list[str] = []
        self.markup = [0, 0]

    def add(self, shape: _Shape, number: int, row: Sequence[Any]) -> None:
        self.rows.append((number, row))
        self.text.append(shape.write(number, row))
        self.markup[0] += shape.markup[0]
        self.markup[1] += shape.markup[1]

    def flush(self) -> bytes:
        try:
            data = "".join(self.text).encode()
        except UnicodeEncodeError:
            data = b""
        plain = (
            data
            and [data.count(b"<"), data.count(b">")] == self.markup
            and len(data.translate(None, _NOT_PLAIN_BYTES)) == len(data)
            and _ESCAPE_START not in data
        )
        if not plain:
            data = "".join(_slow_row(number, row) for number, row in self.rows).encode()
        self.__init__()  # type: ignore[misc]
        return data.replace(_EMPTY_TEXT.encode(), _EMPTY.encode())


def write_rows(rows: Iterable[Sequence[Any]], target: str | PathLike[str] | IO[bytes]) -> int:
    """Write ``rows`` (the header first, in bold and frozen) as an XLSX file; return the data rows.

    ``target`` is a path or a binary file open for writing (seekable, so the zip's headers
    can be completed). Cells are ``str`` (written as text, never as a formula), ``int``,
    ``float``, ``bool`` or ``None`` (an empty cell, as is ``""``); anything else is
    written as its ``str()``. Rows may differ in length. Callers bound the row count: a
    worksheet holds 1,048,576 rows (ECMA-376 Part 1 §18.3.1.73: ``r`` is at most
    1048576); this function does not check it. Raises ``OSError`` when the file cannot be
    written (a full disk).
    """
    shapes: dict[tuple[type, ...], _Shape] = {}
    written = 0
    batch = _Batch()
    # Zip64 lets the sheet's XML pass 2 GiB (about 2.5 million rows of the full layout at
    # the longest values); Excel 2010 and later, LibreOffice and openpyxl read it.
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as package:
        for name, text in STATIC_PARTS.items():
            package.writestr(name, text)
        with package.open(SHEET_PATH, "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START.encode())
            rows = iter(rows)
            header = next(rows, None)
            if header is not None:
                sheet.write(_slow_row(1, header, f' s="{BOLD}"').encode())
            for written, row in enumerate(rows, start=1):
                key = tuple(map(type, row))
                shape = shapes.get(key) or shapes.setdefault(key, _Shape(key))
                batch.add(shape, written + 1, row)
                if len(batch.rows) == batch.SIZE:
                    sheet.write(batch.flush())
            sheet.write(batch.flush() + _SHEET_END.encode())
    return written
