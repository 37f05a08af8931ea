"""A NUL byte (``%00``) in a request's path or query string is answered 400, before anything runs.

PostgreSQL refuses NUL in text, so on PostgreSQL such a parameter reaching a query used
to answer 500 (the sign-up admin's filters and search, the site's search); the check is
the same on every database, and these tests run on both.
"""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/search/?q=%00",
    "/search/?q=ket%00amine",
    "/?%00=1",
    "/?utm_source=%00",
    "/signup/?utm_campaign=a%00b",
    "/articles/%00/",
    "/topics/x%00y/",
    "/%00",
    "/feed/rss/?x=%00",
    "/search/?q=%2500",  # not a NUL: the text "%00", searched for like any other
]
ADMIN = [
    "/admin/signups/subscriber/?status__exact=%00",
    "/admin/signups/subscriber/?q=%00",
    "/admin/signups/subscriber/?held_reason__exact=%00",
    "/admin/signups/subscriber/?created_at__gte=%00",
    "/admin/signups/subscriber/dashboard/?since=%00",
    "/admin/signups/subscriber/export/?q=%00",
    "/admin/signups/exportlog/?via__exact=%00",
    "/admin/articles/article/?q=%00",
    "/admin/articles/article/?status__exact=%00",
    "/admin/signups/subscriber/%00/change/",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_a_nul_in_a_public_address_is_a_400(client, url):
    ArticleFactory()

    response = client.get(url)

    if "%2500" in url:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert b"Traceback" not in response.content


@pytest.mark.parametrize("url", ADMIN)
def test_a_nul_in_an_admin_address_is_a_400(admin_client, url):
    SubscriberFactory()

    assert admin_client.get(url).status_code == 400


def test_a_nul_in_a_posted_query_string_is_a_400(client):
    response = client.post(reverse("signups:signup") + "?utm_source=%00", {"email": "jane@example.com"})

    assert response.status_code == 400


def test_ordinary_addresses_are_untouched(client):
    assert client.get("/search/?q=ketamine").status_code == 200
