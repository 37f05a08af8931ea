"""Spreadsheet formula injection: the cells and addresses a spreadsheet would run as formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return is read by
Excel, LibreOffice and Google Sheets as a formula. OWASP's "CSV Injection" page
(https://owasp.org/www-community/attacks/CSV_Injection) lists these characters and
recommends prefixing such a cell with a single quote, which every one of them shows as
text. The list refuses addresses that start this way (:mod:`signups.addresses`) and the
export neutralises every other text cell (:mod:`signups.export`).
"""

# Characters a spreadsheet reads as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The same characters as code points, for the databases' ASCII() / UNICODE().
FORMULA_CODES = tuple(ord(character) for character in FORMULA_PREFIXES)


def starts_like_formula(value: str) -> bool:
    """True if ``value`` (a cell's text) starts with one of :data:`FORMULA_PREFIXES`."""
    return bool(value) and value[0] in FORMULA_PREFIXES


def neutralize(value: str) -> str:
    """``value`` with a leading ``'`` if a spreadsheet would take it for a formula."""
    if starts_like_formula(value):
        return "'" + value
    return value
