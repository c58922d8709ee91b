"""The footprint (issue 17, item 6): the EcoIndex formulas against the method's published
values, /impact/ with and without a stored measurement, the served-bytes counter (aggregated,
nothing personal), the footer's page weight (also on a kept page, with gzip) and carbon.txt."""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from portal.footprint import counter
from portal.footprint.ecoindex import PageMeasure, ghg_grams, grade, score, water_centilitres
from portal.footprint.measures import _cache as measurement_cache
from portal.footprint.weight import MARKER, static_size, with_weight
from portal.models import ServedBytes

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the formulas


def test_ghg_and_water_follow_the_published_linear_estimates():
    # ecoindex.fr: 2 + 2 × (50 − score) / 100 gCO2e and 3 + 3 × (50 − score) / 100 cl.
    assert ghg_grams(50) == 2 and water_centilitres(50) == 3
    assert ghg_grams(100) == 1 and water_centilitres(100) == 1.5
    assert ghg_grams(0) == 3 and water_centilitres(0) == 4.5
    assert ghg_grams(80) == pytest.approx(1.4) and water_centilitres(80) == pytest.approx(2.1)


def test_a_page_computed_by_hand():
    """dom 150, 3 requests, 12 kB. DOM: (150 − 75) / (159 − 75) = 0.892857 past bound 2, so
    2.892857; requests: 1 + 1/13 = 1.076923; size: 1 + (12 − 1.37) / (144.7 − 1.37) = 1.074165.
    Weighted (3 × 2.892857 + 2 × 1.076923 + 1.074165) / 6 = 1.984430; score 90.0778, A;
    gCO2e 2 + 2 × (50 − 90.0778) / 100 = 1.19844; water 1.79767 cl."""
    page = PageMeasure(dom=150, requests=3, transferred=12_000, decoded=40_000)
    assert page.score == pytest.approx(90.0778, abs=1e-4)
    assert page.grade == "A"
    assert page.ghg == pytest.approx(1.19844, abs=1e-5)
    assert page.water == pytest.approx(1.79767, abs=1e-5)
    assert page.decoded_kb == 40


def test_the_grade_boundaries_of_reference_pages():
    # A page at the median of the archive (every measure at its 10th bound) scores 50: D.
    assert score(603, 78, 1448.32) == pytest.approx(50)
    assert grade(50) == "D"
    # The archive's worst page: 0, G, 3 g and 4.5 cl.
    worst = score(594601, 3920, 223212.26)
    assert worst == 0 and grade(worst) == "G" and ghg_grams(worst) == 3


# ---------------------------------------------------------------- /impact/


MEASUREMENT = {
    "measured_at": "2026-11-30T18:00:00+00:00",
    "commit": "0123456789abcdef0123456789abcdef01234567",
    "machine": "Machine de test, 2 cœurs",
    "conditions": "Chromium 1366 × 900.",
    "pages": [
        {"name": "home", "path": "/", "dom": 150, "requests": 3, "transferred": 12000,
         "decoded": 40000},
        {"name": "nouvelle", "path": "/x/", "dom": 603, "requests": 78,
         "transferred": 1448320, "decoded": 2000000},
    ],
}  # fmt: skip


@pytest.fixture
def measurement_file(settings, tmp_path):
    path = tmp_path / "ecoindex.json"
    settings.FABRIQUE_ECOINDEX_FILE = path
    measurement_cache.clear()
    return path


def test_impact_shows_the_stored_measurement(client, measurement_file):
    measurement_file.write_text(json.dumps(MEASUREMENT))
    page = client.get("/impact/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Accueil" in html and "nouvelle" in html
    assert "<code>0123456789ab</code>" in html and "Machine de test, 2 cœurs" in html
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", html)
    assert len(rows) == 2
    cells = re.findall(r"<td>(.*?)</td>", rows[0])
    # French decimals; score 90 (A); 1.20 gCO2e and 1.80 cl, from the hand computation above.
    assert cells == ["12,0", "40,0", "3", "150", "90 (A)", "1,20", "1,80"]
    cells = re.findall(r"<td>(.*?)</td>", rows[1])
    assert cells[4] == "50 (D)" and cells[5] == "2,00" and cells[6] == "3,00"


@pytest.mark.parametrize("content", [None, "", "{", "[]", '{"pages": [{"dom": -1}]}',
                                     '{"pages": [{"dom": "x", "requests": 1}]}'])  # fmt: skip
def test_impact_without_a_usable_measurement_says_so(client, measurement_file, content):
    if content is not None:
        measurement_file.write_text(content)
    page = client.get("/impact/")
    assert page.status_code == 200
    assert "Aucune mesure n'est encore enregistrée" in page.content.decode()


def test_the_committed_measurement_file_is_readable(client):
    measurement_cache.clear()
    page = client.get("/impact/").content.decode()
    assert "Dernière mesure" in page
    assert "Impact environnemental" in page


def test_hosting_comes_from_settings_and_says_when_it_is_not_given(client, settings):
    settings.FABRIQUE_HOST_NAME = "Hébergeur SAS"
    settings.FABRIQUE_HOST_LOCATION = ""
    settings.FABRIQUE_HOST_ENERGY = "électricité d'origine renouvelable (contrat)"
    html = client.get("/impact/").content.decode()
    assert "Hébergeur SAS" in html
    assert "Lieu : non renseigné" in html
    assert "électricité d&#x27;origine renouvelable (contrat)" in html


def test_the_monthly_estimate_sums_the_last_30_days_with_its_factor(client, settings):
    settings.FABRIQUE_FOOTPRINT_KWH_PER_GB = 0.5
    settings.FABRIQUE_FOOTPRINT_GCO2E_PER_KWH = 100.0
    today = timezone.localdate()
    ServedBytes.objects.create(day=today, bytes=2_000_000_000, responses=10)
    ServedBytes.objects.create(day=today - timedelta(days=29), bytes=1_000_000_000, responses=5)
    ServedBytes.objects.create(day=today - timedelta(days=30), bytes=9_000_000_000, responses=7)
    html = client.get("/impact/").content.decode()
    # 3 GB × 0.5 kWh/GB × 100 g/kWh = 150 g.
    assert "3,000 Go servis en 15 réponses (2 jours comptés)" in html
    assert "Estimation : 150 gCO₂e" in html
    assert "0,50 kWh par Go transféré et 100 gCO₂e par kWh, soit 50 gCO₂e par Go" in html


def test_impact_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/impact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Environmental impact" in html
    assert "The method" in html


# ---------------------------------------------------------------- the counter


@pytest.fixture
def fresh_counter():
    counter.flush()
    ServedBytes.objects.all().delete()
    yield
    counter.flush()


def test_the_counter_adds_bodies_in_memory_and_writes_one_row_per_day(client, fresh_counter):
    first = client.get("/impact/")
    second = client.get("/carbon.txt")
    assert ServedBytes.objects.count() == 0  # nothing written per request
    today = timezone.localdate()
    pending = counter.pending()[today]
    assert pending == (len(first.content) + len(second.content), 2)
    counter.flush()
    client.get("/carbon.txt")
    counter.flush()
    row = ServedBytes.objects.get()
    assert row.day == today
    assert row.responses == 3
    assert row.bytes == pending[0] + len(second.content)
    assert counter.pending() == {}


def test_the_counter_stores_nothing_personal(fresh_counter):
    fields = {f.name for f in ServedBytes._meta.get_fields()}
    assert fields == {"id", "day", "bytes", "responses"}
    Client(REMOTE_ADDR="203.0.113.9").get("/impact/?email=alice@example.org")
    counter.flush()
    row = ServedBytes.objects.values().get()
    assert "203.0.113.9" not in repr(row) and "alice" not in repr(row)


def test_the_counter_flushes_by_itself_once_the_interval_has_passed(
    client, settings, fresh_counter
):
    settings.FABRIQUE_SERVED_BYTES_FLUSH_SECONDS = 3600
    client.get("/carbon.txt")
    assert ServedBytes.objects.count() == 0
    settings.FABRIQUE_SERVED_BYTES_FLUSH_SECONDS = 0
    client.get("/carbon.txt")
    assert ServedBytes.objects.get().responses == 2


def test_a_streamed_static_file_counts_its_declared_length(rf):
    from django.http import FileResponse, HttpResponse

    response = FileResponse(iter([b"abc"]))
    response["Content-Length"] = "1234"
    assert counter.body_length(rf.get("/static/x.css"), response) == 1234
    assert counter.body_length(rf.head("/"), HttpResponse(b"x" * 10)) == 0
    response["Content-Length"] = "nonsense"
    assert counter.body_length(rf.get("/"), response) == 0


def test_a_body_of_unknown_length_is_counted_as_it_is_sent(rf, fresh_counter):
    from django.http import StreamingHttpResponse

    from portal.footprint.counter import ServedBytesMiddleware

    middleware = ServedBytesMiddleware(
        lambda request: StreamingHttpResponse(iter([b"a" * 300, b"b" * 700]))
    )
    response = middleware(rf.get("/donnees/fiches.csv"))
    assert counter.pending() == {}  # nothing sent yet
    assert b"".join(response.streaming_content) == b"a" * 300 + b"b" * 700
    assert counter.pending()[timezone.localdate()] == (1000, 1)


# ---------------------------------------------------------------- the footer's weight


def _footer_kb(html: str) -> int:
    found = re.search(r"Poids de cette page : ([\d  ]+) ko", html)
    assert found, "no page weight in the footer"
    return int(re.sub(r"\D", "", found.group(1)))


def test_the_footer_tells_the_page_weight_html_and_static_files(client):
    page = client.get("/mentions-legales/")
    html = page.content.decode()
    assert MARKER not in html
    css = static_size("/static/css/fabrique.css") + static_size("/static/favicon.svg")
    assert css > 1000
    assert _footer_kb(html) == round((len(page.content) + css) / 1000)
    assert int(page["Content-Length"]) == len(page.content)
    footer = html[html.index('role="contentinfo"') :]
    assert 'href="/impact/"' in footer


def test_the_figure_counts_its_own_characters():
    content = b"<p>" + b"x" * 9_497 + MARKER.encode() + b"</p>"
    # 9,504 bytes around the marker (no static file): with "10", 9,506 → rounds to 10.
    assert with_weight(content) == b"<p>" + b"x" * 9_497 + b"10</p>"
    assert with_weight(b"<p>no marker</p>") is None
    # Past 1,000 kB the figure is grouped as the language writes numbers.
    heavy = with_weight(b"x" * 1_234_000 + MARKER.encode())
    assert heavy is not None and heavy[1_234_000:].decode().replace("\xa0", " ") in (
        "1 234",
        "1\u202f234",
    )


def test_a_kept_page_carries_the_same_figure_gzipped_or_not(settings):
    settings.FABRIQUE_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    first = Client().get("/")
    assert first.status_code == 200
    kept = Client().get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert kept["Content-Encoding"] == "gzip"
    body = gzip.decompress(kept.content)
    assert body == first.content
    assert int(kept["Content-Length"]) == len(kept.content)
    assert _footer_kb(body.decode()) == _footer_kb(first.content.decode())
    caches["pages"].clear()


# ---------------------------------------------------------------- carbon.txt


def test_carbon_txt_is_plain_text_in_the_0_2_syntax(client, settings):
    settings.FABRIQUE_HOST_DOMAIN = "hebergeur.example"
    settings.FABRIQUE_HOST_SERVICE_TYPE = "vps"
    response = client.get("/carbon.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    data = tomllib.loads(response.content.decode())
    assert data["version"] == "0.2"
    assert data["last_updated"] == timezone.localdate()
    assert data["org"]["disclosures"] == [
        {"doc_type": "web-page", "url": "http://testserver/impact/", "domain": "testserver"}
    ]
    assert data["upstream"]["services"] == [{"domain": "hebergeur.example", "service_type": "vps"}]


def test_carbon_txt_without_a_host_lists_no_upstream_and_escapes_settings(client, settings):
    settings.FABRIQUE_HOST_DOMAIN = ""
    data = tomllib.loads(client.get("/carbon.txt").content.decode())
    assert data["upstream"]["services"] == []
    settings.FABRIQUE_HOST_DOMAIN = 'a"b\\c\n[x]'
    data = tomllib.loads(client.get("/carbon.txt").content.decode())
    assert data["upstream"]["services"] == [{"domain": 'a"b\\c\n[x]'}]
