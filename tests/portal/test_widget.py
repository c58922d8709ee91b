"""The communes' widget (/widget/territoires/<slug>/, /widget/fiches/<slug>/), its webmaster page
and the JSON feed: only what the anonymous public may see whatever the request carries (private
workspaces, non-public sheets, hidden messages, members-only documents), framing only by the
declared origins (and every other page still refuses any frame), never a cookie, light whatever
the number of sheets, constant queries, hostile addresses a light 404, the page cache renewed by
events."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.embed import widget_origin, widget_origins
from debates.models import Comment
from events.services import event_record
from projects.models import ProjectSheet, Stage
from territories.models import Territory
from tests.debates.factories import comment, debate
from tests.debates.test_pages import hide
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    SheetFactory,
    UserFactory,
    WorkspaceFactory,
)
from tests.portal.test_home import consultation, day
from workspace.models import Role, Workspace

pytestmark = pytest.mark.django_db

COMMUNE_SITE = "https://www.illkirch.example"
SECRET_COMMENT = "Zorglub-message-masque-widget"
SECRET_DOCUMENT = "Note-interne-membres-widget"
WIDGET_MAX_BYTES = 50 * 1024


def t(slug: str) -> Territory:
    return Territory.objects.get(slug=slug)


def widget(slug: str) -> str:
    return reverse("widget:territory", args=[slug])


def sheet_widget(slug: str) -> str:
    return reverse("widget:sheet", args=[slug])


@pytest.fixture
def world():
    strasbourg = t("strasbourg")
    metropole = strasbourg.parent
    neudorf = Territory.objects.create(
        name="Neudorf", slug="strasbourg-neudorf", kind="quartier", parent=strasbourg
    )
    public = WorkspaceFactory(name="Collectif public")
    private = WorkspaceFactory(name="Atelier privé", visibility=Workspace.Visibility.PRIVATE)
    member = MembershipFactory(workspace=private, role=Role.OWNER).user
    w = {"neudorf": neudorf, "private": private, "member": member, "public": public}
    w["jura"] = consultation("Rue du Jura", end=day(20), territory=neudorf, workspace=public)
    consultation("Parc de Neudorf", end=day(5), territory=neudorf, workspace=public)
    consultation("Tram de Strasbourg", end=day(10), territory=strasbourg, workspace=public)
    consultation("Plan climat", end=day(30), territory=metropole, workspace=public)
    consultation("Écoles de Schiltigheim", end=day(2), territory=t("schiltigheim"))
    consultation("Déjà close", end=day(-1), territory=neudorf, workspace=public)
    w["secret"] = consultation(
        "Secret de Neudorf", end=day(3), territory=neudorf, workspace=private
    )
    w["unlisted"] = SheetFactory(
        title="Fiche non publique",
        territory=neudorf,
        workspace=public,
        is_public=False,
        stage=Stage.CONSULTATION,
    )
    # On a public sheet: a hidden message and a members-only document, never shown.
    d = debate(sheet=w["jura"])
    hide(comment(d, body=f"Début {SECRET_COMMENT} fin"))
    comment(d, body="Message visible")
    DocumentFactory(sheet=w["jura"], title=SECRET_DOCUMENT, visibility="members")
    assert Comment.objects.filter(state=Comment.State.HIDDEN).exists()
    return w


def _clients(world) -> dict[str, Client]:
    """Every kind of request a framed page may send: none, a member's session, staff's, a
    stale session cookie, a language choice, a remembered territory, a CSRF cookie."""
    member = Client()
    member.force_login(world["member"])
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    stale = Client()
    stale.cookies["sessionid"] = "x"
    stale_long = Client()
    stale_long.cookies["sessionid"] = "a" * 32
    chosen = Client()
    chosen.cookies["fabrique_territoire"] = "strasbourg"
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    csrf = Client()
    csrf.cookies[settings.CSRF_COOKIE_NAME] = "t" * 32
    return {
        "first visit": Client(),
        "member": member,
        "staff": staff,
        "stale session": stale,
        "unknown session": stale_long,
        "territory cookie": chosen,
        "language cookie": english,
        "csrf cookie": csrf,
    }


def test_the_card_lists_the_open_consultations_here_of_the_commune_and_the_metropole(world):
    html = Client().get(widget("strasbourg-neudorf")).content.decode()
    titles = ["Parc de Neudorf", "Tram de Strasbourg", "Rue du Jura", "Plan climat"]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions), "closing soonest first"
    assert "Toute la commune : Strasbourg" in html
    assert "Toute l&#x27;Eurométropole" in html or "Toute l'Eurométropole" in html
    for absent in ("Schiltigheim", "Déjà close"):
        assert absent not in html
    assert "participation : Co-construire" in html
    # A commune's card names its quartiers' sheets.
    commune = Client().get(widget("strasbourg")).content.decode()
    assert "Quartier : Neudorf" in commune and "Rue du Jura" in commune


def test_only_public_content_whoever_asks(world):
    secrets = ("Secret de Neudorf", "Fiche non publique", SECRET_COMMENT, SECRET_DOCUMENT)
    for who, client in _clients(world).items():
        for url in (
            widget("strasbourg-neudorf"),
            widget("strasbourg"),
            sheet_widget(world["jura"].slug),
        ):
            response = client.get(url)
            text = response.content.decode()
            assert response.status_code == 200, (who, url)
            for secret in secrets:
                assert secret not in text, (who, url, secret)
        # Even the private sheet's own member gets the public's answer: not found.
        for sheet in (world["secret"], world["unlisted"]):
            response = client.get(sheet_widget(sheet.slug))
            assert response.status_code == 404, (who, sheet.title)
            assert sheet.title not in response.content.decode()
    # The page a member reads does show the private sheet: the widget really is anonymous.
    member = _clients(world)["member"]
    territory_page = member.get(
        reverse("portal:quartier", args=["strasbourg", "strasbourg-neudorf"])
    )
    assert "Secret de Neudorf" in territory_page.content.decode()


def test_the_sheet_card(world):
    response = Client().get(sheet_widget(world["jura"].slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rue du Jura" in html and "Concertation" in html and "Co-construire" in html
    assert f'datetime="{day(20)}"' in html


def test_every_link_opens_fabrique_in_a_new_tab_and_says_so(world):
    for url in (widget("strasbourg-neudorf"), sheet_widget(world["jura"].slug)):
        html = Client().get(url).content.decode()
        links = html.count("<a ")
        assert links >= 2
        assert html.count('target="_blank" rel="noopener"') == links
        assert html.count("(nouvel onglet)") == links
        assert 'href="http://testserver/' in html
        assert "<script" not in html, "no origin declared: no script at all"


def _set_cookies(response) -> list[str]:
    return [str(morsel) for morsel in response.cookies.values()]


def test_never_a_cookie_under_widget(world):
    paths = [
        widget("strasbourg-neudorf"),
        sheet_widget(world["jura"].slug),
        sheet_widget(world["secret"].slug),
        widget("inconnu"),
        "/widget/",
        "/widget/territoires/",
        "/widget/autre/chose",
        "/widget/territoires/%3Cscript%3E/",
    ]
    for who, client in _clients(world).items():
        for path in paths:
            for method in ("get", "head", "post"):
                response = getattr(client, method)(path)
                assert response.status_code < 500, (who, method, path)
                assert not _set_cookies(response), (who, method, path, _set_cookies(response))
    # The rest of the site does set them (a stale session is deleted): the test can fail.
    stale = _clients(world)["stale session"]
    assert _set_cookies(stale.get(reverse("accounts:login")))


def test_framing_no_origin_declared_means_nowhere(world, settings):
    settings.FABRIQUE_WIDGET_ORIGINS = []
    response = Client().get(widget("strasbourg"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_framing_only_by_the_declared_origins_and_nowhere_else_on_the_site(world, settings):
    settings.FABRIQUE_WIDGET_ORIGINS = [COMMUNE_SITE, "http://localhost:8080"]
    for url in (widget("strasbourg-neudorf"), sheet_widget(world["jura"].slug), widget("x")):
        response = Client().get(url)
        csp = response["Content-Security-Policy"]
        assert f"frame-ancestors {COMMUNE_SITE} http://localhost:8080;" in csp, url
        assert "X-Frame-Options" not in response, url
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = Client().get(widget("strasbourg")).content.decode()
    assert f'data-origins="{COMMUNE_SITE} http://localhost:8080"' in html
    for url in (
        "/",
        reverse("portal:commune", args=["strasbourg"]),
        reverse("widget:help"),
        reverse("widget:feed_territory", args=["strasbourg"]),
        reverse("notifications:feed_territory", args=["strasbourg"]),
        "/nulle-part/",
    ):
        response = Client().get(url)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url


@pytest.mark.parametrize(
    ("value", "origin"),
    [
        ("https://www.illkirch.fr", "https://www.illkirch.fr"),
        (" HTTPS://Www.Illkirch.FR/ ", "https://www.illkirch.fr"),
        ("https://mairie.example:443", "https://mairie.example"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://[::1]:8443", "https://[::1]:8443"),
        ("https://xn--strasbourg-mtropole-bzb.fr", "https://xn--strasbourg-mtropole-bzb.fr"),
    ],
)
def test_an_origin_is_normalised(value, origin):
    assert widget_origin(value) == origin


@pytest.mark.parametrize(
    "value",
    [
        "www.illkirch.fr",
        "https://www.illkirch.fr/agenda/",
        "https://*.illkirch.fr",
        "*",
        "'self'",
        "https://a.fr 'unsafe-inline'",
        "https://a.fr;script-src *",
        "ftp://a.fr",
        "javascript:alert(1)",
        "https://",
        "https://a.fr:0",
        "https://a.fr:70000",
        "https://a.fr?x=1",
        "https://a.fr#x",
        "https://user@a.fr",
        "https://-a.fr",
        "https://stràsbourg.fr",
        "data:",
    ],
)
def test_anything_but_an_origin_stops_the_start(value):
    with pytest.raises(ImproperlyConfigured):
        widget_origin(value)


def test_origins_deduplicated_in_order():
    assert widget_origins(["https://b.fr", "https://a.fr", "https://B.fr/"]) == [
        "https://b.fr",
        "https://a.fr",
    ]


HOSTILE = [
    "inconnu",
    "a" * 141,
    "a" * 5000,
    "<script>alert(1)</script>",
    "strasbourg'--",
    "../../etc/passwd",
    "%00",
    "é",
    "\u202e",
    "strasbourg%0d%0aSet-Cookie:x=1",
    "0",
    "-1",
    "9" * 30,
]


@pytest.mark.parametrize("slug", HOSTILE)
def test_hostile_or_unknown_slugs_answer_a_light_404_without_cookie(world, slug):
    for prefix in ("/widget/territoires/", "/widget/fiches/"):
        response = Client().get(prefix + quote(slug, safe="%") + "/")
        assert response.status_code in (400, 404), (prefix, slug)
        assert not _set_cookies(response)
        assert len(response.content) < 4096
    feed = Client().get("/flux/territoires/" + quote(slug, safe="%") + ".json")
    assert feed.status_code in (400, 404)


def test_light_with_many_sheets_and_constant_queries(world):
    neudorf = world["neudorf"]

    def queries_for(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(url).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        consultation(
            f"{'Très long titre de concertation ' * 6}{n}"[:200],
            end=day(1 + n % 40),
            territory=neudorf,
            workspace=world["public"],
        )

    for n in range(6):  # past the card's length: "see the N open consultations" counts them
        add(n)
    few = queries_for(widget("strasbourg-neudorf"))
    for n in range(6, 60):
        add(n)
    assert queries_for(widget("strasbourg-neudorf")) == few

    response = Client().get(widget("strasbourg-neudorf"))
    html = response.content
    assert b"Voir les 64 concertations ouvertes" in html
    static = Path(settings.BASE_DIR) / "portal" / "static" / "portal"
    extra = sum((static / name).stat().st_size for name in ("widget.css", "widget.js"))
    assert len(html) + extra < WIDGET_MAX_BYTES, len(html) + extra
    assert len(html) + extra < 12 * 1024, "a card, not the whole list"


def test_the_page_cache_keeps_the_card_until_an_event_changes_the_data(world, settings):
    settings.FABRIQUE_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    url = widget("strasbourg-neudorf")
    assert "Rue du Jura" in Client().get(url).content.decode()
    # Changed behind the services' back: the kept card still serves (the cache is used)…
    ProjectSheet.objects.filter(pk=world["jura"].pk).update(is_public=False)
    assert "Rue du Jura" in Client().get(url).content.decode()
    # …until the event spine reports a change: then the card is drawn again, without it.
    event_record(actor=None, verb="sheet.updated", target=world["jura"])
    assert "Rue du Jura" not in Client().get(url).content.decode()
    # One copy per language.
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert "Open consultations" in english


def test_the_json_feed(world):
    response = Client().get(reverse("widget:feed_territory", args=["strasbourg-neudorf"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["home_page_url"] == "http://testserver/territoires/strasbourg/strasbourg-neudorf/"
    titles = [item["title"] for item in feed["items"]]
    assert titles == ["Parc de Neudorf", "Tram de Strasbourg", "Rue du Jura", "Plan climat"]
    for item in feed["items"]:
        assert item["id"] == item["url"] and item["url"].startswith("http://testserver/fiches/")
        assert item["content_text"]
    scopes = {item["title"]: item["_fabrique"]["scope"] for item in feed["items"]}
    assert scopes == {
        "Parc de Neudorf": "here",
        "Tram de Strasbourg": "commune",
        "Rue du Jura": "here",
        "Plan climat": "metropole",
    }
    assert feed["items"][0]["_fabrique"]["closes_on"] == day(5)
    assert not _set_cookies(response)
    member = Client()
    member.force_login(world["member"])
    text = member.get(reverse("widget:feed_territory", args=["strasbourg-neudorf"])).content
    assert "Secret de Neudorf" not in text.decode()


def test_the_webmasters_page(world):
    response = Client().get(reverse("widget:help") + "?territoire=strasbourg-neudorf")
    html = response.content.decode()
    assert response.status_code == 200
    frame = (
        "&lt;iframe id=&quot;fabrique-widget&quot; "
        "src=&quot;http://testserver/widget/territoires/strasbourg-neudorf/&quot; "
        "title=&quot;Concertations ouvertes : Neudorf (Fabrique)&quot;"
    )
    assert frame in html
    assert "FABRIQUE_WIDGET_ORIGINS" in html
    assert "event.origin !== &quot;http://testserver&quot;" in html
    for slug in ("strasbourg", "schiltigheim", "strasbourg-neudorf", "eurometropole-de-strasbourg"):
        if Territory.objects.filter(slug=slug).exists():
            assert f"http://testserver/widget/territoires/{slug}/" in html, slug
            assert (
                f"/flux/territoires/{slug}.json" in html
                and f"/flux/territoires/{slug}.atom" in html
            )
    # The territory page leads there, and announces the JSON feed.
    page = Client().get(reverse("portal:quartier", args=["strasbourg", "strasbourg-neudorf"]))
    text = page.content.decode()
    assert f"{reverse('widget:help')}?territoire=strasbourg-neudorf#code" in text
    assert 'type="application/feed+json"' in text
    assert reverse("widget:feed_territory", args=["strasbourg-neudorf"]) in text
    # An unknown choice falls back to Strasbourg, never an error.
    assert Client().get(reverse("widget:help") + "?territoire=%3Cx%3E").status_code == 200
