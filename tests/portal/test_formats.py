"""Numbers, amounts, file sizes and dates as French readers write them — and English ones in
English: "1,5 Mo", "12 500 €", "30 novembre 2026" / "1.5 MB", "€12,500", "Nov. 30, 2026".
The API keeps numbers as numbers."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from interface.formats import day, filesize, money, number
from tests.conftest import client_for
from tests.factories import DocumentFactory, FramingNoteFactory, SheetFactory, WorkspaceFactory

NNBSP, NBSP = "\u202f", "\u00a0"  # narrow no-break space (thousands), no-break space (units)
SIZE = 1_536_000  # bytes: 1.46 MiB


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("fr", SIZE, f"1,5{NBSP}Mo"),
        ("fr", 327_680, f"320{NBSP}Ko"),
        ("fr", 500, f"500{NBSP}octets"),
        ("fr", 1, f"1{NBSP}octet"),
        ("fr", 3 * 1024**3, f"3{NBSP}Go"),
        ("en", SIZE, f"1.5{NBSP}MB"),
        ("en", 327_680, f"320{NBSP}KB"),
        ("en", 500, f"500{NBSP}bytes"),
    ],
)
def test_file_sizes(language, value, expected):
    with translation.override(language):
        assert filesize(value) == expected


@pytest.mark.parametrize(
    ("language", "value", "as_number", "as_money"),
    [
        ("fr", 12500, f"12{NNBSP}500", f"12{NNBSP}500{NBSP}€"),
        ("fr", Decimal("3.5"), "3,5", f"3,50{NBSP}€"),
        ("fr", "180000.00", f"180{NNBSP}000,00", f"180{NNBSP}000{NBSP}€"),
        ("fr", 1234567, f"1{NNBSP}234{NNBSP}567", f"1{NNBSP}234{NNBSP}567{NBSP}€"),
        ("en", 12500, "12,500", "€12,500"),
        ("en", Decimal("3.5"), "3.5", "€3.50"),
        ("en", "180000.00", "180,000.00", "€180,000"),
    ],
)
def test_numbers_and_money(language, value, as_number, as_money):
    with translation.override(language):
        assert number(value) == as_number
        assert money(value) == as_money


def test_what_is_not_a_number_comes_back_unchanged():
    assert number("10 k€") == "10 k€" and money("") == "" and filesize(None) == ""
    assert day("bientôt") == "bientôt"


@pytest.mark.parametrize(
    ("language", "expected", "next_day"),
    [("fr", "30 novembre 2026", "1 décembre 2026"), ("en", "Nov. 30, 2026", "Dec. 1, 2026")],
)
def test_days(language, expected, next_day):
    with translation.override(language):
        assert day("2026-11-30") == expected
        assert day(datetime.date(2026, 11, 30)) == expected
        # 23:30 UTC on the 30th is already the 1st in Paris, where the readers are.
        assert day(datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)) == next_day


FRENCH_DAY = re.compile(
    r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre) \d{4}"
)
ENGLISH_DAY = re.compile(
    r"(Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}"
)


def _page(url: str, language: str) -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def world(db):
    workspace = WorkspaceFactory(visibility="public")
    sheet = SheetFactory(
        workspace=workspace,
        is_public=True,
        stage="realisation",
        placed_sections={"budget_amount": "12500.50", "calendar_start": "2026-11-30"},
    )
    FramingNoteFactory(sheet=sheet, budget_constraints="Enveloppe votée.", budget_amount=12500)
    document = DocumentFactory(
        workspace=workspace, sheet=sheet, name="rapport.txt", content=b"a" * SIZE, title="Rapport"
    )
    assert document.current_revision.size == SIZE
    return {"workspace": workspace, "sheet": sheet, "document": document}


@pytest.mark.parametrize(
    ("language", "size", "amount", "day"),
    [
        ("fr", f"1,5{NBSP}Mo", f"12{NNBSP}500{NBSP}€", FRENCH_DAY),
        ("en", f"1.5{NBSP}MB", "€12,500", ENGLISH_DAY),
    ],
)
def test_pages_write_sizes_amounts_and_dates_in_the_reader_language(
    world, language, size, amount, day
):
    document_page = _page(world["document"].get_absolute_url(), language)
    assert size in document_page
    assert "Mio" not in document_page and "MiB" not in document_page
    listing = _page(reverse("documents:list", args=[world["workspace"].slug]), language)
    assert size in listing
    sheet_page = _page(world["sheet"].get_absolute_url(), language)
    assert f"({amount})" in sheet_page  # the framing note's budget
    assert day.search(sheet_page)
    version_page = _page(f"/fiches/{world['sheet'].pk}/versions/1/", language)
    assert amount.replace("500", "500,50" if language == "fr" else "500.50") in version_page
    assert ("30 novembre 2026" if language == "fr" else "Nov. 30, 2026") in version_page
    assert "2026-11-30" not in version_page


def test_the_api_keeps_numbers_as_numbers(world):
    response = client_for(None).get(
        f"/api/v1/documents/{world['document'].pk}/revisions/", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    body = response.json()
    revisions = body["results"] if isinstance(body, dict) else body
    assert revisions[0]["size"] == SIZE
    sheet = client_for(None).get(f"/api/v1/sheets/{world['sheet'].pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    notes = sheet.json()["framing_notes"]
    assert notes and NNBSP not in str(notes) and "€" not in str(notes)
