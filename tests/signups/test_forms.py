import pytest

from signups.forms import SignupForm


def errors_for(email):
    form = SignupForm(data={"email": email, "next": "/"})
    assert not form.is_valid()
    return form.errors.as_data()["email"]


def test_a_valid_address_is_trimmed_and_given_its_comparison_key():
    form = SignupForm(data={"email": "  Jane.Doe@Example.com ", "next": "/articles/x/"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "Jane.Doe@Example.com"
    assert form.cleaned_data["email_normalized"] == "jane.doe@example.com"
    assert form.cleaned_data["next"] == "/articles/x/"


def test_an_international_domain_is_accepted_and_normalised_to_ascii():
    form = SignupForm(data={"email": "anna@Bücher.example"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["email_normalized"] == "anna@xn--bcher-kva.example"


def test_the_next_page_is_optional():
    assert SignupForm(data={"email": "jane@example.com"}).is_valid()


@pytest.mark.parametrize("email", ["", "   "])
def test_an_empty_address_asks_for_one(email):
    [error] = errors_for(email)

    assert error.code == "required"
    assert "Enter your email address." in error.messages


def test_an_address_over_254_characters_is_too_long():
    codes = {error.code for error in errors_for("a" * 250 + "@example.com")}

    assert "max_length" in codes


@pytest.mark.parametrize(
    "email",
    [
        "<script>alert(1)</script>@x.com",
        "jane@example.com<img src=x onerror=alert(1)>",
        "a\x07b@example.com",
        "jane@exa\u202emple.com",
        "jane@@example.com",
        "@example.com",
        "jane",
    ],
    ids=["script", "img-onerror", "bell", "rtl-override", "double-at", "no-local-part", "no-domain"],
)
def test_markup_control_characters_and_malformed_addresses_are_invalid(email):
    assert "invalid" in {error.code for error in errors_for(email)}


def test_a_null_character_is_refused():
    assert "null_characters_not_allowed" in {error.code for error in errors_for("a\x00b@example.com")}


@pytest.mark.parametrize("prefix", ["+", "=", "-"])
def test_an_address_a_spreadsheet_would_read_as_a_formula_is_refused(prefix):
    [error] = errors_for(f"{prefix}cmd@example.com")

    assert error.code == "formula_prefix"
    assert f"cannot start with {prefix}" in error.messages[0]


def test_a_plus_inside_an_address_is_fine():
    assert SignupForm(data={"email": "jane+news@example.com"}).is_valid()


def test_an_overlong_next_path_does_not_invalidate_the_sign_up():
    form = SignupForm(data={"email": "jane@example.com", "next": "/" + "a" * 600})

    assert form.is_valid()


@pytest.mark.parametrize(
    "email",
    [
        "a" * 60 + "@" + ".".join(["ü" * 20] * 8) + ".de",
        "x@" + "".join(chr(0x4E00 + 97 * i) for i in range(30)) + ".example",
        "jo@localhost",
        "a" * 65 + "@example.com",
    ],
    ids=["over-254-in-ascii", "label-over-63-in-ascii", "no-dot", "local-part-over-64"],
)
def test_an_address_mail_could_never_reach_gets_the_forms_error(email):
    [error] = errors_for(email)

    assert error.code == "invalid"
    assert error.messages == ["Enter a valid email address, like name@example.com."]
