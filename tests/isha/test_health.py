"""``/healthz/live`` keeps a host in rotation while it can answer; ``/healthz`` tells
monitoring which dependency is ok, degraded or down."""

import pytest

pytestmark = pytest.mark.django_db


def statuses(response):
    return {name: check["status"] for name, check in response.json()["checks"].items()}


def test_healthz_answers_200_when_database_and_cache_work(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert statuses(response) == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_liveness_answers_200_and_is_never_cached(client):
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.faults
def test_with_redis_stopped_the_site_is_degraded_not_down_and_stays_in_rotation(client, redis_server):
    assert client.get("/healthz").json()["status"] == "ok"

    redis_server.stop()
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert statuses(response) == {"database": "ok", "cache": "down"}
    assert str(redis_server.port) not in response.content.decode()
    assert client.get("/healthz/live").status_code == 200


@pytest.mark.faults
def test_liveness_never_touches_the_cache_even_with_the_page_cache_on(client, redis_server, settings, caplog):
    """A hung Redis would otherwise make every host's probe wait, and fail, at once."""
    settings.PAGE_CACHE_SECONDS = 600
    redis_server.stop()

    assert client.get("/healthz/live").status_code == 200
    assert not [record for record in caplog.records if record.name == "isha.cacheguard"]


# The database taken away for real: tests/isha/test_database_down.py (PostgreSQL).
