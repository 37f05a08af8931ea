"""Email addresses: which ones the list accepts, and when two typed addresses are one subscriber.

The sign-up form, the admin and the importer all call :func:`validate_address`, so an
address refused by one is refused by all three; :func:`normalize_email` is the
comparison key stored in ``Subscriber.email_normalized``.
"""

import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .formulas import starts_like_formula


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
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError("The address's domain is not a valid domain name.") from exc
    return f"{local.lower()}@{ascii_domain.lower()}"


def validate_address(address: str) -> str:
    """Check that ``address`` may join the list; return its comparison key (:func:`normalize_email`).

    ``address`` is checked as given and trimmed of white space. Raises
    ``django.core.exceptions.ValidationError`` with one of these codes:

    - ``formula_prefix``: it starts with a character a spreadsheet reads as a formula
      (:data:`signups.formulas.FORMULA_PREFIXES`), so an export opened in Excel could run
      it; ``params["char"]`` is that character;
    - ``invalid``: Django's ``validate_email`` refuses its syntax, or
      :func:`normalize_email` refuses it (the message says why).
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
        return normalize_email(trimmed)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid") from exc
