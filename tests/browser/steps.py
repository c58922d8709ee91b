"""Steps the journey tests share: a key page's checks with the width check, and the link a
mail carries (Django's locmem outbox, which the live server's thread fills)."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page

from .ui import UI, overflow


def check_page(ui: UI, name: str, page: Page | None = None) -> None:
    """A key page: axe-core and script errors (UI.check), and nothing wider than the screen."""
    page = page or ui.page
    ui.check(name, page)
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
