import pytest


@pytest.mark.django_db
def test_healthz_reports_each_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == body["storage"] == body["search"] == "ok"


@pytest.mark.django_db
def test_healthz_names_the_part_that_is_down(client, monkeypatch):
    from config import health

    def broken() -> dict:
        raise OSError("disk gone")

    monkeypatch.setitem(health.CHECKS, "storage", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "down"
    assert response.json()["database"] == "ok"
