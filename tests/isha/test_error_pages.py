import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import path


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken_view)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_500_page_is_styled_and_needs_no_database(monkeypatch):
    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    client = Client(raise_request_exception=False)
    monkeypatch.setattr(connection, "cursor", no_database)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and 'lang="en"' in html


@pytest.mark.django_db
def test_the_404_page_is_styled(client):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
