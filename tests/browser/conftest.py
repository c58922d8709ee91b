"""Browser suite: Debian's Chromium driven by Playwright against a live Django server.

Run by `make test-browser` only (marker `browser`, deselected from the default run by
pyproject's addopts). Each test gets a fresh database seeded with the demo data, a live server
thread and its own Playwright; screenshots of the pages it checks go to FABRIQUE_SCREENSHOTS.

Playwright's sync API keeps an asyncio loop running in the main thread while it is started,
and Django rightly refuses synchronous database access from a thread with a running loop. The
suite does not switch that guard off (DJANGO_ALLOW_ASYNC_UNSAFE would switch it off for the
live server too): every database step happens either before Playwright starts (fixtures order
it so) or in a worker thread through `in_thread`, and Playwright stops before pytest-django
flushes the database.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Never fetch Playwright's own browser build: the suite uses the system's Chromium.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from playwright.sync_api import Browser, expect, sync_playwright  # noqa: E402

from .ui import AXE_PATH, SCREENSHOTS, UI, VIEWPORTS  # noqa: E402

CHROMIUM = os.environ.get("FABRIQUE_CHROMIUM", "/usr/bin/chromium")

# Assertions wait for the page up to this long: CI shares two cores with the other suites.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def _browser_requirements() -> None:
    """A missing tool fails the suite with the command that installs it, never skips it."""
    problems = []
    if not Path(CHROMIUM).exists():
        problems.append(
            f"no Chromium at {CHROMIUM}: apt-get install chromium, or set FABRIQUE_CHROMIUM"
        )
    if not AXE_PATH.exists():
        problems.append(f"no axe-core at {AXE_PATH}: run `make node-install` (npm ci)")
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)


@pytest.fixture
def site(live_server, _browser_requirements):
    """The live server over a database holding the demo data (`seed_demo`), seeded before any
    Playwright loop runs in this thread."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server


@pytest.fixture
def browser(site) -> Browser:
    """One headless Chromium per test. It depends on `site`, so it starts after the database is
    ready and stops before pytest-django flushes it."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def ui(browser, site, viewport, request) -> UI:
    """A French-speaking visitor at the test's viewport; `ui.as_user(email)` opens another."""
    session = UI(browser, site.url, viewport, request.node.name)
    yield session
    session.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Where the screenshots are, when browser tests ran (in this process or xdist workers)."""
    ran = any(
        report.nodeid.startswith("tests/browser/")
        for key in ("passed", "failed", "xfailed", "xpassed", "error")
        for report in terminalreporter.stats.get(key, [])
        if hasattr(report, "nodeid")
    )
    if ran and SCREENSHOTS.is_dir():
        count = sum(1 for _ in SCREENSHOTS.rglob("*.png"))
        terminalreporter.write_line(f"browser suite screenshots: {SCREENSHOTS} ({count} files)")
