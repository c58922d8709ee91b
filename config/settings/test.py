"""Test settings: fast hashing, in-memory mail, tasks run inline, files and index in a temp dir."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

_TMP = Path(tempfile.mkdtemp(prefix="fabrique-test-"))
_OWNER = os.getpid()


@atexit.register
def _remove_tmp() -> None:
    # Only the process that made the directory removes it, not a forked child leaving early.
    if os.getpid() == _OWNER:
        shutil.rmtree(_TMP, ignore_errors=True)


VAR_DIR = _TMP
MEDIA_ROOT = _TMP / "media"
FILE_UPLOAD_TEMP_DIR = str(_TMP / "tmp" / "uploads")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
STATIC_ROOT = _TMP / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
if not env("AWS_STORAGE_BUCKET_NAME"):
    STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(MEDIA_ROOT)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
# A server engine named by the environment is tested as it is (pytest tests/search against it).
if not env("HAYSTACK_ELASTICSEARCH_URL") and not env("HAYSTACK_OPENSEARCH_URL"):
    # The engine under test: tantivy (the default) or, with
    # HAYSTACK_ENGINE=search.backends.FrenchWhooshEngine, Whoosh (CI runs tests/search on both).
    _engine = env("HAYSTACK_ENGINE", "search.backends_tantivy.FrenchTantivyEngine")
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": _engine,
            "PATH": env(
                "FABRIQUE_TEST_INDEX_PATH",
                str(_TMP / ("whoosh" if "Whoosh" in _engine else "tantivy")),
            ),
        }
    }
# Factories write rows without events: the page cache is on only in the tests that study it.
FABRIQUE_PAGE_CACHE_SECONDS = 0
# Bytes served are counted but written only when a test flushes them (no write mid-test).
FABRIQUE_SERVED_BYTES_FLUSH_SECONDS = None
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DEBUG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env("DATABASE_URL"):
    DATABASES["default"]["NAME"] = str(_TMP / "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(_TMP / "test-db.sqlite3")}
