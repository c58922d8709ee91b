"""How `make run` serves (issue 12): production's behaviour on one machine, gunicorn's processes
from the cores with a socket each, and the knobs the README documents."""

from __future__ import annotations

import json
import os
import re
import runpy
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def gunicorn_settings(monkeypatch, **env: str) -> dict:
    for name in ("FABRIQUE_WORKERS", "FABRIQUE_THREADS", "FABRIQUE_REUSE_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "gunicorn.py"))


def test_gunicorn_runs_a_process_per_core_with_a_socket_each(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert conf["workers"] == len(os.sched_getaffinity(0))
    assert conf["worker_class"] == "gthread"
    assert conf["threads"] == 4
    assert conf["reuse_port"] is True
    assert conf["timeout"] == 600


def test_gunicorn_knobs(monkeypatch):
    conf = gunicorn_settings(
        monkeypatch, FABRIQUE_WORKERS="3", FABRIQUE_THREADS="2", FABRIQUE_REUSE_PORT="false"
    )
    assert (conf["workers"], conf["threads"], conf["reuse_port"]) == (3, 2, False)


def test_the_locked_gunicorn_opens_a_socket_per_worker_with_reuse_port():
    """gunicorn ≥ 23 binds in each worker when reuse_port is on; older ones shared one socket."""
    import gunicorn
    from gunicorn import arbiter

    assert tuple(int(p) for p in gunicorn.__version__.split(".")[:2]) >= (23, 0)
    source = Path(arbiter.__file__).read_text()
    assert "worker.sockets = sock.create_sockets(self.cfg, self.log)" in source


def local_settings(tmp_path: Path, **env: str) -> dict:
    """config.settings.local as a fresh process sees it, with its var/ in `tmp_path`."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'key': s.SECRET_KEY, 'hosts': s.ALLOWED_HOSTS, "
        "'static': s.STORAGES['staticfiles']['BACKEND'], 'age': s.DATABASES['default']"
        "['CONN_MAX_AGE'], 'cache': s.FABRIQUE_PAGE_CACHE_SECONDS, "
        "'secure': s.SESSION_COOKIE_SECURE, 'redirect': s.SECURE_SSL_REDIRECT}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FABRIQUE_", "DATABASE_"))}
    clean.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "FABRIQUE_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_make_run_settings_are_production_like_over_plain_http(tmp_path):
    conf = local_settings(tmp_path)
    assert conf["debug"] is False
    assert conf["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert {"127.0.0.1", "localhost"} <= set(conf["hosts"])
    assert conf["cache"] == 60
    assert conf["age"] == 600  # persistent connections
    assert conf["secure"] is False and conf["redirect"] is False  # no TLS in front
    # A key of its own, written once for the owner only and kept across restarts.
    key_file = tmp_path / "secret_key"
    assert conf["key"] == key_file.read_text().strip()
    assert len(conf["key"]) >= 50 and not conf["key"].startswith("dev-insecure")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert local_settings(tmp_path)["key"] == conf["key"]


def test_make_run_settings_knobs(tmp_path):
    conf = local_settings(
        tmp_path,
        SECRET_KEY="k" * 60,
        DATABASE_CONN_MAX_AGE="0",
        FABRIQUE_PAGE_CACHE_SECONDS="0",
        ALLOWED_HOSTS="fabrique.test",
    )
    assert conf["key"] == "k" * 60
    assert not (tmp_path / "secret_key").exists()
    assert (conf["age"], conf["cache"], conf["hosts"]) == (0, 0, ["fabrique.test"])


def test_make_run_serves_with_local_settings_and_gunicorn_config():
    assert re.search(r"^RUN_SETTINGS \?= config\.settings\.local$", MAKEFILE, re.M)
    assert re.search(r"^run: export DJANGO_SETTINGS_MODULE = \$\(RUN_SETTINGS\)$", MAKEFILE, re.M)
    run = MAKEFILE.split("\nrun: seed\n", 1)[1].split("\n\n", 1)[0]
    assert "gunicorn config.wsgi -c config/gunicorn.py --bind $(HOST):$(PORT)" in run
    assert "--workers" not in run  # config/gunicorn.py decides
    dev = MAKEFILE.split("\ndev: seed\n", 1)[1].split("\n\n", 1)[0]
    assert "manage.py runserver $(HOST):$(PORT)" in dev
    assert re.search(
        r"^dev: export DJANGO_SETTINGS_MODULE = config\.settings\.dev$", MAKEFILE, re.M
    )


@pytest.mark.parametrize(
    "knob",
    [
        "FABRIQUE_WORKERS",
        "FABRIQUE_THREADS",
        "FABRIQUE_REUSE_PORT",
        "FABRIQUE_TIMEOUT",
        "FABRIQUE_KEEPALIVE",
        "FABRIQUE_PAGE_CACHE_SECONDS",
        "FABRIQUE_PAGE_CACHE_ENTRIES",
        "RUN_SETTINGS",
        "DATABASE_CONN_MAX_AGE",
    ],
)
def test_the_readme_documents_each_knob(knob):
    assert (
        re.search(rf"^\| `{knob}`", README, re.M)
        or f"`{knob}`" in README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    )
