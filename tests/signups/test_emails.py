import pytest

from signups.emails import normalize_email


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
    [("x@faß.de", "x@fass.de"), ("x@σος.gr", "x@σοσ.gr")],
)
def test_domains_idna_2008_keeps_apart_stay_two_subscribers(first, second):
    assert normalize_email(first) != normalize_email(second)


@pytest.mark.parametrize("address", ["zw@\u200bexample.org", "shy@ex\u00adample.org", "a\u200d@example.org"])
def test_addresses_with_invisible_characters_are_refused(address):
    with pytest.raises(ValueError):
        normalize_email(address)
