"""Email addresses: which ones the list accepts, and when two typed addresses are one subscriber.

The sign-up form, the admin and the importer all call :func:`validate_address`, so an
address refused by one is refused by all three; :func:`normalize_email` is the
comparison key stored in ``Subscriber.email_normalized``; :func:`delivery_address` is
what the mail server is given, so the person who signed up is the person who gets the email.

Domains are encoded once, here, by IDNA 2008 (RFC 5891) with the UTS #46 mapping
(https://www.unicode.org/reports/tr46/), non-transitional, as browsers do. Python's
``"idna"`` codec, which Django's mail code uses for a non-ASCII domain, implements
IDNA 2003 (RFC 3490) and maps some characters elsewhere: ``faß.de`` becomes
``fass.de``, a different domain with a different owner. Handing Django an address
that is already ASCII means its codec never runs.
"""

import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .formulas import starts_like_formula

# RFC 5321 §4.5.3.1.1: a local part is at most 64 octets.
LOCAL_PART_MAX_OCTETS = 64
# RFC 5321 §4.5.3.1.3 allows a path of 256 octets including its angle brackets, which
# leaves 254 for the address (RFC 3696 erratum 1690); it is also the stored columns' length.
ADDRESS_MAX_OCTETS = 254


def ascii_domain(domain: str) -> str:
    """Return ``domain`` in its ASCII form (A-labels, lower case) under IDNA 2008 / UTS #46.

    ``Bücher.example`` gives ``xn--bcher-kva.example``; ``faß.de`` gives
    ``xn--fa-hia.de`` (IDNA 2003 would give ``fass.de``). Raises ``ValueError`` for a
    domain IDNA 2008 refuses, including one whose ASCII form has a label over 63 octets
    or is over 253 octets in all (RFC 1035 §2.3.4, as the ``idna`` package checks).
    """
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError("The address's domain is not a valid domain name.") from exc


def normalize_email(address: str) -> str:
    """Return the comparison key for ``address``: ``local@domain``, both lower-cased.

    Surrounding white space is trimmed; the domain is converted to its ASCII form by
    IDNA 2008 (RFC 5891) with the UTS #46 mapping that browsers use, so
    ``Bücher.example`` and ``xn--bcher-kva.example`` compare equal while ``faß.de`` and
    ``fass.de`` stay two domains. The local part is compared regardless of letter case
    (as every mainstream provider treats it, although RFC 5321 §2.4 allows case-sensitive
    local parts) and ``+tags`` are kept: two plus-addresses are two subscribers.

    Raises ``ValueError`` for a string without a part on each side of ``@``, with an
    invisible (format) character such as a zero-width space or soft hyphen (they would
    make two stored addresses look identical), or with a domain IDNA refuses.
    """
    address = address.strip()
    local, sep, domain = address.rpartition("@")
    if not sep or not local or not domain:
        raise ValueError("An email address needs a part before and after '@'.")
    if any(unicodedata.category(ch) in ("Cf", "Cc") for ch in address):
        raise ValueError("The address contains an invisible character.")
    return f"{local.lower()}@{ascii_domain(domain).lower()}"


def delivery_address(address: str) -> str:
    """Return the address to send ``address``'s email to: ``local@ascii-domain``.

    The local part stays as stored (RFC 5321 §2.4 lets a server tell its case apart);
    the domain is :func:`ascii_domain`'s, so Django's mail code, which would re-encode a
    non-ASCII domain under IDNA 2003, passes it through unchanged in both the ``To``
    header and the SMTP envelope. Raises ``ValueError`` like :func:`normalize_email`.
    """
    normalize_email(address)  # the same refusals as the comparison key
    local, _sep, domain = address.strip().rpartition("@")
    return f"{local}@{ascii_domain(domain)}"


def _deliverability_problem(address: str) -> str:
    """Why mail to ``address`` (syntactically valid) could never arrive, or ""."""
    local, _sep, domain = address.rpartition("@")
    if len(local.encode()) > LOCAL_PART_MAX_OCTETS:
        return f"The part before @ is longer than {LOCAL_PART_MAX_OCTETS} characters."
    ascii_form = ascii_domain(domain)
    # A name without a dot (``localhost``, a bare TLD) is local to whichever server reads it.
    if "." not in ascii_form.rstrip("."):
        return "The address's domain has no dot, so mail to it cannot arrive."
    if len(f"{local}@{ascii_form}".encode()) > ADDRESS_MAX_OCTETS:
        return f"The address is longer than {ADDRESS_MAX_OCTETS} characters once its domain is in ASCII."
    return ""


def validate_address(address: str) -> str:
    """Check that ``address`` may join the list; return its comparison key (:func:`normalize_email`).

    ``address`` is checked as given and trimmed of white space. Raises
    ``django.core.exceptions.ValidationError`` with one of these codes:

    - ``formula_prefix``: it starts with a character a spreadsheet reads as a formula
      (:data:`signups.formulas.FORMULA_PREFIXES`), so an export opened in Excel could run
      it; ``params["char"]`` is that character;
    - ``invalid``: Django's ``validate_email`` refuses its syntax, :func:`normalize_email`
      refuses it, or mail to it could never arrive: a local part over 64 octets, a
      domain without a dot, or over 254 octets with the domain in ASCII (RFC 5321
      §4.5.3.1); the message says why.
    """
    trimmed = address.strip()
    for candidate in (address, trimmed):
        if starts_like_formula(candidate):
            raise ValidationError(
                _("An address cannot start with %(char)s."),
                code="formula_prefix",
                params={"char": candidate[0]},
            )
    try:
        validate_email(trimmed)
    except ValidationError as exc:
        raise ValidationError(_("Enter a valid email address."), code="invalid") from exc
    try:
        normalized = normalize_email(trimmed)
        problem = _deliverability_problem(trimmed)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid") from exc
    if problem:
        raise ValidationError(problem, code="invalid")
    return normalized
