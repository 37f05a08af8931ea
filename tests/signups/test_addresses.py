"""Addresses: which the list accepts (form, admin and importer alike) and when two are one subscriber."""

import pytest
from django.core.exceptions import ValidationError

from signups.addresses import delivery_address, normalize_email, validate_address


def test_both_parts_are_lower_cased_and_white_space_is_trimmed():
    assert normalize_email("  Jane.Doe@Example.COM \n") == "jane.doe@example.com"


def test_plus_tags_are_kept_so_two_plus_addresses_are_two_subscribers():
    assert normalize_email("jane+news@example.com") != normalize_email("jane@example.com")


def test_an_international_domain_compares_equal_to_its_ascii_form():
    assert normalize_email("anna@Bücher.example") == "anna@xn--bcher-kva.example"
    assert normalize_email("anna@xn--bcher-kva.example") == "anna@xn--bcher-kva.example"


def test_the_last_at_sign_separates_the_domain():
    assert normalize_email('"a@b"@Example.com') == '"a@b"@example.com'


@pytest.mark.parametrize("address", ["", "   ", "no-at-sign", "@example.com", "jane@"])
def test_an_address_without_both_parts_is_refused(address):
    with pytest.raises(ValueError, match="before and after"):
        normalize_email(address)


def test_a_domain_that_cannot_be_encoded_is_refused():
    with pytest.raises(ValueError, match="not a valid domain"):
        normalize_email("jane@" + "x" * 64 + ".example")


@pytest.mark.parametrize(
    ("first", "second"),
    # Greek final and medial sigma on purpose: UTS #46 maps them together, IDNA 2008 does not.
    [("x@faß.de", "x@fass.de"), ("x@σος.gr", "x@σοσ.gr")],  # noqa: RUF001
)
def test_domains_idna_2008_keeps_apart_stay_two_subscribers(first, second):
    assert normalize_email(first) != normalize_email(second)


@pytest.mark.parametrize("address", ["zw@\u200bexample.org", "shy@ex\u00adample.org", "a\u200d@example.org"])
def test_addresses_with_invisible_characters_are_refused(address):
    with pytest.raises(ValueError, match="invisible character"):
        normalize_email(address)


@pytest.mark.parametrize(
    "address", ["=cmd@example.com", "+1@example.com", "-x@example.com", "@x@example.com"]
)
def test_an_address_a_spreadsheet_would_read_as_a_formula_is_refused_with_its_code(address):
    with pytest.raises(ValidationError) as excinfo:
        validate_address(address)

    assert excinfo.value.code == "formula_prefix"
    assert excinfo.value.messages == [f"An address cannot start with {address[0]}."]


@pytest.mark.parametrize("address", ["\tjo@example.com", "\rjo@example.com", "  =jo@example.com"])
def test_a_formula_character_hidden_by_white_space_is_refused_too(address):
    with pytest.raises(ValidationError) as excinfo:
        validate_address(address)

    assert excinfo.value.code == "formula_prefix"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("a\u200d@example.org", "Enter a valid email address."),
        # Django's validator lets a zero-width space in a domain through (IDNA 2003 drops it).
        ("zw@\u200bexample.org", "The address contains an invisible character."),
    ],
)
def test_an_invalid_address_is_refused_with_the_code_invalid_and_why(address, reason):
    with pytest.raises(ValidationError) as excinfo:
        validate_address(address)

    assert excinfo.value.code == "invalid"
    assert excinfo.value.messages == [reason]


def test_an_accepted_address_gives_its_comparison_key():
    assert validate_address("  Anna+news@Bücher.example ") == "anna+news@xn--bcher-kva.example"


# Python's "idna" codec (IDNA 2003, what Django's mail code uses) sends these elsewhere:
# faß.de -> fass.de and the Greek sigma domain -> another, each owned by someone else.
DIVERGING_DOMAINS = [
    ("x@faß.de", "x@xn--fa-hia.de", "fass.de"),
    ("x@σος.gr", "x@xn--0xagb.gr", "xn--0xahb.gr"),
]


@pytest.mark.parametrize(("address", "ascii_address", "idna_2003_domain"), DIVERGING_DOMAINS)
def test_mail_goes_to_the_idna_2008_domain_not_the_one_python_s_codec_gives(
    address, ascii_address, idna_2003_domain
):
    assert address.rpartition("@")[2].encode("idna").decode() == idna_2003_domain
    assert delivery_address(address) == ascii_address


def test_the_delivery_address_keeps_the_local_part_as_typed():
    assert delivery_address(" Anna.B@Bücher.example ") == "Anna.B@xn--bcher-kva.example"


@pytest.mark.parametrize(
    "address",
    [
        # Right under the form's 254 characters, but over 254 octets once the domain is in ASCII.
        "a" * 60 + "@" + ".".join(["ü" * 20] * 8) + ".de",
        # A label of 30 CJK characters: over RFC 1035's 63 octets in ASCII (Punycode).
        "x@" + "".join(chr(0x4E00 + 97 * i) for i in range(30)) + ".example",
    ],
    ids=["address-over-254-in-ascii", "label-over-63-in-ascii"],
)
def test_an_international_address_too_long_in_ascii_is_refused(address):
    assert len(address) <= 254

    with pytest.raises(ValidationError) as excinfo:
        validate_address(address)

    assert excinfo.value.code == "invalid"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("jo@localhost", "The address's domain has no dot, so mail to it cannot arrive."),
        ("a" * 65 + "@example.com", "The part before @ is longer than 64 characters."),
    ],
)
def test_an_address_that_can_never_receive_mail_is_refused(address, reason):
    with pytest.raises(ValidationError) as excinfo:
        validate_address(address)

    assert excinfo.value.code == "invalid"
    assert excinfo.value.messages == [reason]


def test_a_local_part_of_64_characters_is_fine():
    assert validate_address("a" * 64 + "@example.com") == "a" * 64 + "@example.com"


def test_a_joiner_python_s_codec_would_drop_is_refused_not_sent_without_it():
    # IDNA 2003 maps U+200C to nothing (abcd.example); IDNA 2008 allows it only after a virama.
    assert "ab\u200ccd.example".encode("idna") == b"abcd.example"

    with pytest.raises(ValidationError):
        validate_address("x@ab\u200ccd.example")
