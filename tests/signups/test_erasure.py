"""Erasing a person on request: nothing personal left, a hash that blocks re-import (issue 5)."""

from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from signups.erasure import address_digest, erase, erase_address, is_erased
from signups.models import ErasedAddress, ErasureLog, SignupEvent, Subscriber
from signups.subscribe import subscribe
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ADDRESS = "Anna.Person@Bücher.example"
TRACES = ("anna.person", "Anna.Person", "xn--bcher-kva", "Bücher")


@pytest.fixture
def anna(settings, run_on_commit):
    """Anna signed up twice, from an article with UTM, with her email still queued."""
    settings.TASKS = DATABASE_TASKS
    article = ArticleFactory()
    with run_on_commit():
        subscriber, _ = subscribe(
            ADDRESS,
            "anna.person@xn--bcher-kva.example",
            article.get_absolute_url(),
            utm={"utm_source": "anna-newsletter", "utm_campaign": "c"},
            referrer="https://friend.example",
        )
    subscribe(ADDRESS, "anna.person@xn--bcher-kva.example", "/signup/")
    # A failed run's traceback quoting her address, as smtplib's errors do.
    DBTaskResult.objects.create(
        task_path="signups.tasks.send_confirmation",
        args_kwargs={"args": [subscriber.pk], "kwargs": {}},
        backend_name="default",
        run_after=subscriber.created_at,
        priority=0,
        queue_name="default",
        traceback=f"SMTPRecipientsRefused: {{'{ADDRESS}': (550, b'no')}}",
        exception_class_path="x",
    )
    subscriber.refresh_from_db()
    return subscriber


def every_text_in_the_database():
    """Every text value in every table, as one string (a crude but thorough search)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(str(value) for row in cursor.fetchall() for value in row if value is not None)
    return "\n".join(chunks)


def test_before_erasure_the_person_is_findable_everywhere(anna):
    text = every_text_in_the_database()

    assert "anna.person@xn--bcher-kva.example" in text
    assert DBTaskResult.objects.count() == 2


def test_erasure_leaves_no_personal_data_in_any_table_or_queued_task(anna, admin_user):
    erase(anna, staff=admin_user, via="admin")

    text = every_text_in_the_database()
    for trace in TRACES:
        assert trace not in text
    assert "anna-newsletter" not in text
    assert "friend.example" not in text
    assert not DBTaskResult.objects.exists()
    assert not SignupEvent.objects.exists()
    anna.refresh_from_db()
    assert anna.status == Subscriber.Status.ERASED
    assert anna.email == ""


def test_erasure_keeps_the_anonymous_row_so_past_counts_stay_true(anna):
    article, created_at = anna.source_article, anna.created_at

    erase(anna)

    anna.refresh_from_db()
    assert (anna.source_article, anna.created_at) == (article, created_at)
    assert Subscriber.objects.filter(status="erased").count() == 1


def test_erasure_is_logged_with_the_staff_member_and_nothing_about_the_person(anna, admin_user):
    erase(anna, staff=admin_user, via="admin")

    [log] = ErasureLog.objects.all()
    assert (log.staff, log.staff_name, log.via, log.subscribers) == (admin_user, "admin", "admin", 1)
    assert "anna" not in str(vars(log)).lower()


def test_a_later_import_can_tell_the_address_was_erased_in_any_form(anna):
    erase(anna)

    assert is_erased("anna.person@xn--bcher-kva.example")
    assert is_erased("ANNA.PERSON@xn--bcher-kva.example")
    assert not is_erased("someone.else@example.com")
    [stored] = ErasedAddress.objects.all()
    assert stored.digest == address_digest("anna.person@xn--bcher-kva.example")
    assert "anna" not in stored.digest


def test_the_hash_depends_on_the_key(settings):
    first = address_digest("anna@example.com")
    settings.SIGNUP_ERASURE_KEY = "another key"

    assert address_digest("anna@example.com") != first


def test_an_old_unsubscribe_link_stops_working_after_erasure(anna, client):
    old_link = reverse("signups:unsubscribe", args=[anna.unsubscribe_token])

    erase(anna)

    assert client.post(old_link).status_code == 404


def test_signing_up_again_through_the_form_after_erasure_is_a_new_consent(
    anna, sign_up, mailoutbox, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    erase(anna)

    sign_up(ADDRESS)

    new = Subscriber.objects.exclude(pk=anna.pk).get()
    assert new.status == Subscriber.Status.PENDING
    assert new.email == ADDRESS
    assert len(mailoutbox) == 1
    # Importers still must not add the address on their own.
    assert is_erased(new.email_normalized)


def test_the_command_erases_by_address_in_any_form_and_names_the_staff_member(anna, admin_user):
    out = StringIO()

    call_command("erase_subscriber", "  ANNA.PERSON@xn--BCHER-kva.example ", "--by", "admin", stdout=out)

    assert "Erased one subscriber" in out.getvalue()
    anna.refresh_from_db()
    assert anna.status == Subscriber.Status.ERASED
    assert ErasureLog.objects.get().staff == admin_user
    assert ErasureLog.objects.get().via == "command"


def test_the_command_records_an_address_nobody_has_so_imports_skip_it():
    out = StringIO()

    call_command("erase_subscriber", "never@example.com", stdout=out)

    assert "Nobody had that address" in out.getvalue()
    assert is_erased("never@example.com")
    assert not Subscriber.objects.exists()
    assert ErasureLog.objects.get().subscribers == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [(["not-an-address"], "part before and after"), (["a@example.com", "--by", "nobody"], "No user")],
)
def test_the_command_refuses_bad_input_with_a_message(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("erase_subscriber", *args)


def test_erasing_twice_changes_nothing_more(anna):
    erase(anna)
    erase(anna)

    assert ErasureLog.objects.count() == 1
    assert erase_address("anna.person@xn--bcher-kva.example") == 0


def test_the_admin_action_asks_first_then_erases(anna, admin_client):
    url = reverse("admin:signups_subscriber_changelist")
    selection = {"action": "erase", "_selected_action": [anna.pk]}

    asked = admin_client.post(url, selection)
    assert asked.status_code == 200
    assert "Yes, erase them" in asked.text
    anna.refresh_from_db()
    assert anna.status == Subscriber.Status.PENDING

    done = admin_client.post(url, {**selection, "confirmed": "yes"}, follow=True)
    assert "1 subscriber erased." in done.text
    anna.refresh_from_db()
    assert anna.status == Subscriber.Status.ERASED
    assert ErasureLog.objects.get().via == "admin"


def test_the_admins_own_log_forgets_the_address(anna, admin_client):
    admin_client.post(
        reverse("admin:signups_subscriber_change", args=[anna.pk]),
        {"email": "anna.p@example.com", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"},
    )
    assert LogEntry.objects.filter(object_repr__icontains="anna").exists()

    erase(anna)

    assert not LogEntry.objects.filter(object_repr__icontains="anna").exists()


def test_an_erased_row_cannot_be_given_an_address_again_in_the_admin(anna, admin_client):
    erase(anna)
    url = reverse("admin:signups_subscriber_change", args=[anna.pk])

    admin_client.post(url, {"email": ADDRESS, "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})

    anna.refresh_from_db()
    assert anna.email == ""
    assert 'name="email"' not in admin_client.get(url).text


def test_erasure_removes_imported_names(anna):
    Subscriber.objects.filter(pk=anna.pk).update(first_name="Anna", last_name="Person")

    erase(anna)

    anna.refresh_from_db()
    assert (anna.first_name, anna.last_name) == ("", "")
