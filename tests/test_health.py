import pytest


@pytest.mark.django_db
def test_healthz_reports_each_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == body["storage"] == body["search"] == "ok"
    # The index is there, and the test settings run tasks inline: no worker to wait for.
    assert body["search_index"] == "ok"
    assert body["worker"] == "inline" and body["task_backlog"] == 0


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


@pytest.mark.django_db
def test_healthz_reports_the_worker_and_its_backlog(client, settings):
    """With a database queue and no worker, waiting work older than the threshold is a
    worker outage (503), not an "ok" that hides it (tests/security/test_background.py
    covers idle, ok and the search outbox)."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from haystack import connections

    from search.tasks import drain_task

    # An index on disk: else search's health would queue its rebuild, a second task (the test
    # then depended on another test having built the index first).
    connections["default"].get_backend().clear()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    drain_task.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["worker"] == "down" and body["task_backlog"] == 1
    assert body["task_backlog_oldest_seconds"] >= 3600
    assert body["database"] == body["storage"] == body["search"] == "ok"
