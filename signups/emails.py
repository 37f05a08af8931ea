"""Email address normalisation: when two typed addresses are the same subscriber."""


def normalize_email(address):
    """Return the comparison key for ``address``: ``local@domain``, both lower-cased.

    Surrounding white space is trimmed; the domain is converted to its ASCII form
    (IDNA, RFC 5891 via Python's ``idna`` codec) so ``Bücher.example`` and
    ``xn--bcher-kva.example`` compare equal. The local part is compared regardless of
    letter case (as every mainstream provider treats it, although RFC 5321 §2.4 allows
    case-sensitive local parts) and ``+tags`` are kept: two plus-addresses are two
    subscribers. Raises ``ValueError`` for a string without ``@`` or with a domain that
    cannot be encoded.
    """
    address = address.strip()
    local, sep, domain = address.rpartition("@")
    if not sep or not local or not domain:
        raise ValueError("An email address needs a part before and after '@'.")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError("The address's domain is not a valid domain name.") from exc
    return f"{local.lower()}@{ascii_domain.lower()}"
