"""Where a page's CPU goes: each page of `make bench-pages` called in-process through Django's
WSGI handler (the whole middleware stack, gzip included, no network), its CPU time per request,
its SQL queries, and with `--profile PAGE` the functions that cost the most (cProfile).

Runs in a throw-away var/ with the demo data (migrations, `seed_demo`, `search_rebuild`), under
config.settings.local (what `make run` serves), and compares in one process: the page cache on
or off, database connections kept or opened per request.

    .venv/bin/python bench/pages_profile.py [--n 200] [--profile sheet] [--sort tottime]
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(tempfile.mkdtemp(prefix="fabrique-pages-profile-"))
atexit.register(shutil.rmtree, VAR, ignore_errors=True)
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "FABRIQUE_VAR_DIR": str(VAR),
        "LOG_LEVEL": "WARNING",
    }
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

PAGES = [
    ("login", "/comptes/connexion/", None),
    ("list", "/fiches/", None),
    ("sheet", "/fiches/piste-cyclable-rue-du-jura/", None),
    ("board", "/suivi/", "agent@demo.fabrique.test"),
    ("search", "/recherche/?q=" + quote("vélo"), None),
    ("home", "/", None),
]
VARIANTS = [
    ("no page cache, a connection per request (before)", 0, 0),
    ("persistent connections only", 0, 600),
    ("page cache only", 60, 0),
    ("page cache + persistent connections (make run)", 60, 600),
]

app = WSGIHandler()


def session_for(email: str) -> str:
    from accounts.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key or ""


def call(path: str, cookie: str | None) -> tuple[str, bytes]:
    route, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
    }
    if cookie:
        environ["HTTP_COOKIE"] = f"sessionid={cookie}"
    status = {}

    def start_response(line, headers, exc_info=None):
        status["line"] = line

    body = b"".join(app(environ, start_response))
    return status["line"], body


def measure(path: str, cookie: str | None, n: int) -> tuple[float, int]:
    line, _body = call(path, cookie)  # warm (and fill the cache when it is on)
    if not line.startswith("200"):
        raise RuntimeError(f"{path}: {line}")
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call(path, cookie)
    start = time.process_time()
    for _ in range(n):
        call(path, cookie)
    return (time.process_time() - start) / n * 1000, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="requests per page and variant")
    parser.add_argument("--profile", choices=[p[0] for p in PAGES], action="append", default=[])
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` does
    call_command("seed_demo", stdout=io.StringIO())
    call_command("search_rebuild", stdout=io.StringIO())
    cookies = {name: session_for(who) if who else None for name, _p, who in PAGES}
    table = ["| variant | " + " | ".join(name for name, *_ in PAGES) + " |"]
    table.append("| --- |" + " ---: |" * len(PAGES))
    for label, seconds, age in VARIANTS:
        settings.FABRIQUE_PAGE_CACHE_SECONDS = seconds
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = age
        caches["pages"].clear()
        cells = []
        for name, path, _who in PAGES:
            cpu, queries = measure(path, cookies[name], args.n)
            cells.append(f"{cpu:.2f} ms, {queries} q")
        table.append(f"| {label} | " + " | ".join(cells) + " |")
        print(table[-1], flush=True)
    print("\nCPU per request (in-process, gzip included) and SQL queries per request:\n")
    print("\n".join(table))

    for name in args.profile:
        path, cookie = dict((p[0], p[1]) for p in PAGES)[name], cookies[name]
        for label, seconds, age in (VARIANTS[0], VARIANTS[-1]):
            settings.FABRIQUE_PAGE_CACHE_SECONDS = seconds
            connection.close()
            connection.settings_dict["CONN_MAX_AGE"] = age
            caches["pages"].clear()
            call(path, cookie)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.n):
                call(path, cookie)
            profile.disable()
            print(f"\n## {name} — {label}")
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
