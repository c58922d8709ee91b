"""Security headers: a strict Content-Security-Policy on every page, and nothing inline that it
would have to allow.

Two nets, so that the class stays closed: every HTML page the site serves (each named route of
the site and the API, every admin page, the docs, error pages; anonymous and signed in) carries
the headers and no inline script, style or handler; and every template of the project is
scanned for them, including pages no test visits.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, path, reverse

from accounts.models import PlatformRole
from documents.services import document_create
from tests.factories import UserFactory
from tests.projects.factories import make_sheet

pytestmark = pytest.mark.django_db

REQUIRED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _policy(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        directives[name] = sources.strip()
    return directives


class _InlineFinder(HTMLParser):
    """Inline code a strict policy blocks: <script> without src (JSON data blocks are inert and
    allowed), <style>, style="…" and on…="…" attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            kind = (names.get("type") or "text/javascript").lower()
            if "json" not in kind:
                self.found.append(f"inline <script type={kind}>")
        if tag == "style":
            self.found.append("<style>")
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")


def _inline_code(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found


def assert_secure_page(response, where: str) -> None:
    csp = response.get("Content-Security-Policy")
    assert csp, f"{where}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    directives = _policy(csp)
    if "sandbox" in directives:  # a download's own, stricter policy: nothing runs at all
        assert directives.get("default-src") == "'none'", where
        return
    for name, sources in REQUIRED_DIRECTIVES.items():
        assert directives.get(name) == sources, f"{where}: {name} is {directives.get(name)!r}"
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin")
    assert response.get("X-Frame-Options") == "DENY", where
    if response.get("Content-Type", "").startswith("text/html"):
        found = _inline_code(response.content.decode())
        assert not found, f"{where}: {found}"


@pytest.fixture
def site(make_workspace, settings, tmp_path):
    """One object of each kind a route may name, in a public workspace."""
    settings.MEDIA_ROOT = str(tmp_path)
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"], body="# Titre\n\n| a |\n|:-:|\n| b |\n")
    document = document_create(
        actor=actors["contributor"],
        workspace=workspace,
        file=ContentFile(b"Compte rendu de la reunion.\n", name="compte-rendu.txt"),
        name="compte-rendu.txt",
        visibility="public",
    )
    superuser = UserFactory(is_staff=True, is_superuser=True, platform_role=PlatformRole.STAFF)
    values = {
        "slug": workspace.slug,
        "user_id": actors["reader"].pk,
        "number": 1,
        "note_id": 1,
        "link_id": 1,
        "token": "jeton",
        "uidb64": "MQ",
        "name": "open_consultation",
        "code": "framing_note",
        "reference": "D-2026-00001",
        "mandate": 1,
        "commune": "strasbourg",
        "quartier": "strasbourg-neudorf",
        "territory": "strasbourg",  # /reunions/nouvelle/territoire/<territory>/
    }
    from tests.meetings.factories import meeting

    a_meeting = meeting(sheet=sheet, actor=actors["staff"], capacity=10)
    values["sheet"] = sheet.pk  # /reunions/nouvelle/fiche/<sheet>/
    return {
        "sheet": sheet,
        "document": document,
        "meeting": a_meeting,
        "values": values,
        "users": {
            "anonymous": None,
            "owner": actors["owner"],
            "staff": actors["staff"],
            "superuser": superuser,
        },
    }


def _named_routes(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # every admin page is visited below, model by model
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, list(getattr(entry.pattern, "converters", {}))


def site_urls(site) -> list[str]:
    urls = []
    for name, params in _named_routes(get_resolver().url_patterns):
        kwargs = dict(site["values"])
        is_document = "document" in name or name.startswith("documents:")
        kwargs["pk"] = (site["document"] if is_document else site["sheet"]).pk
        if name.startswith(("meetings:", "meeting-")):
            kwargs["pk"] = site["meeting"].pk
        try:
            urls.append(reverse(name, kwargs={p: kwargs[p] for p in params}))
        except (NoReverseMatch, KeyError) as error:  # a new route with an unknown parameter
            raise AssertionError(f"{name}: give test_headers a value for {params}") from error
    return urls


def admin_urls(site) -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        app, model_name = model._meta.app_label, model._meta.model_name
        urls.append(reverse(f"admin:{app}_{model_name}_changelist"))
        urls.append(reverse("admin:app_list", args=[model._meta.app_label]))
        if model_admin.has_add_permission(_Request(site["users"]["superuser"])):
            urls.append(reverse(f"admin:{app}_{model_name}_add"))
        first = model_admin.get_queryset(_Request(site["users"]["superuser"])).first()
        if first is not None:
            urls.append(reverse(f"admin:{app}_{model_name}_change", args=[first.pk]))
            urls.append(reverse(f"admin:{app}_{model_name}_history", args=[first.pk]))
    return sorted(set(urls))


class _Request:
    def __init__(self, user):
        self.user = user
        self.GET = {}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "owner", "staff", "superuser"])
def test_every_page_of_the_site_and_api_carries_a_strict_policy(site, who):
    client = _client(site["users"][who])
    urls = site_urls(site)
    assert len(urls) > 80
    for url in urls:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code < 500, url
        assert_secure_page(response, f"{who} GET {url} ({response.status_code})")


@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_every_admin_page_carries_a_strict_policy(site, who):
    client = _client(site["users"][who])
    for url in admin_urls(site) + [reverse("admin:login"), reverse("admin:logout")]:
        response = client.get(url)
        assert_secure_page(response, f"{who} GET {url} ({response.status_code})")


def test_api_docs_load_their_script_from_the_site_not_inline(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert_secure_page(page, "/api/docs/")
    html = page.content.decode()
    assert re.search(r'<script src="[^"]*\?script=', html), "the init script is not external"
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert client.get("/api/schema/").status_code == 200


def test_error_pages_carry_the_policy(client, settings):
    assert_secure_page(client.get("/nulle-part/"), "404")
    csrf = Client(enforce_csrf_checks=True)
    refused = csrf.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert refused.status_code == 403
    assert_secure_page(refused, "403 CSRF")
    assert "Requête refusée" in refused.content.decode()


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("panne/", _boom)]
# The site's 500 view (its page needs the site's URLs, or falls back to plain HTML without them).
handler500 = "config.error_pages.server_error"


def test_server_error_page_carries_the_policy(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    assert_secure_page(response, "500")


def test_a_download_keeps_its_own_sandbox_policy(site):
    response = Client().get(reverse("documents:download", args=[site["document"].pk]))
    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


# Templates -------------------------------------------------------------------------------------

_COMMENTS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)
_INLINE_IN_TEMPLATE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style>": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def project_templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    found = [p for p in root.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    return sorted(found + list((root / "templates").glob("**/*.html")))


def test_no_template_holds_inline_script_style_or_handler():
    templates = project_templates()
    assert len(templates) > 20
    offenders = []
    for template in templates:
        text = _COMMENTS.sub("", template.read_text(encoding="utf-8"))
        for what, pattern in _INLINE_IN_TEMPLATE.items():
            if pattern.search(text):
                offenders.append(f"{template.relative_to(settings.BASE_DIR)}: {what}")
    assert not offenders, offenders


def test_static_scripts_neither_eval_nor_write_inline_styles():
    root = Path(settings.BASE_DIR)
    scripts = [p for p in root.glob("**/static/**/*.js") if ".venv" not in p.parts]
    assert scripts
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        for needle in ("eval(", "new Function", 'setAttribute("style"', ".innerHTML"):
            assert needle not in text, f"{script}: {needle}"
