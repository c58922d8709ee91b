"""Background work survives crashes: killed workers, dead leases, a lost index, honest /healthz.

The worker tests start real `manage.py db_worker` processes on the test database (SQLite file
or PostgreSQL) and kill them with SIGKILL in the middle of a task.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background.liveness import this_host
from background.models import WorkerHeartbeat
from background.periodic import periodic_run_all
from background.services import tasks_requeue_orphaned
from documents.models import DocumentRevision, ExtractionStatus
from documents.services import document_create
from documents.tempfiles import UPLOAD_PREFIX, temp_dir
from search.indexer import LEASE_NAME, index_state, outbox_drain
from search.models import IndexerLease, IndexOutbox
from search.services import search_query
from tests.factories import MembershipFactory, WorkspaceFactory
from tests.search.factories import make_sheet
from workspace.models import Role

ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
whoosh_only = pytest.mark.skipif(
    "PATH" not in settings.HAYSTACK_CONNECTIONS["default"], reason="Whoosh-specific"
)

# A worker whose text extraction hangs (native code stuck on a page, say) until it is killed.
HANGING_WORKER = r"""
import os, sys, time
import django
django.setup()
import documents.extraction

def hang(*args, **kwargs):
    open(os.environ["HANG_MARKER"], "w").close()
    time.sleep(600)

documents.extraction.extract_text = hang
from django.core.management import call_command
call_command("db_worker", *sys.argv[1:])
"""
WORKER_ARGS = ["--queue-name", "*", "--no-reload", "--no-startup-delay", "--interval", "0.1"]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker_env(**extra: str) -> dict[str, str]:
    """The real settings (config.settings.dev) pointed at this test's database and files."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="0",
        DATABASE_URL=_database_url(),
        FABRIQUE_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        FABRIQUE_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        # The engine under test (tantivy or Whoosh) and its directory.
        HAYSTACK_ENGINE=settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"],
        HAYSTACK_WHOOSH_PATH=settings.HAYSTACK_CONNECTIONS["default"].get("PATH", ""),
        HAYSTACK_TANTIVY_PATH=settings.HAYSTACK_CONNECTIONS["default"].get("PATH", ""),
        FABRIQUE_UPLOAD_TEMP_DIR=str(settings.FILE_UPLOAD_TEMP_DIR),
        FABRIQUE_WORKER_HEARTBEAT_SECONDS="0.2",
        FABRIQUE_WORKER_DEAD_AFTER_SECONDS="2",
        FABRIQUE_WORKER_SWEEP_SECONDS="0.5",
        **extra,
    )
    return env


def _wait_for(predicate, timeout: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


@pytest.fixture
def owner_and_workspace(db):
    workspace = WorkspaceFactory()
    owner = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    return owner, workspace


@pytest.fixture(autouse=True)
def _fresh_index(db):
    """Each test starts with a present, empty index (its directory outlives rollbacks)."""
    from search.indexer import index_rebuild

    index_rebuild()
    yield
    IndexerLease.objects.all().delete()


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


# --- 1. a task interrupted by a killed worker is retried and finishes -------------------------


@whoosh_only
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_extraction_killed_with_its_worker_is_finished_by_the_next_worker(
    db_tasks, owner_and_workspace, tmp_path
):
    """GIVEN an upload whose text extraction is running in a worker
    WHEN that worker is killed with SIGKILL mid-task and another worker starts
    THEN the extraction runs again and finishes, and the document becomes searchable."""
    owner, workspace = owner_and_workspace
    document = document_create(
        actor=owner,
        workspace=workspace,
        file=ContentFile(b"Le compostage collectif du quartier Gare.", name="c.txt"),
        name="compost.txt",
        visibility="public",
    )
    revision_id = document.current_revision_id
    marker = tmp_path / "hanging"
    hanging = subprocess.Popen(
        [sys.executable, "-c", HANGING_WORKER, *WORKER_ARGS],
        cwd=ROOT,
        env=_worker_env(HANG_MARKER=str(marker)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    replacement = None
    try:
        _wait_for(marker.exists, 60, "the extraction to start in the first worker")
        extraction = DBTaskResult.objects.get(task_path="documents.tasks.revision_extract_text")
        assert extraction.status == TaskResultStatus.RUNNING
        hanging.send_signal(signal.SIGKILL)
        hanging.wait(10)
        killed_at = time.monotonic()

        replacement = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", *WORKER_ARGS],
            cwd=ROOT,
            env=_worker_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def extracted() -> bool:
            status = DocumentRevision.objects.get(pk=revision_id).extraction_status
            return status == ExtractionStatus.DONE

        _wait_for(extracted, 60, "the replacement worker to finish the extraction")
        _wait_for(lambda: not IndexOutbox.objects.exists(), 30, "the index to catch up")
        recovery = time.monotonic() - killed_at
    finally:
        if hanging.poll() is None:
            hanging.kill()
        if replacement is not None:
            _stop(replacement)
    extraction.refresh_from_db()
    assert extraction.status == TaskResultStatus.SUCCESSFUL
    assert len(extraction.worker_ids) == 2  # claimed by the killed worker, then the new one
    page = search_query(user=None, q="compostage")
    assert [hit.id for hit in page.results] == [document.pk]
    # The figure the report quotes (printed with -s).
    print(f"recovery after SIGKILL: {recovery:.1f}s on {connection.vendor}")
    # The replacement stopped cleanly and removed its heartbeat; only the killed one's is left.
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == [
        extraction.worker_ids[0]
    ]


@pytest.mark.django_db
def test_running_task_of_a_silent_worker_goes_back_to_the_queue(db_tasks, settings):
    """A worker on another machine that stopped beating: its task is re-queued after
    FABRIQUE_WORKER_DEAD_AFTER_SECONDS, not before; after FABRIQUE_TASK_MAX_ATTEMPTS claims
    it is given up instead of killing every worker in turn."""
    from documents.tasks import revision_extract_text

    settings.FABRIQUE_WORKER_DEAD_AFTER_SECONDS = 30
    now = timezone.now()
    result = revision_extract_text.enqueue(12345)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("far-away")
    WorkerHeartbeat.objects.create(
        worker_id="far-away", host="other-host", pid=1, started_at=now, last_seen=now
    )
    assert tasks_requeue_orphaned() == 0  # beating: alive
    WorkerHeartbeat.objects.filter(worker_id="far-away").update(
        last_seen=now - timedelta(seconds=31)
    )
    assert tasks_requeue_orphaned() == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY and row.worker_ids == ["far-away"]

    for worker in ("second", "third"):
        row.claim(worker)
        WorkerHeartbeat.objects.create(
            worker_id=worker, host=this_host(), pid=_dead_pid(), started_at=now, last_seen=now
        )
        # On this machine a dead process is seen at once, fresh heartbeat or not.
        assert tasks_requeue_orphaned() == 1
        row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert "WorkerLost" in row.exception_class_path


@pytest.mark.django_db
def test_task_of_a_worker_without_heartbeat_is_left_alone_for_the_stale_period(db_tasks):
    """A plain library worker writes no heartbeat: its long task is not stolen at once."""
    from documents.tasks import revision_extract_text

    result = revision_extract_text.enqueue(1)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("library-worker")
    assert tasks_requeue_orphaned() == 0
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(seconds=settings.FABRIQUE_TASK_STALE_SECONDS + 1)
    )
    assert tasks_requeue_orphaned() == 1


@pytest.mark.django_db
def test_lost_extraction_enqueue_is_queued_again_by_the_sweep(db_tasks, owner_and_workspace):
    """An upload committed but its extraction task never written (crash between commit and
    enqueue): the revision's pending state drives the sweep to queue it."""
    owner, workspace = owner_and_workspace
    document = document_create(
        actor=owner,
        workspace=workspace,
        file=ContentFile(b"texte", name="t.txt"),
        name="t.txt",
    )
    revision = document.current_revision
    assert revision.extraction_status == ExtractionStatus.PENDING
    assert not DBTaskResult.objects.exists()  # on_commit never ran: the enqueue is "lost"
    DocumentRevision.objects.filter(pk=revision.pk).update(
        created=timezone.now() - timedelta(minutes=5)
    )
    periodic_run_all()
    queued = DBTaskResult.objects.filter(task_path="documents.tasks.revision_extract_text")
    assert [r.args_kwargs["args"] for r in queued] == [[revision.pk]]
    periodic_run_all()  # already queued: not twice
    assert queued.count() == 1


# --- 2. the indexer: dead leases, catching up without a write ---------------------------------


@pytest.mark.django_db
def test_drain_takes_over_the_lease_of_a_killed_indexer_at_once(owner_and_workspace):
    """A drainer killed mid-batch left a lease valid for minutes: on this machine its dead
    process is detected and the next drain proceeds now."""
    _owner, workspace = owner_and_workspace
    make_sheet(workspace, title="Fontaine", summary="fontaine du parc")
    IndexerLease.objects.update_or_create(
        name=LEASE_NAME,
        defaults={
            "holder": f"{this_host()}:{_dead_pid()}:1:deadbeef",
            "expires_at": timezone.now() + timedelta(hours=1),
        },
    )
    report = outbox_drain()
    assert not report.skipped_locked and report.rows >= 1
    assert search_query(user=None, q="fontaine").count == 1


@pytest.mark.django_db
def test_lease_of_a_live_indexer_is_respected(owner_and_workspace):
    _owner, workspace = owner_and_workspace
    make_sheet(workspace, title="Fontaine", summary="fontaine du parc")
    IndexerLease.objects.update_or_create(
        name=LEASE_NAME,
        defaults={
            "holder": f"{this_host()}:{os.getpid()}:1:alive",
            "expires_at": timezone.now() + timedelta(hours=1),
        },
    )
    assert outbox_drain().skipped_locked


@pytest.mark.django_db
def test_outbox_left_behind_is_applied_by_the_sweep_without_a_new_write(owner_and_workspace):
    """Rows whose drain task was lost (worker killed, enqueue failed) do not wait for an
    unrelated write: the worker's periodic job applies them."""
    _owner, workspace = owner_and_workspace
    make_sheet(workspace, title="Jardin", summary="jardin partagé rue des Roses")
    assert IndexOutbox.objects.exists()  # its on-commit drain never ran
    assert search_query(user=None, q="roses").count == 0
    periodic_run_all()
    assert not IndexOutbox.objects.exists()
    assert search_query(user=None, q="roses").count == 1


# --- 3. a deleted index directory, a concurrent writer -----------------------------------------


@whoosh_only
@pytest.mark.django_db
def test_deleted_index_is_reported_and_rebuilt_without_an_error_page(db_tasks, owner_and_workspace):
    """GIVEN an indexed sheet WHEN var/whoosh is deleted THEN the search page and API answer
    200 with a notice (no 500), /healthz says the index is missing, one repair task is
    queued, and once the worker ran it the results are back."""
    _owner, workspace = owner_and_workspace
    make_sheet(workspace, title="Piscine", summary="la piscine du Wacken")
    outbox_drain()
    client = Client()
    assert client.get("/api/v1/search/", {"q": "piscine"}).json()["count"] == 1

    shutil.rmtree(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    page = client.get("/recherche/", {"q": "piscine"})
    assert page.status_code == 200
    assert "momentanément indisponible" in page.content.decode()
    api = client.get("/api/v1/search/", {"q": "piscine"})
    assert api.status_code == 200 and api.json()["index"] == "missing"
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["search"] == "down" and health.json()["search_index"] == "missing"
    repairs = DBTaskResult.objects.filter(task_path="search.tasks.index_repair_task")
    assert repairs.count() == 1  # however many requests noticed it

    repair = repairs.get()
    repair.task.call()  # what the worker does with the queued task
    assert index_state() == "ok"
    body = client.get("/api/v1/search/", {"q": "piscine"}).json()
    assert body["count"] == 1 and body["index"] == "ok"
    assert client.get("/healthz").json()["search_index"] == "ok"


@whoosh_only
@pytest.mark.django_db
def test_deleted_index_is_rebuilt_by_the_next_drain(owner_and_workspace):
    """A write after the loss must not produce an index holding only that write."""
    _owner, workspace = owner_and_workspace
    make_sheet(workspace, title="Tram", summary="ligne de tram vers Kehl")
    outbox_drain()
    shutil.rmtree(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    make_sheet(workspace, title="Vélo", summary="piste cyclable vers Kehl")
    outbox_drain()
    assert search_query(user=None, q="kehl").count == 2


@whoosh_only
@pytest.mark.django_db
def test_index_state_says_rebuilding_only_while_a_live_rebuild_runs(owner_and_workspace):
    from search.indexer import REBUILD_LEASE, REBUILD_MARKER, lease_acquire

    _owner, workspace = owner_and_workspace
    make_sheet(workspace, title="Cinéma", summary="cinéma en plein air")
    outbox_drain()
    marker = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"]) / REBUILD_MARKER
    marker.touch()
    # A rebuild killed before removing its marker: its lease is not held, the index is ok.
    assert index_state() == "ok"
    assert lease_acquire(f"{this_host()}:{os.getpid()}:1:rebuild", name=REBUILD_LEASE)
    assert index_state() == "rebuilding"
    response = Client().get("/recherche/", {"q": "cinéma"})
    assert response.status_code == 200
    assert "en cours de reconstruction" in response.content.decode()
    assert Client().get("/healthz").json()["search_index"] == "rebuilding"
    marker.unlink()


def _remove_index_directory() -> None:
    """Delete the index directory while readers search: tantivy's readers take a lock file in
    it (`.tantivy-meta.lock`) when they reload, so a reader may put that file back between
    rmtree's last unlink and its rmdir (ENOTEMPTY); whoever deletes it tries again."""
    path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    for attempt in range(20):
        try:
            shutil.rmtree(path)
            return
        except OSError:
            if not os.path.exists(path):
                return
            if attempt == 19:
                raise
            time.sleep(0.01)


@whoosh_only
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_never_fails_while_the_index_is_written_and_rebuilt(owner_and_workspace):
    """GIVEN readers searching in a loop WHEN a writer drains batches and rebuilds the index
    (in place, and from a deleted directory) THEN no search raises (a notice at worst), and
    the index ends complete."""
    from search.indexer import index_rebuild

    _owner, workspace = owner_and_workspace
    for i in range(30):
        make_sheet(workspace, title=f"Marché {i}", summary="marché de Noël place Kléber")
    outbox_drain()
    errors: list[BaseException] = []
    states: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                page = search_query(user=None, q="marché", per_page=100)
                states.append(page.index_state)
        except BaseException as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            connection.close()

    def writer() -> None:
        try:
            for round_ in range(5):
                make_sheet(workspace, title=f"Ajout {round_}", summary="marché couvert")
                outbox_drain()
                index_rebuild()
                if round_ == 2:
                    _remove_index_directory()
                    outbox_drain()  # repairs the lost index
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            stop.set()
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors[:3]
    assert len(states) > 10 and "ok" in states
    assert set(states) <= {"ok", "rebuilding", "missing", "unavailable"}
    assert search_query(user=None, q="marché", per_page=100).count == 35


# --- 4. /healthz: worker, backlog, index -------------------------------------------------------


@pytest.mark.django_db
def test_healthz_worker_idle_without_backlog_down_with_old_backlog_ok_with_heartbeat(
    db_tasks, settings, owner_and_workspace
):
    """No heartbeat and nothing waiting: "idle", 200 (make run's first seconds). Work waiting
    past FABRIQUE_WORKER_DOWN_AFTER_SECONDS with no live worker: "down", 503. A fresh
    heartbeat: "ok"."""
    from documents.tasks import revision_extract_text

    settings.FABRIQUE_WORKER_DOWN_AFTER_SECONDS = 60
    client = Client()
    body = client.get("/healthz").json()
    assert body["worker"] == "idle" and body["task_backlog"] == 0 and body["status"] == "ok"

    revision_extract_text.enqueue(1)
    fresh = client.get("/healthz")
    assert fresh.status_code == 200 and fresh.json()["task_backlog"] == 1

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=61))
    down = client.get("/healthz")
    assert down.status_code == 503
    body = down.json()
    assert body["worker"] == "down" and body["status"] == "down"
    assert body["task_backlog"] == 1 and body["task_backlog_oldest_seconds"] >= 61
    assert body["database"] == body["storage"] == body["search"] == "ok"

    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w", host=this_host(), pid=os.getpid(), started_at=now, last_seen=now
    )
    body = client.get("/healthz").json()
    assert body["worker"] == "ok" and body["workers_alive"] == 1
    assert body["worker_last_seen_seconds"] == 0


@pytest.mark.django_db
def test_healthz_counts_an_old_search_outbox_as_waiting_work(
    db_tasks, settings, owner_and_workspace
):
    settings.FABRIQUE_WORKER_DOWN_AFTER_SECONDS = 60
    _owner, workspace = owner_and_workspace
    make_sheet(workspace, title="Parc", summary="parc")
    IndexOutbox.objects.update(created=timezone.now() - timedelta(seconds=120))
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == "down"
    assert response.json()["search_backlog_oldest_seconds"] >= 120


@pytest.mark.django_db
def test_healthz_with_inline_tasks_has_no_worker_to_wait_for():
    body = Client().get("/healthz").json()
    assert body["worker"] == "inline" and body["status"] == "ok"


# --- 6. a killed upload leaves no temp file ----------------------------------------------------


@pytest.mark.django_db
def test_uploads_stream_to_the_dedicated_temp_dir_with_a_recognisable_name(
    owner_and_workspace, monkeypatch
):
    from rest_framework.test import APIClient

    from documents import upload

    owner, workspace = owner_and_workspace
    seen: list[str] = []
    original = upload.StreamedUploadFile.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seen.append(self.temporary_file_path())

    monkeypatch.setattr(upload.StreamedUploadFile, "__init__", spy)
    client = APIClient()
    client.force_authenticate(owner)
    response = client.post(
        f"/api/v1/workspaces/{workspace.slug}/documents/",
        {"file": ContentFile(b"bonjour", name="note.txt")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert len(seen) == 1
    path = Path(seen[0])
    assert path.parent == temp_dir() and path.name.startswith(UPLOAD_PREFIX)
    assert not path.exists()  # a finished upload removes its own


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_temp_files_of_killed_uploads_are_removed_by_purge_and_worker_start(db_tasks, settings):
    """A process killed mid-upload leaves its temp file: the purge command and a worker's
    start remove those older than the grace period, never a younger one (an upload still
    streaming) nor a file that is not ours."""
    settings.FABRIQUE_UPLOAD_GRACE_SECONDS = 3600
    old = time.time() - 3601

    def leave(name: str, *, stale: bool) -> Path:
        path = temp_dir() / name
        path.write_bytes(b"x" * 1024)
        if stale:
            os.utime(path, (old, old))
        return path

    killed = leave(f"{UPLOAD_PREFIX}abc.upload.pdf", stale=True)
    django_default = leave("tmpq1w2e3.upload.txt", stale=True)
    streaming = leave(f"{UPLOAD_PREFIX}def.upload.pdf", stale=False)
    not_ours = leave("somebody-else.dat", stale=True)
    call_command("documents_purge_trash")
    assert not killed.exists() and not django_default.exists()
    assert streaming.exists() and not_ours.exists()

    again = leave(f"{UPLOAD_PREFIX}ghi.upload.odt", stale=True)
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--queue-name", "*")
    assert not again.exists() and streaming.exists()
    streaming.unlink()
    not_ours.unlink()
