import pytest

from isha import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_when_database_and_cache_work(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("broken", ["_check_database", "_check_cache"])
def test_healthz_answers_503_without_details_when_a_dependency_fails(client, monkeypatch, broken):
    def fail():
        raise RuntimeError("secret connection string")

    monkeypatch.setattr(health, broken, fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "secret" not in response.content.decode()
