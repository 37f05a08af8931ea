"""No admin list answers 500 to out-of-range dates in its query string, whoever wrote the admin (issue 12)."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = [
    pytest.mark.django_db,
    # A time without an offset in a hand-typed filter makes Django warn before it
    # overflows; the warning is not what these tests are about.
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
]


def _queries(model_admin, *, zone):
    """Odd values for the list's date drill-down and for every date field's filter.

    Only the values at the ends of the calendar (year 1, year 9999) land on one side or
    the other of the limit depending on the site's time zone; a year of 0 or of twenty
    digits is refused whatever the zone, so those two are tried in UTC alone.
    """
    fields = [
        f.name for f in model_admin.model._meta.get_fields() if f.get_internal_type() == "DateTimeField"
    ]
    queries = []
    for field in fields:
        queries += [
            f"{field}__year=9999&{field}__month=12&{field}__day=31",
            f"{field}__year=9999&{field}__month=12",
            f"{field}__year=9999",
            f"{field}__year=1",
            f"{field}__gte=9999-12-31+23:59:59",
            f"{field}__lt=0001-01-01+00:00:00",
        ]
        if zone == "UTC":
            queries += [f"{field}__year=0", f"{field}__year=99999999999999999999"]
    return queries


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_every_admin_list_answers_out_of_range_dates_without_a_500(admin_client, settings, zone):
    """Each zone moves the limits of the calendar: UTC-8 pushes the last instant of 9999
    past it, UTC+14 the first instant of year 1 before it."""
    settings.TIME_ZONE = zone
    admin_client.raise_request_exception = False
    failures = {}

    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in _queries(model_admin, zone=zone):
            status = admin_client.get(f"{url}?{query}").status_code
            if status not in (200, 302, 400):
                failures[f"{url}?{query}"] = status

    assert failures == {}


def test_an_error_without_odd_parameters_is_still_a_500(admin_client, monkeypatch):
    """Only odd input is answered 400: a bug on a plain list page still fails loudly."""
    from signups.admin import SubscriberAdmin

    def broken(*args, **kwargs):
        raise ValueError("year 10000 is out of range")

    monkeypatch.setattr(SubscriberAdmin, "get_changelist_instance", broken)
    admin_client.raise_request_exception = False

    assert admin_client.get(reverse("admin:signups_subscriber_changelist")).status_code == 500
    assert admin_client.get(reverse("admin:signups_subscriber_changelist") + "?p=2").status_code == 400
