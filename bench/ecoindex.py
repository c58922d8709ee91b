"""`make ecoindex`: every key page loaded in Debian's Chromium, measured, graded (EcoIndex).

A throw-away site (SQLite and files in a temporary directory, the demo data, DEBUG off, static
files collected and pre-compressed as in production) is served by gunicorn; each page is loaded
cold (browser cache disabled) in a fresh browser context, signed in through the login form when
the page needs an account. Measured as EcoIndex does: DOM elements, HTTP requests, bytes
received (headers and compressed bodies, from Chromium's network events) and decoded (the
bodies once decompressed). The score and grade come from portal/footprint/ecoindex.py, the
formula the /impact/ page uses too. The figures are written to data/ecoindex.json (with the
date, the commit and the machine), which the /impact/ page reads: CI runs this, and the
committed file is the last measurement committed (`--no-store` leaves it alone).

Fails (exit 1) when a key page is below grade A or weighs more than its baseline + 20 %
(bench/ecoindex_baseline.json, `--update-baseline` rewrites it). The API docs page is the one
exception to the grade: Swagger UI, a JavaScript application of about a megabyte, is a tool for
developers, not a page of the site; it is measured and held to its own baseline all the same.

    .venv/bin/python bench/ecoindex.py [--append docs/benchmarks.md] [--update-baseline]
        [--no-store]
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = Path(tempfile.mkdtemp(prefix="fabrique-ecoindex-"))
atexit.register(shutil.rmtree, VAR, ignore_errors=True)
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    "DEBUG": "false",
    "FABRIQUE_VAR_DIR": str(VAR),
    "DATABASE_URL": f"sqlite:///{VAR / 'fabrique.sqlite3'}",
    # Text extraction and indexing run inline: the search page finds the demo data at once.
    "FABRIQUE_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    "LOG_LEVEL": "WARNING",
    "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.live import free_port, machine, start_server, stop_server  # noqa: E402
from portal.footprint.ecoindex import PageMeasure  # noqa: E402

BASELINE = ROOT / "bench" / "ecoindex_baseline.json"
STORED = ROOT / "data" / "ecoindex.json"
VIEWPORT = {"width": 1366, "height": 900}
CHROMIUM = os.environ.get("FABRIQUE_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "fabrique-demo"
GROWTH_LIMIT = 1.20
# Pages exempt from grade A, with the reason the report prints.
EXCEPTIONS = {
    "api-docs": "Swagger UI (drf-spectacular-sidecar) is a JavaScript tool for developers "
    "reading the API, not a page of the site; it is held to its baseline weight only",
}


@dataclass(frozen=True)
class KeyPage:
    name: str
    path: str
    user: str | None = None  # signed in as this demo account first
    ready: str | None = None  # a page drawn by script: measured once this element shows


def key_pages() -> list[KeyPage]:
    """The key pages, on objects of the demo data (looked up before any browser starts)."""
    from amendments.models import Amendment
    from debates.models import Debate
    from documents.models import Document
    from officials.models import OfficialProfile
    from projects.models import ProjectSheet
    from workspace.models import Workspace

    sheet = ProjectSheet.objects.filter(is_public=True).order_by("pk").first()
    workspace = Workspace.objects.get(slug="collectif-velo-neudorf")
    document = Document.objects.filter(workspace=workspace, visibility="public").first()
    debate = Debate.objects.filter(sheet__slug="stationnement-velos-gare-centrale").first()
    amendment = Amendment.objects.filter(sheet__slug="stationnement-velos-gare-centrale").first()
    official = OfficialProfile.objects.filter(user__email="elue@demo.fabrique.test").first()
    assert sheet and document and debate and amendment and official, (
        "the demo data changed: pick other key objects"
    )
    return [
        KeyPage("home", "/"),
        KeyPage("sheet-list", "/fiches/"),
        KeyPage("sheet", sheet.get_absolute_url()),
        KeyPage("search", "/recherche/?q=v%C3%A9lo"),
        KeyPage("workspace-list", "/espaces/"),
        KeyPage("workspace", workspace.get_absolute_url()),
        KeyPage("document", f"/documents/{document.pk}/"),
        KeyPage("document-editor", f"/documents/{document.pk}/", "alice@demo.fabrique.test"),
        KeyPage("board", "/suivi/", "agent@demo.fabrique.test"),
        KeyPage("debate-list", "/debats/"),
        KeyPage("debate", debate.get_absolute_url()),
        KeyPage("debate-member", debate.get_absolute_url(), "alice@demo.fabrique.test"),
        KeyPage("moderation-queue", "/moderation/", "moderation2@demo.fabrique.test"),
        KeyPage("amendment-round", amendment.round.get_absolute_url()),
        KeyPage("amendment", amendment.get_absolute_url()),
        KeyPage(
            "amendment-propose",
            f"/amendements/fiches/{amendment.sheet_id}/proposer/?champ=summary",
            "dan@demo.fabrique.test",
        ),
        KeyPage("officials", "/elus/"),
        KeyPage("official", official.get_absolute_url()),
        KeyPage("official-inbox", "/elus/boite/", "elue@demo.fabrique.test"),
        KeyPage("charter", "/moderation/charte/"),
        KeyPage("register", "/moderation/registre/"),
        KeyPage("impact", "/impact/"),
        KeyPage("login", "/comptes/connexion/"),
        KeyPage("signup", "/comptes/inscription/"),
        KeyPage("api-docs", "/api/docs/", ready=".swagger-ui .opblock"),
    ]


def prepare_site() -> list[KeyPage]:
    quiet = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0)
    return key_pages()


def sign_in(page, email: str) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/comptes/connexion/" not in url)


def measure(browser, base_url: str, key: KeyPage) -> PageMeasure:
    """One cold load of `key` in a fresh context; bytes as Chromium received them."""
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport=VIEWPORT)
    try:
        page = context.new_page()
        if key.user:
            sign_in(page, key.user)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        requests: set[str] = set()
        received: dict[str, int] = {}
        decoded: dict[str, int] = {}

        def data(event: dict) -> None:
            request_id = event["requestId"]
            decoded[request_id] = decoded.get(request_id, 0) + int(event["dataLength"])

        def sent(event: dict) -> None:
            if not event["request"]["url"].startswith("data:"):
                requests.add(event["requestId"])

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.dataReceived", data)
        cdp.on(
            "Network.loadingFinished",
            lambda e: received.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        response = page.goto(key.path, wait_until="networkidle")
        assert response is not None and response.status == 200, f"{key.path}: {response}"
        if key.ready:
            page.locator(key.ready).first.wait_for(timeout=30_000)
            page.wait_for_load_state("networkidle")
        dom = page.evaluate("document.getElementsByTagName('*').length")
        transferred = sum(received.get(request_id, 0) for request_id in requests)
        body = sum(decoded.get(request_id, 0) for request_id in requests)
        return PageMeasure(dom=dom, requests=len(requests), transferred=transferred, decoded=body)
    finally:
        context.close()


def measure_all(pages: list[KeyPage]) -> dict[str, PageMeasure]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        sys.exit(f"no Chromium at {CHROMIUM}: apt-get install chromium, or set FABRIQUE_CHROMIUM")
    port = free_port()
    server = start_server(port, ENV)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            try:
                return {
                    key.name: measure(browser, f"http://127.0.0.1:{port}", key) for key in pages
                }
            finally:
                browser.close()
    finally:
        stop_server(server)


def verdicts(results: dict[str, PageMeasure], baseline: dict) -> list[str]:
    """Every broken budget, in words; empty when all pages hold."""
    problems = []
    for name, m in results.items():
        if m.grade != "A" and name not in EXCEPTIONS:
            problems.append(f"{name}: grade {m.grade} ({m.score:.1f}), below A")
        before = baseline.get(name, {}).get("transferred")
        if before and m.transferred > before * GROWTH_LIMIT:
            problems.append(f"{name}: {m.transferred} bytes, more than baseline {before} + 20 %")
        if name not in baseline:
            problems.append(f"{name}: no baseline (run with --update-baseline and commit it)")
    return problems


def table(pages: list[KeyPage], results: dict[str, PageMeasure]) -> list[str]:
    rows = [
        "| page | path | DOM elements | requests | transferred (kB) | decoded (kB) | EcoIndex "
        "| grade |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | :---: |",
    ]
    for key in pages:
        m = results[key.name]
        who = f" (signed in: {key.user.split('@')[0]})" if key.user else ""
        rows.append(
            f"| {key.name}{who} | `{key.path}` | {m.dom} | {m.requests} | "
            f"{m.size_kb:.1f} | {m.decoded_kb:.1f} | {m.score:.1f} | {m.grade} |"
        )
    return rows


def report(pages: list[KeyPage], results: dict[str, PageMeasure]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### EcoIndex run, {stamp}",
        "",
        f"Machine: {machine()}. Chromium headless at 1366 × 900, cache disabled, gunicorn "
        "(DEBUG off, gzip, WhiteNoise's pre-compressed static files), demo data.",
        "",
        *table(pages, results),
        "",
        *[f"Exception — {name}: {why}." for name, why in EXCEPTIONS.items()],
        "",
    ]
    return "\n".join(lines)


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head


def _modified() -> bool:
    """Whether the measured tree differs from its commit (CI's clean checkout: no)."""
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return False
    return any(line[3:] != "data/ecoindex.json" for line in status.splitlines())


def public_machine() -> str:
    """The machine without its host name (the page that shows it is public)."""
    cpu = machine().split("CPU: ", 1)[-1]
    return f"{platform.system()} {platform.machine()}, {cpu}"


def store(pages: list[KeyPage], results: dict[str, PageMeasure]) -> None:
    """The figures for /impact/ (portal/footprint/measures.py reads them)."""
    data = {
        "measured_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "commit": _commit(),
        "modified": _modified(),
        "machine": public_machine(),
        "conditions": (
            f"Chromium headless, {VIEWPORT['width']} × {VIEWPORT['height']}, cache disabled, "
            "gunicorn (DEBUG off, gzip), demo data."
        ),
        "pages": [
            {
                "name": key.name,
                "path": key.path,
                "signed_in": bool(key.user),
                "dom": results[key.name].dom,
                "requests": results[key.name].requests,
                "transferred": results[key.name].transferred,
                "decoded": results[key.name].decoded,
            }
            for key in pages
        ],
    }
    STORED.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"figures written to {STORED.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--append", type=Path, help="append the figures to this Markdown file")
    parser.add_argument("--update-baseline", action="store_true")
    parser.add_argument("--no-store", action="store_true", help="leave data/ecoindex.json alone")
    args = parser.parse_args()

    pages = prepare_site()
    results = measure_all(pages)
    text = report(pages, results)
    print(text)
    if not args.no_store:
        store(pages, results)
    if args.update_baseline:
        data = {name: {"dom": m.dom, "requests": m.requests, "transferred": m.transferred}
                for name, m in results.items()}  # fmt: skip
        BASELINE.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        print(f"baseline written to {BASELINE.relative_to(ROOT)}")
        return 0
    if args.append:
        with args.append.open("a") as fh:
            fh.write("\n" + text)
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    problems = verdicts(results, baseline)
    for problem in problems:
        print(f"FAIL {problem}")
    if not problems:
        print("All key pages hold grade A (API docs excepted) and their baseline weight + 20 %.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
