"""What a browser test does to a page besides driving it: accessibility (axe-core), width,
screenshots, and the errors the page itself reports (uncaught script errors, CSP refusals)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Locator, Page

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = Path(os.environ.get("FABRIQUE_AXE", ROOT / "node_modules" / "axe-core" / "axe.min.js"))
SCREENSHOTS = Path(os.environ.get("FABRIQUE_SCREENSHOTS", ROOT / "var" / "screenshots"))
PASSWORD = "fabrique-demo"  # every demo account's (README)

# Desktop, and a phone in portrait (touch, mobile viewport rules).
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
WIDTHS = (320, 390, 768, 1366)

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


def in_thread(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run database work in a worker thread. Playwright's sync API keeps an event loop running
    in the main thread, where Django refuses synchronous queries; a fresh thread has none. Its
    connections are closed before it ends, so none is left open for the flush."""
    from django.db import connections

    def run() -> Any:
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def axe_report(violations: list[dict[str, Any]]) -> str:
    """One line per rule: id, impact, what it asks, and the selectors of the failing nodes."""
    lines = []
    for v in violations:
        targets = ", ".join(v["targets"][:8]) + (" …" if len(v["targets"]) > 8 else "")
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} → {targets}")
    return "\n".join(lines)


def overflow(page: Page) -> dict[str, Any]:
    """The document's width against the viewport's, and the widest elements past its edge."""
    return page.evaluate(
        """() => {
          const w = window.innerWidth, past = [];
          for (const el of document.body.querySelectorAll("*")) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > w + 0.5) {
              past.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                + (typeof el.className === "string" && el.className.trim()
                   ? "." + el.className.trim().split(/\\s+/).join(".") : "")
                + " (right " + Math.round(r.right) + ")");
            }
          }
          return {scroll: document.documentElement.scrollWidth, viewport: w, past: past.slice(0, 6)};
        }"""
    )


class UI:
    """One visitor's browser context at a viewport, plus the checks every key page gets."""

    def __init__(self, browser: Browser, base_url: str, viewport: str, test_name: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.viewport = viewport
        self.test_name = re.sub(r"\[.*\]$", "", test_name)
        self.contexts: list[BrowserContext] = []
        self.page = self.new_page()

    def new_page(self) -> Page:
        """A fresh visitor (own cookies) reading French, as most of the site's users do."""
        context = self.browser.new_context(
            base_url=self.base_url, locale="fr-FR", **VIEWPORTS[self.viewport]
        )
        context.set_default_timeout(20_000)
        self.contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        # A refusal from a script without an address is the test's own: axe-core, evaluated
        # through the DevTools protocol, copies a stylesheet's @import (Django's admin forms.css)
        # into a <style> to read it, which the page's CSP rightly refuses.
        page.on(
            "console",
            lambda msg: (
                errors.append(f"CSP: {msg.text}")
                if msg.type == "error"
                and "Content Security Policy" in msg.text
                and msg.location.get("url", "") != ""
                else None
            ),
        )
        page.errors = errors  # type: ignore[attr-defined]
        return page

    def as_user(self, email: str, password: str = PASSWORD) -> Page:
        """A new visitor who signs in through the login form; the page is theirs."""
        page = self.new_page()
        login(page, email, password)
        return page

    def check(self, name: str, page: Page | None = None) -> None:
        """A key page: axe-core finds no violation of any impact, the page reported no script
        error or CSP refusal, and a full-page screenshot is kept."""
        page = page or self.page
        page.wait_for_load_state("load")
        self.screenshot(page, f"{self.viewport}/{name}")
        violations = axe_violations(page)
        assert not violations, (
            f"axe-core on {name} ({self.viewport}, {page.url}):\n{axe_report(violations)}"
        )
        errors = page.errors  # type: ignore[attr-defined]
        assert not errors, f"{name} ({self.viewport}) reported:\n" + "\n".join(errors)

    def screenshot(self, page: Page, name: str) -> None:
        """A full-page PNG under SCREENSHOTS (`desktop/…`, `phone/…`), kept by CI."""
        path = SCREENSHOTS / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Inject axe-core (through the DevTools protocol, which the page's CSP does not govern,
    so the CSP stays on) and run every rule of its default set."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    return page.evaluate(_AXE_RUN)


def menu(page: Page) -> Locator:
    """The header's menu (navigation, account, language), opened first if it is folded behind
    the "Menu" button, as it is on a phone."""
    # Named "Menu", or "Menu 2 notifications non lues" when some are unread.
    button = page.get_by_role("banner").get_by_role("button", name=re.compile(r"^Menu(\s|$)"))
    folded = page.locator("#site-menu")
    if button.is_visible() and not folded.is_visible():
        button.click()
    return folded


def login(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login page, as a person would, and wait for the redirect."""
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/comptes/connexion/" not in url)
