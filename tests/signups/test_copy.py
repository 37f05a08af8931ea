"""The form's copy as consent evidence: versions kept when editors change it (issue 5)."""

import pytest
from django.urls import reverse

from signups.models import SignupFormCopy, SignupFormCopyVersion, Subscriber

pytestmark = pytest.mark.django_db


def edit_copy(**changes):
    copy = SignupFormCopy.load()
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def test_after_migrate_the_copy_has_a_first_version_with_its_texts():
    copy = SignupFormCopy.objects.get(pk=1)

    assert copy.current_version.heading == copy.heading
    assert copy.current_version.button_label == copy.button_label


def test_changing_what_visitors_consent_to_keeps_a_new_version_and_the_old_one():
    first = SignupFormCopy.load().current_version

    copy = edit_copy(heading="Clinical notes, twice a month", intro="No spam.")

    assert copy.current_version != first
    assert (copy.current_version.heading, copy.current_version.intro) == (
        "Clinical notes, twice a month",
        "No spam.",
    )
    first.refresh_from_db()
    assert first.heading == "Sign up for the Isha Health newsletter"


@pytest.mark.parametrize("field", ["success_message", "email_subject", "confirmed_text", "error_message"])
def test_changing_other_texts_keeps_the_same_version(field):
    before = SignupFormCopyVersion.objects.count()

    edit_copy(**{field: "Something else"})

    assert SignupFormCopyVersion.objects.count() == before


def test_a_visitor_on_a_page_cached_before_an_edit_is_recorded_with_the_copy_they_saw(client, sign_up):
    page = client.get(reverse("signups:signup")).text
    shown = page.split('name="copy_version" value="')[1].split('"')[0]
    edit_copy(heading="A newer heading")

    sign_up("jane@example.com", data={"copy_version": shown})

    subscriber = Subscriber.objects.get()
    assert str(subscriber.consent_version.pk) == shown
    assert subscriber.consent_version.heading == "Sign up for the Isha Health newsletter"
    assert subscriber.events.get(kind="signed_up").copy_version == subscriber.consent_version


def test_without_a_version_the_current_one_is_recorded(sign_up):
    copy = edit_copy(heading="The current heading")

    sign_up("jane@example.com", data={"copy_version": ""})

    assert Subscriber.objects.get().consent_version == copy.current_version


def test_the_email_html_is_sanitised_on_save():
    copy = edit_copy(
        email_html='<p onclick="x()">Hi <img src=x><a href="{confirm_link}">go</a></p><script>bad()</script>'
    )

    assert copy.email_html == '<p>Hi <a href="{confirm_link}" rel="noopener noreferrer">go</a></p>'


def test_versions_are_read_only_in_the_admin(admin_client):
    version = SignupFormCopy.load().current_version
    url = reverse("admin:signups_signupformcopyversion_change", args=[version.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert admin_client.get(reverse("admin:signups_signupformcopyversion_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:signups_signupformcopyversion_delete", args=[version.pk])
        ).status_code
        == 403
    )
