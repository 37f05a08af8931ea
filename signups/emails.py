"""Email address normalisation: when two typed addresses are the same subscriber."""

import unicodedata

import idna


def normalize_email(address):
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
