"""/impact/ in a browser at phone and desktop width (axe-core, no sideways scroll): reached from
the footer's page-weight line, the key pages' table, the method, the hosting and the traffic."""

import json

import pytest
from playwright.sync_api import expect

from portal.footprint.measures import _cache as measurement_cache

from .ui import UI, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MEASUREMENT = {
    "measured_at": "2026-11-30T18:00:00+00:00",
    "commit": "0123456789abcdef0123456789abcdef01234567",
    "machine": "Linux x86_64, un processeur (2 threads)",
    "conditions": "Chromium headless, 1366 × 900, cache disabled.",
    "pages": [
        {"name": name, "path": path, "dom": dom, "requests": 3, "transferred": size,
         "decoded": size * 3}
        for name, path, dom, size in [
            ("home", "/", 128, 8143), ("sheet", "/fiches/1/", 253, 9856),
            ("api-docs", "/api/docs/", 2472, 857472), ("impact", "/impact/", 380, 9800),
        ]
    ],
}  # fmt: skip


@pytest.fixture
def measured(settings, tmp_path):
    path = tmp_path / "ecoindex.json"
    path.write_text(json.dumps(MEASUREMENT))
    settings.FABRIQUE_ECOINDEX_FILE = path
    measurement_cache.clear()
    yield
    measurement_cache.clear()


def test_impact_from_the_footer(ui: UI, viewport, measured):
    page = ui.page
    page.goto("/")
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("Poids de cette page :")
    footer.get_by_role("link", name="Impact environnemental").click()
    page.wait_for_url("**/impact/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact environnemental")
    table = page.get_by_role("region", name="Les pages clés").get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(5)
    expect(table.get_by_role("row", name="Accueil")).to_contain_text("8,1")
    expect(page.get_by_role("main")).to_contain_text("Hébergeur :")
    expect(page.get_by_role("main")).to_contain_text("Le trafic des 30 derniers jours")
    ui.check("impact", page)
    width = overflow(page)
    assert width["scroll"] <= width["viewport"], f"impact ({viewport}) scrolls sideways: {width}"


def test_impact_without_a_measurement(ui: UI, viewport, settings, tmp_path):
    settings.FABRIQUE_ECOINDEX_FILE = tmp_path / "absent.json"
    measurement_cache.clear()
    page = ui.page
    page.goto("/impact/")
    expect(page.get_by_role("main")).to_contain_text("Aucune mesure n'est encore enregistrée")
    ui.check("impact-empty", page)
