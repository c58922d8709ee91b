"""Steps the journey tests share: a key page's checks with the width check, and the link a
mail carries (Django's locmem outbox, which the live server's thread fills)."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from playwright.sync_api import Page

from .ui import UI, axe_report, axe_violations, overflow


@dataclass(frozen=True)
class Spared:
    """Nodes a tool's own markup puts on a page that this project cannot reasonably change:
    one axe rule, only on nodes whose axe target matches `target` (a regex), for `why`. The rule
    still runs on every other node of the page, and on every other page."""

    rule: str
    target: str
    why: str


def check_page(
    ui: UI, name: str, page: Page | None = None, *, spared: Sequence[Spared] = ()
) -> None:
    """A key page: axe-core and script errors (UI.check), and nothing wider than the screen.
    With `spared`, the axe check leaves out those nodes only, and says so in the failure."""
    page = page or ui.page
    if not spared:
        ui.check(name, page)
    else:
        page.wait_for_load_state("load")
        ui.screenshot(page, f"{ui.viewport}/{name}")
        violations = []
        for found in axe_violations(page):
            kept = [
                target
                for target in found["targets"]
                if not any(s.rule == found["id"] and re.search(s.target, target) for s in spared)
            ]
            if kept:
                violations.append({**found, "targets": kept})
        assert not violations, (
            f"axe-core on {name} ({ui.viewport}, {page.url}), besides the spared "
            f"{[s.rule for s in spared]}:\n{axe_report(violations)}"
        )
        errors = page.errors  # type: ignore[attr-defined]
        assert not errors, f"{name} ({ui.viewport}) reported:\n" + "\n".join(errors)
    measured = overflow(page)
    assert measured["scroll"] <= measured["viewport"], (
        f"{name} ({ui.viewport}) scrolls sideways: " + ", ".join(measured["past"])
    )


def mail_link(address: str, path: str, *, after: int = 0, timeout: float = 10.0) -> str:
    """The path of the first link whose path matches the regex `path`, in a mail to `address`
    past the `after` first ones of the outbox. The live server sends it after its transaction
    commits, hence the wait."""
    from django.core import mail

    link = re.compile(r"https?://[^/\s]+(" + path + r")")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(mail.outbox)[after:]:
            if address in message.to:
                match = link.search(message.body)
                assert match, message.body
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} matching {path}: {[m.to for m in mail.outbox]}")
