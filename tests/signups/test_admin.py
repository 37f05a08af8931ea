import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from signups import models as signup_models
from signups.models import SignupEvent, SignupFormCopy, Subscriber
from signups.subscribe import subscribe
from tests.factories import ArticleFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBERS_URL = reverse("admin:signups_subscriber_changelist")
COPY_LIST_URL = reverse("admin:signups_signupformcopy_changelist")
COPY_ADD_URL = reverse("admin:signups_signupformcopy_add")


def copy_change_url(pk=1):
    return reverse("admin:signups_signupformcopy_change", args=[pk])


def subscriber_change_url(subscriber):
    return reverse("admin:signups_subscriber_change", args=[subscriber.pk])


def subscriber_form_data(subscriber, email):
    """What the change page posts: the address and the read-only history's management form."""
    events = str(subscriber.events.count())
    return {"email": email, "events-TOTAL_FORMS": events, "events-INITIAL_FORMS": events}


def copy_form_data(**changes):
    """Everything the copy's change page posts, from the current row, with ``changes``."""
    copy = SignupFormCopy.load()
    fields = [f.name for f in SignupFormCopy._meta.fields if f.editable and f.name != "id"]
    return {name: getattr(copy, name) for name in fields} | changes


def staff_in(group_name, django_user_model):
    user = django_user_model.objects.create_user(username=group_name.lower(), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


# Subscribers


def test_a_superuser_sees_the_subscriber_list_with_source_and_date(admin_client):
    article = ArticleFactory(title="Ketamine and sleep")
    subscribe("jane@example.com", "jane@example.com", path=article.get_absolute_url())

    response = admin_client.get(SUBSCRIBERS_URL)

    assert response.status_code == 200
    assert "jane@example.com" in response.text
    assert article.get_absolute_url() in response.text
    assert "Ketamine and sleep" in response.text


def test_the_subscriber_list_is_searchable_by_email(admin_client):
    SubscriberFactory(email="jane@example.com")
    SubscriberFactory(email="omar@example.org")

    response = admin_client.get(SUBSCRIBERS_URL, {"q": "JANE@"})

    assert "jane@example.com" in response.text
    assert "omar@example.org" not in response.text


def test_the_subscriber_list_filters_by_source_article_and_drills_down_by_date(admin_client):
    article = ArticleFactory(title="Ketamine and sleep")
    subscribe("jane@example.com", "jane@example.com", path=article.get_absolute_url())
    SubscriberFactory(email="omar@example.org")

    response = admin_client.get(SUBSCRIBERS_URL, {"source_article__id__exact": article.pk})

    assert "jane@example.com" in response.text
    assert "omar@example.org" not in response.text
    assert response.context["cl"].date_hierarchy == "created_at"


def test_the_subscriber_lists_query_count_does_not_grow_with_its_length(
    admin_client, django_assert_max_num_queries
):
    def add_subscribers(count):
        for _ in range(count):
            article = ArticleFactory()
            email = f"{article.slug}@example.com"
            subscribe(email, email, path=article.get_absolute_url())

    add_subscribers(2)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(SUBSCRIBERS_URL)
    add_subscribers(15)

    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(SUBSCRIBERS_URL)
    assert response.context["cl"].result_count == 17


def test_a_subscriber_page_shows_the_normalised_address_and_the_sign_up_history(admin_client):
    article = ArticleFactory(title="Ketamine and sleep")
    subscriber, _ = subscribe("Jane@Example.com", "jane@example.com", path=article.get_absolute_url())
    subscribe("JANE@example.com", "jane@example.com", path="/signup/")

    response = admin_client.get(subscriber_change_url(subscriber))

    assert response.status_code == 200
    assert 'value="Jane@Example.com"' in response.text
    assert "jane@example.com" in response.text
    inline = response.context["inline_admin_formsets"][0]
    assert [event.path for event in inline.formset.queryset] == ["/signup/", article.get_absolute_url()]
    assert "Ketamine and sleep" in response.text


def test_the_sign_up_history_is_read_only(admin_client):
    subscriber, _ = subscribe("jane@example.com", "jane@example.com", path="/signup/")

    response = admin_client.get(subscriber_change_url(subscriber))

    inline = response.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission
    assert 'name="events-0-path"' not in response.text


def test_the_subscriber_pages_query_count_does_not_grow_with_its_history(
    admin_client, django_assert_max_num_queries
):
    subscriber, _ = subscribe("jane@example.com", "jane@example.com", path="/signup/")

    def sign_up_again_from_articles(count):
        for _ in range(count):
            subscribe("jane@example.com", "jane@example.com", ArticleFactory().get_absolute_url())

    sign_up_again_from_articles(2)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(subscriber_change_url(subscriber))
    sign_up_again_from_articles(12)

    with django_assert_max_num_queries(len(few)):
        admin_client.get(subscriber_change_url(subscriber))


def test_timestamps_and_the_normalised_address_are_read_only_and_names_editable(admin_client):
    subscriber = SubscriberFactory(email="jane@example.com")

    form = admin_client.get(subscriber_change_url(subscriber)).context["adminform"].form

    assert list(form.fields) == ["email", "first_name", "last_name"]


def test_correcting_an_address_in_the_admin_updates_its_comparison_key(admin_client):
    subscriber, _ = subscribe("jane@exmaple.com", "jane@exmaple.com", path="/signup/")

    response = admin_client.post(
        subscriber_change_url(subscriber), subscriber_form_data(subscriber, " Jane@Example.com ")
    )

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.email == "Jane@Example.com"
    assert subscriber.email_normalized == "jane@example.com"
    assert subscriber.events.count() == 1


def test_adding_a_subscriber_by_hand_stores_its_comparison_key(admin_client):
    response = admin_client.post(
        reverse("admin:signups_subscriber_add"),
        {"email": "Omar@Example.ORG", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"},
    )

    assert response.status_code == 302
    assert Subscriber.objects.get().email_normalized == "omar@example.org"


def test_changing_an_address_to_another_subscribers_in_any_case_is_a_form_error(admin_client):
    SubscriberFactory(email="jane@example.com")
    other = SubscriberFactory(email="omar@example.org")

    response = admin_client.post(
        subscriber_change_url(other), subscriber_form_data(other, "JANE@example.com")
    )

    assert response.status_code == 200
    assert "This address is already on the list." in response.text
    other.refresh_from_db()
    assert other.email == "omar@example.org"


def test_sign_up_events_have_no_admin_of_their_own():
    assert not admin.site.is_registered(SignupEvent)


# The form's copy


def test_the_form_copy_row_exists_after_migrate_with_the_default_texts():
    copy = SignupFormCopy.objects.get(pk=1)

    assert copy.heading == signup_models.DEFAULT_HEADING
    assert copy.button_label == "Sign up"
    assert copy.success_message == signup_models.DEFAULT_SUCCESS
    assert copy.error_message == signup_models.DEFAULT_ERROR


def test_the_data_migration_creates_a_missing_row_and_keeps_an_edited_one():
    migration = importlib.import_module("signups.migrations.0002_default_form_copy")
    schema_editor = SimpleNamespace(connection=connection)
    SignupFormCopy.objects.all().delete()

    migration.create_default_copy(apps, schema_editor)
    assert SignupFormCopy.objects.get(pk=1).heading == signup_models.DEFAULT_HEADING

    SignupFormCopy.objects.filter(pk=1).update(heading="Edited")
    migration.create_default_copy(apps, schema_editor)
    assert SignupFormCopy.objects.get(pk=1).heading == "Edited"


def test_the_form_copy_list_redirects_to_the_one_copys_page(admin_client):
    response = admin_client.get(COPY_LIST_URL)

    assert response.status_code == 302
    assert response["Location"] == copy_change_url()


def test_the_form_copy_list_recreates_a_missing_row_before_redirecting(admin_client):
    SignupFormCopy.objects.all().delete()

    response = admin_client.get(COPY_LIST_URL)

    assert response["Location"] == copy_change_url()
    assert SignupFormCopy.objects.filter(pk=1).exists()


def test_the_form_copy_cannot_be_added_or_deleted(admin_client):
    change_page = admin_client.get(copy_change_url())

    assert change_page.status_code == 200
    assert not change_page.context["has_add_permission"]
    assert not change_page.context["has_delete_permission"]
    assert admin_client.get(COPY_ADD_URL).status_code == 403
    assert admin_client.post(reverse("admin:signups_signupformcopy_delete", args=[1])).status_code == 403
    assert SignupFormCopy.objects.filter(pk=1).exists()


def test_the_admin_index_offers_no_add_link_for_the_form_copy(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert COPY_ADD_URL not in response.text
    assert COPY_LIST_URL in response.text


def test_saving_the_form_copy_changes_what_readers_see(admin_client, client):
    response = admin_client.post(
        copy_change_url(),
        copy_form_data(
            heading="Get our clinical notes",
            button_label="Count me in",
            success_message="You are on the list.",
            error_message="Please check the address.",
        ),
    )

    assert response.status_code == 302
    assert SignupFormCopy.objects.count() == 1
    page = client.get(reverse("signups:signup")).text
    assert "Get our clinical notes" in page
    assert ">Count me in</button>" in page


# Groups made by post_migrate


def group_perms(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_marketing_may_edit_the_form_copy_and_view_subscribers():
    assert {"change_signupformcopy", "view_signupformcopy", "view_subscriber"} <= group_perms("Marketing")


def test_editors_have_no_sign_up_permissions():
    signups_perms = set(
        Permission.objects.filter(content_type__app_label="signups").values_list("codename", flat=True)
    )

    assert group_perms("Editors")  # the group exists and has its article permissions
    assert not group_perms("Editors") & signups_perms


def test_a_marketing_user_can_open_the_subscribers_and_edit_the_form_copy(client, django_user_model):
    client.force_login(staff_in("Marketing", django_user_model))

    assert client.get(SUBSCRIBERS_URL).status_code == 200
    assert client.get(COPY_LIST_URL)["Location"] == copy_change_url()
    assert client.get(copy_change_url()).context["has_change_permission"]


def test_an_editor_cannot_open_the_subscribers_or_the_form_copy(client, django_user_model):
    client.force_login(staff_in("Editors", django_user_model))

    assert client.get(SUBSCRIBERS_URL).status_code == 403
    assert client.get(COPY_LIST_URL).status_code == 403
    assert client.get(copy_change_url()).status_code == 403


# Statuses, actions and history (issue 5)

Status = Subscriber.Status


def run_action(admin_client, action, *subscribers, **extra):
    return admin_client.post(
        SUBSCRIBERS_URL,
        {"action": action, "_selected_action": [s.pk for s in subscribers], **extra},
        follow=True,
    )


def test_the_subscriber_list_filters_by_status_held_included(admin_client):
    SubscriberFactory(email="held@example.com", status=Status.HELD)
    SubscriberFactory(email="confirmed@example.com", status=Status.CONFIRMED)

    response = admin_client.get(SUBSCRIBERS_URL, {"status__exact": "held"})

    assert "held@example.com" in response.text
    assert "confirmed@example.com" not in response.text
    filter_choices = response.text
    for status in Status.values:
        assert f"status__exact={status}" in filter_choices


def test_resend_confirmation_emails_pending_subscribers_and_skips_others(
    admin_client, mailoutbox, run_on_commit
):
    pending = SubscriberFactory(email="pending@example.com")
    confirmed = SubscriberFactory(email="confirmed@example.com", status=Status.CONFIRMED)

    with run_on_commit():
        response = run_action(admin_client, "resend_confirmation", pending, confirmed)

    assert [m.to for m in mailoutbox] == [["pending@example.com"]]
    assert "Confirmation email queued for 1 subscriber." in response.text
    assert "1 skipped" in response.text


def test_staff_can_resend_within_the_visitors_resend_interval(
    admin_client, mailoutbox, run_on_commit, sign_up
):
    sign_up("jane@example.com")

    with run_on_commit():
        run_action(admin_client, "resend_confirmation", Subscriber.objects.get())

    assert len(mailoutbox) == 2


def test_releasing_a_held_sign_up_makes_it_pending_and_emails_it(admin_client, mailoutbox, run_on_commit):
    held = SubscriberFactory(email="held@example.com", status=Status.HELD)

    with run_on_commit():
        response = run_action(admin_client, "release_held", held)

    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert len(mailoutbox) == 1
    assert "1 held sign-up released." in response.text
    assert held.events.filter(kind="released", note__contains="admin").exists()


def test_the_unsubscribe_action_unsubscribes_and_records_who_did_it(admin_client):
    confirmed = SubscriberFactory(status=Status.CONFIRMED)

    run_action(admin_client, "unsubscribe", confirmed)

    confirmed.refresh_from_db()
    assert confirmed.status == Status.UNSUBSCRIBED
    assert confirmed.events.get().note == "Unsubscribed by admin."


def test_subscribers_cannot_be_deleted_only_erased(admin_client):
    subscriber = SubscriberFactory()

    response = admin_client.get(SUBSCRIBERS_URL)

    assert "delete_selected" not in response.text
    assert 'value="erase"' in response.text
    assert (
        admin_client.post(reverse("admin:signups_subscriber_delete", args=[subscriber.pk])).status_code == 403
    )


def test_a_subscribers_page_shows_the_whole_history_and_the_last_email(admin_client, sign_up, client):
    from signups import tokens

    sign_up("jane@example.com", data={"utm_source": "spring-news"})
    subscriber = Subscriber.objects.get()
    client.post(reverse("signups:confirm", args=[tokens.make_confirmation_token(subscriber)]))
    client.post(reverse("signups:unsubscribe", args=[subscriber.unsubscribe_token]))

    response = admin_client.get(subscriber_change_url(subscriber))

    inline = response.context["inline_admin_formsets"][0]
    assert [e.kind for e in inline.formset.queryset] == ["unsubscribed", "confirmed", "emailed", "signed_up"]
    for shown in ("confirmation emailed", "confirmed", "unsubscribed", "spring-news", "sent"):
        assert f">{shown}<" in response.text.lower()
    assert subscriber.unsubscribe_token not in response.text
    assert subscriber.confirmation_nonce not in response.text


def test_the_list_shows_status_and_last_email_with_a_flat_query_count(
    admin_client, django_assert_max_num_queries, sign_up
):
    for n in range(2):
        sign_up(f"first{n}@example.com", ArticleFactory().get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        admin_client.get(SUBSCRIBERS_URL)
    # Counted now: the next requests reset the connection's query log that `few` reads.
    baseline = len(few)
    for n in range(10):
        sign_up(f"more{n}@example.com", ArticleFactory().get_absolute_url())

    with django_assert_max_num_queries(baseline):
        response = admin_client.get(SUBSCRIBERS_URL)
    assert response.context["cl"].result_count == 12
    assert "Sent" in response.text or "sent" in response.text


def test_the_copy_page_groups_the_email_and_the_pages_next_to_the_messages(admin_client):
    response = admin_client.get(copy_change_url())

    fieldsets = {
        title: fields
        for title, options in response.context["adminform"].fieldsets
        for fields in [options["fields"]]
    }
    assert "check_inbox_message" in fieldsets["Messages"]
    assert fieldsets["Confirmation email"] == ("email_subject", "email_text", "email_html")
    assert {"confirmed_text", "unsubscribed_text", "expired_text"} <= set(fieldsets["Pages"])
    assert 'name="email_html"' in response.text


def test_saving_an_email_without_the_confirm_link_is_a_form_error(admin_client):
    response = admin_client.post(copy_change_url(), copy_form_data(email_text="No link"))

    assert response.status_code == 200
    assert "Put {confirm_link} where the confirmation link goes." in response.text
    assert "{confirm_link}" in SignupFormCopy.load().email_text


def test_marketing_can_read_versions_and_the_erasure_log(client, django_user_model):
    client.force_login(staff_in("Marketing", django_user_model))

    assert client.get(reverse("admin:signups_signupformcopyversion_changelist")).status_code == 200
    assert client.get(reverse("admin:signups_erasurelog_changelist")).status_code == 200
    assert client.get(reverse("admin:signups_erasurelog_add")).status_code == 403


def test_the_admin_refuses_an_address_a_spreadsheet_would_read_as_a_formula(admin_client):
    subscriber = SubscriberFactory(email="jane@example.com")

    response = admin_client.post(
        subscriber_change_url(subscriber), subscriber_form_data(subscriber, "+jane@example.com")
    )

    assert response.status_code == 200
    assert "An address cannot start with +." in response.text
    subscriber.refresh_from_db()
    assert subscriber.email == "jane@example.com"
