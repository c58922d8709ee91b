"""Switching the site to English with the header's language form, and staying in English."""

import re

import pytest
from playwright.sync_api import expect

from .ui import menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_switch_to_english(ui):
    page = ui.page
    page.goto("/fiches/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # One press on the language named in itself; there is no separate "change" button.
    switch = menu(page).get_by_role("form", name="Langue")
    expect(switch.get_by_role("button")).to_have_count(1)
    switch.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/fiches/$"))
    expect(page.get_by_role("link", name="Skip to content")).to_be_attached()
    ui.check("sheet-list-en")

    menu(page).get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Workspaces"
    ).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    ui.check("workspace-list-en")
    page.get_by_role("link", name="Collectif vélo Neudorf").click()
    expect(page.get_by_role("main").get_by_role("link", name="Project sheets")).to_be_visible()
    ui.check("workspace-en")
