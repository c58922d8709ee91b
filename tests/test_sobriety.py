"""Sobriety on the wire: anonymous pages set no cookie and do not vary on it, text answers are
gzipped, stored files are not, and scripts load only on the pages that use them."""

from __future__ import annotations

import os
import re

import pytest
from django.core.management import call_command
from django.http import FileResponse, HttpResponse
from django.test import Client, RequestFactory

from config.sobriety import AnonymousPagesVaryMiddleware, TextGZipMiddleware

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from projects.models import ProjectSheet
    from workspace.models import Workspace

    sheet = ProjectSheet.objects.filter(is_public=True).order_by("pk").first()
    workspace = Workspace.objects.filter(visibility="public").order_by("pk").first()
    return {"sheet": sheet, "workspace": workspace}


def key_anonymous_pages(demo) -> list[str]:
    return [
        "/",
        "/fiches/",
        demo["sheet"].get_absolute_url(),
        "/recherche/?q=parc",
        "/espaces/",
        demo["workspace"].get_absolute_url(),
        "/elus/",
    ]


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


def test_anonymous_key_pages_set_no_cookie_and_do_not_vary_on_it(demo):
    client = Client()
    for url in key_anonymous_pages(demo):
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        assert not response.cookies, (url, list(response.cookies))
        assert "cookie" not in vary(response), (url, response["Vary"])
        assert response["Content-Encoding"] == "gzip", url
        assert "accept-encoding" in vary(response), url


def test_a_signed_in_page_still_varies_on_the_cookie(demo):
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.filter(is_active=True).order_by("pk").first())
    response = client.get("/", **GZIP)
    assert "cookie" in vary(response)


def test_a_page_with_a_csrf_token_sets_the_cookie_and_varies_on_it(demo):
    response = Client().get("/comptes/connexion/", **GZIP)
    assert "csrftoken" in response.cookies
    assert "cookie" in vary(response)


def test_the_language_switch_needs_no_token_and_sets_the_language_cookie(demo):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/fiches/")
    assert b"csrfmiddlewaretoken" not in page.content
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/fiches/"}, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 302
    assert response["Location"] == "/fiches/"
    assert response.cookies["django_language"].value == "en"
    english = client.get("/fiches/")
    assert b'<html lang="en">' in english.content
    # The language cookie changes the page: the answer says so to caches.
    assert "cookie" in vary(english)


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://elsewhere.example"}],
)
def test_a_language_switch_posted_by_another_site_is_refused(demo, headers):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, **headers)
    assert response.status_code == 403
    assert "django_language" not in response.cookies


def test_the_language_switch_answers_post_only(demo):
    assert Client().get("/i18n/setlang/?language=en&next=/").status_code == 405


def test_api_json_is_compressed(demo):
    response = Client().get("/api/v1/sheets/", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"


def _gzip(response, accept="gzip"):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept)
    return TextGZipMiddleware(lambda r: response).process_response(request, response)


def test_stored_files_are_sent_as_they_are(tmp_path):
    stored = tmp_path / "notes.txt"
    stored.write_text("a line of text\n" * 200)
    streamed = _gzip(FileResponse(stored.open("rb"), content_type="text/plain"))
    assert not streamed.has_header("Content-Encoding")
    attachment = HttpResponse(b"x" * 2000, content_type="text/plain")
    attachment["Content-Disposition"] = 'attachment; filename="x.txt"'
    assert not _gzip(attachment).has_header("Content-Encoding")
    image = HttpResponse(b"\x89PNG" + b"\0" * 2000, content_type="image/png")
    assert not _gzip(image).has_header("Content-Encoding")
    page = HttpResponse(b"<p>text</p>" * 200, content_type="text/html; charset=utf-8")
    assert _gzip(page)["Content-Encoding"] == "gzip"


def test_vary_is_kept_for_a_visitor_with_a_session_cookie():
    def view(request):
        response = HttpResponse("page")
        response["Vary"] = "Accept-Language, Cookie"
        return response

    middleware = AnonymousPagesVaryMiddleware(view)
    anonymous = middleware(RequestFactory().get("/"))
    assert anonymous["Vary"] == "Accept-Language"
    signed_in = middleware(RequestFactory().get("/", HTTP_COOKIE="sessionid=abc"))
    assert signed_in["Vary"] == "Accept-Language, Cookie"


SCRIPT = re.compile(rb"<script\b")


def test_key_anonymous_pages_load_no_script(demo):
    client = Client()
    for url in key_anonymous_pages(demo) + ["/comptes/connexion/", "/comptes/inscription/"]:
        assert not SCRIPT.search(client.get(url).content), url


def test_a_document_reader_loads_no_script_an_editor_loads_the_upload_one(demo):
    from accounts.models import User
    from documents.models import Document

    document = Document.objects.filter(visibility="public", current_revision__isnull=False).first()
    page = Client().get(f"/documents/{document.pk}/")
    assert page.status_code == 200
    assert not SCRIPT.search(page.content)
    editor = Client()
    owner = User.objects.get(pk=document.workspace.memberships.filter(role="owner").first().user_id)
    editor.force_login(owner)
    assert b"documents/upload" in editor.get(f"/documents/{document.pk}/").content


def test_ecoindex_positions_and_scores_follow_the_method():
    from bench.ecoindex_score import DOM_BOUNDS, PageMeasure, grade, position, score

    assert position(0, DOM_BOUNDS) == 0
    assert position(47, DOM_BOUNDS) == 1
    assert position(61, DOM_BOUNDS) == pytest.approx(1.5)
    assert position(10**9, DOM_BOUNDS) == 20
    assert score(0, 0, 0) == 100
    assert score(594601, 3920, 223212.26) == 0
    # One interval further on the DOM costs 5 × 3/6 = 2.5 points; on the requests 5 × 2/6.
    assert score(47, 0, 0) == pytest.approx(97.5)
    assert score(0, 2, 0) == pytest.approx(100 - 10 / 6)
    assert [grade(v) for v in (100, 80, 79.9, 70, 55, 40, 25, 10, 0)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "D",
        "E",
        "F",
        "G",
    ]
    page = PageMeasure(dom=150, requests=3, transferred=12_000)
    assert page.size_kb == 12
    assert page.grade == "A"
