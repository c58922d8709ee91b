"""The Atom feeds per sheet, territory and theme: public activity only, read as the anonymous
public reads the pages — a private sheet, a private workspace's sheet, a sheet made private
afterwards, a hidden or deleted message never show; hostile addresses answer 404; the XML is
valid whatever users wrote; the number of queries does not grow with the feed."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import PlatformRole, User
from amendments.services import amendment_submit
from debates.services import comment_delete
from events.services import event_record
from projects.models import ProjectSheet, Stage
from projects.services import sheet_update
from projects.services.framing import framing_note_create
from territories.models import Territory, Theme
from territories.services import territory_create
from workspace.models import Role, Workspace

from ..amendments.factories import open_round
from ..debates.factories import comment, debate
from ..debates.test_pages import hide
from ..factories import DocumentFactory, SheetFactory, UserFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET = "Zorglub-message-masque-17"


def sheet_feed(sheet) -> str:
    return reverse("notifications:feed_sheet", args=[sheet.pk])


def territory_feed(slug: str) -> str:
    return reverse("notifications:feed_territory", args=[slug])


def theme_feed(slug: str) -> str:
    return reverse("notifications:feed_theme", args=[slug])


def read(path: str, **headers) -> ET.Element:
    """The feed at `path`, anonymously, parsed (which fails on malformed XML)."""
    response = Client().get(path, **headers)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> list[dict]:
    out = []
    for entry in feed.findall(f"{ATOM}entry"):
        summary = entry.find(f"{ATOM}summary")
        out.append(
            {
                "title": entry.findtext(f"{ATOM}title"),
                "link": entry.find(f"{ATOM}link").get("href"),
                "id": entry.findtext(f"{ATOM}id"),
                "updated": entry.findtext(f"{ATOM}updated"),
                "summary": summary.text if summary is not None else None,
                "summary_type": summary.get("type") if summary is not None else None,
            }
        )
    return out


def titles(path: str) -> list[str]:
    return [e["title"] for e in entries(read(path))]


def status(path: str) -> int:
    return Client().get(path).status_code


def official():
    return UserFactory(platform_role=PlatformRole.OFFICIAL)


def busy_sheet(**fields) -> ProjectSheet:
    """A sheet in consultation with one event of each kind the feeds carry."""
    sheet = SheetFactory(stage=Stage.CONSULTATION, **fields)
    editor = member(sheet.workspace, Role.EDITOR)
    sheet = sheet_update(actor=editor, sheet=sheet, base_version=1, summary="Un résumé revu.")
    d = debate(sheet=sheet, title="Quel tracé ?")
    comment(d, body="Par la rue du Jura.")
    round_ = open_round(sheet)
    amendment_submit(
        actor=UserFactory(), sheet=sheet, field="summary", text="Mieux.", base_version=2
    )
    framing_note_create(
        actor=official(),
        sheet=sheet,
        political_intent="Apaiser.",
        participation_level="concert",
        use_of_contributions="Une réponse à chaque avis.",
        publish=True,
    )
    DocumentFactory(sheet=sheet, title="Plan du tracé")
    event_record(actor=editor, verb="sheet.start_realisation", target=sheet)
    assert round_.pk
    return sheet


def test_a_public_sheets_events_appear_in_its_feeds_as_valid_atom():
    theme = Theme.objects.get(slug="mobilite")
    strasbourg = Territory.objects.get(slug="strasbourg")
    sheet = busy_sheet(title="Piste du Jura", territory=strasbourg, themes=[theme])
    # A private entry about the sheet (a draft's) and a verb followers do not hear of.
    event_record(actor=None, verb="framing_note.drafted", target=sheet, data={"note": 0})
    event_record(actor=None, verb="checklist.attested", target=sheet, data={"code": "x"})

    feed = read(sheet_feed(sheet))
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert "Piste du Jura" in feed.findtext(f"{ATOM}title")
    assert feed.findtext(f"{ATOM}subtitle")
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Fabrique"
    items = entries(feed)
    joined = "\n".join(e["title"] for e in items)
    for label in (
        "a modifié la fiche",
        "a ouvert un débat",
        "a publié un message dans un débat",
        "a ouvert un tour d'amendements",
        "a proposé un amendement",
        "a publié une note de cadrage",
        "a déposé le document",
        "a fait passer le projet en réalisation",
        "a créé la fiche",
    ):
        assert label in joined, label
    assert "« Piste du Jura » :" in joined
    assert "« Quel tracé ? » :" in joined
    assert "attesté" not in joined
    assert len(items) == 9
    # Newest first, absolute links to the pages, one id per entry, plain-text summaries.
    assert [e["updated"] for e in items] == sorted((e["updated"] for e in items), reverse=True)
    assert all(e["link"].startswith("http://testserver/") for e in items)
    assert len({e["id"] for e in items}) == len(items)
    assert all(e["id"].startswith("tag:testserver,") for e in items)
    summaries = {e["summary"] for e in items}
    assert {"Par la rue du Jura.", "Plan du tracé"} <= summaries
    assert {e["summary_type"] for e in items if e["summary"]} == {"text"}
    links = {e["link"] for e in items}
    assert f"http://testserver{sheet.get_absolute_url()}#cadrage" in links
    # The same entries in the territory's and the theme's feeds.
    assert set(titles(territory_feed("strasbourg"))) == {e["title"] for e in items}
    assert set(titles(theme_feed("mobilite"))) == {e["title"] for e in items}
    assert titles(theme_feed("culture")) == []
    assert titles(territory_feed("schiltigheim")) == []


def test_actors_are_named_as_the_pages_name_them():
    sheet = SheetFactory(title="Fiche nommée")
    d = debate(sheet=sheet, author=UserFactory(display_name="Camille V."))
    gone = UserFactory(display_name="Ancien Nom")
    comment(d, author=gone, body="Mon avis.")
    User.objects.filter(pk=gone.pk).update(email=f"deleted-{gone.pk}@supprime.invalid")
    event_record(actor=None, verb="sheet.archive", target=sheet)
    joined = "\n".join(titles(sheet_feed(sheet)))
    assert "Camille V. a ouvert un débat" in joined
    assert "compte supprimé a publié un message" in joined
    assert "Ancien Nom" not in joined
    assert "la plateforme" in joined
    assert "@" not in joined  # never an e-mail address


@pytest.mark.parametrize("how", ["sheet", "workspace"])
def test_a_private_sheet_has_no_feed_and_stays_out_of_the_others(how):
    theme = Theme.objects.get(slug="mobilite")
    strasbourg = Territory.objects.get(slug="strasbourg")
    # Its events are written while it is public (anyone may then debate it), then it is made
    # private: the feeds read visibility at the time of the request, not of the event.
    sheet = busy_sheet(title="Fiche secrète", territory=strasbourg, themes=[theme])
    if how == "sheet":
        ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=False)
    else:
        Workspace.objects.filter(pk=sheet.workspace_id).update(
            visibility=Workspace.Visibility.PRIVATE
        )
    visible = SheetFactory(title="Fiche ouverte", territory=strasbourg, themes=[theme])
    debate(sheet=visible)
    assert status(sheet_feed(sheet)) == 404
    assert status(sheet_feed(sheet)) == status(reverse("notifications:feed_sheet", args=[10**9]))
    for path in (territory_feed("strasbourg"), theme_feed("mobilite")):
        feed = Client().get(path).content.decode()
        assert "Quel stationnement" in feed  # the open sheet's debate
        assert "secrète" not in feed
        assert "Quel tracé" not in feed
        assert "Par la rue du Jura" not in feed
        assert "Plan du tracé" not in feed
        assert "Mieux." not in feed


def test_a_sheet_never_public_has_no_feed():
    sheet = SheetFactory(title="Fiche interne", is_public=False)
    event_record(actor=None, verb="sheet.updated", target=sheet)
    assert status(sheet_feed(sheet)) == 404
    workspace = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
    sheet = SheetFactory(title="Fiche d'un espace privé", workspace=workspace)
    event_record(actor=None, verb="sheet.updated", target=sheet)
    assert status(sheet_feed(sheet)) == 404
    assert titles(territory_feed("strasbourg")) == []


def test_a_sheet_made_private_after_its_events_leaves_every_feed():
    strasbourg = Territory.objects.get(slug="strasbourg")
    sheet = busy_sheet(title="Bientôt privée", territory=strasbourg)
    assert len(titles(sheet_feed(sheet))) == 9
    assert any("Bientôt privée" in t for t in titles(territory_feed("strasbourg")))
    ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=False)
    assert status(sheet_feed(sheet)) == 404
    feed = Client().get(territory_feed("strasbourg")).content.decode()
    assert "Bientôt privée" not in feed
    assert "Quel tracé" not in feed
    # And back: what the public may see again shows again (nothing was remembered).
    ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=True)
    assert len(titles(sheet_feed(sheet))) == 9


def test_a_quartier_hears_of_its_commune_and_metropole_wide_sheets_labelled_as_such():
    strasbourg = Territory.objects.get(slug="strasbourg")
    metropole = strasbourg.parent
    neudorf = territory_create(name="Neudorf", kind="quartier", parent=strasbourg)
    SheetFactory(title="Square du Neudorf", territory=neudorf)
    SheetFactory(title="Tram de Strasbourg", territory=strasbourg)
    SheetFactory(title="Plan climat", territory=metropole)
    SheetFactory(
        title="Marché de Schiltigheim", territory=Territory.objects.get(slug="schiltigheim")
    )
    for sheet in ProjectSheet.objects.all():
        event_record(actor=None, verb="sheet.updated", target=sheet)
    debate(territory=neudorf, title="Bancs du Neudorf")
    debate(territory=strasbourg, title="Fêtes de Strasbourg")

    quartier = titles(territory_feed(neudorf.slug))
    assert any(t.startswith("« Square du Neudorf »") for t in quartier)
    assert any(t.startswith("[Toute la commune] « Tram de Strasbourg »") for t in quartier)
    assert any(t.startswith("[Toute la métropole] « Plan climat »") for t in quartier)
    assert any(t.startswith("« Bancs du Neudorf »") for t in quartier)
    assert any(t.startswith("[Toute la commune] « Fêtes de Strasbourg »") for t in quartier)
    assert not any("Schiltigheim" in t for t in quartier)

    commune = titles(territory_feed("strasbourg"))
    assert any(t.startswith("« Square du Neudorf »") for t in commune)  # its quartiers
    assert any(t.startswith("« Tram de Strasbourg »") for t in commune)
    assert any(t.startswith("« Bancs du Neudorf »") for t in commune)
    assert any(t.startswith("[Toute la métropole] « Plan climat »") for t in commune)
    assert not any("Schiltigheim" in t for t in commune)


def test_debates_of_a_theme_or_territory_are_public_only():
    theme = Theme.objects.get(slug="culture")
    private = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
    owner = member(private, Role.OWNER)
    debate(themes=[theme], title="Débat ouvert")
    debate(workspace=private, author=owner, themes=[theme], title="Débat entre membres")
    names = titles(theme_feed("culture"))
    assert any("Débat ouvert" in t for t in names)
    assert not any("entre membres" in t for t in names)


def test_hidden_and_deleted_messages_never_show():
    sheet = SheetFactory(title="Fiche discutée")
    d = debate(sheet=sheet)
    hidden = comment(d, body=f"Début {SECRET} fin")
    gone = comment(d, body="Message bientôt supprimé")
    comment(d, body="Message visible")
    before = Client().get(sheet_feed(sheet)).content.decode()
    assert SECRET in before and "bientôt supprimé" in before
    hide(hidden)
    comment_delete(actor=gone.author, comment=gone)
    for path in (sheet_feed(sheet), theme_feed(Theme.objects.order_by("pk").first().slug)):
        text = Client().get(path).content.decode()
        assert SECRET not in text
        assert "bientôt supprimé" not in text
    feed = entries(read(sheet_feed(sheet)))
    assert [e["summary"] for e in feed if "message" in e["title"]] == ["Message visible"]


def test_what_users_write_is_plain_escaped_text_and_never_breaks_the_xml():
    sheet = SheetFactory(title="Titre <b>gras</b> & \x0bcie")
    event_record(actor=None, verb="sheet.updated", target=sheet)
    d = debate(sheet=sheet, title="Débat <i>penché</i>")
    comment(d, body="<script>alert(1)</script> **gras** \x0b\x1f fin")
    raw = Client().get(sheet_feed(sheet)).content.decode()
    assert "<script>" not in raw and "<b>" not in raw and "<i>" not in raw
    items = entries(read(sheet_feed(sheet)))
    summaries = [e["summary"] for e in items if e["summary"]]
    assert "<script>alert(1)</script> **gras** fin" in summaries
    assert any(e["title"].startswith("« Titre <b>gras</b> & cie » :") for e in items)
    assert any(e["title"].startswith("« Débat <i>penché</i> » :") for e in items)


@pytest.mark.parametrize(
    "path",
    [
        "/flux/territoires/nulle-part.atom",
        "/flux/themes/nulle-part.atom",
        "/flux/territoires/" + "a" * 10_000 + ".atom",
        "/flux/themes/" + "a" * 10_000 + ".atom",
        "/flux/fiches/99999999999999999999999.atom",
        "/flux/fiches/0.atom",
        "/flux/fiches/-1.atom",
        "/flux/fiches/strasbourg.atom",
    ],
)
def test_hostile_addresses_are_not_found(path):
    assert status(path) == 404


@pytest.mark.parametrize(
    "path", ["/flux/territoires/%00.atom", "/flux/themes/a%00b.atom", "/flux/fiches/%00.atom"]
)
def test_nul_bytes_are_refused_as_everywhere(path):
    # config.bad_input answers 400 to a NUL anywhere in a request, before any view.
    assert status(path) == 400


def test_a_feed_keeps_the_fifty_newest_entries():
    sheet = SheetFactory()
    for n in range(55):
        event_record(actor=None, verb="sheet.updated", target=sheet, data={"n": n})
    feed = entries(read(sheet_feed(sheet)))
    assert len(feed) == 50


def test_feeds_read_in_english():
    sheet = SheetFactory(title="Piste")
    event_record(actor=None, verb="sheet.updated", target=sheet)
    feed = read(sheet_feed(sheet), HTTP_ACCEPT_LANGUAGE="en")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert feed.findtext(f"{ATOM}title").startswith("Sheet")
    assert "the platform" in entries(feed)[0]["title"]


def test_the_number_of_queries_does_not_grow_with_the_feed(django_assert_max_num_queries):
    theme = Theme.objects.get(slug="mobilite")
    strasbourg = Territory.objects.get(slug="strasbourg")
    neudorf = territory_create(name="Neudorf", kind="quartier", parent=strasbourg)
    paths = None
    for round_number in range(2):
        for _n in range(3 if round_number == 0 else 6):
            sheet = busy_sheet(territory=neudorf if round_number else strasbourg, themes=[theme])
            debate(territory=strasbourg, title="Hors fiche")
        paths = [sheet_feed(sheet), territory_feed(neudorf.slug), theme_feed("mobilite")]
        for path in paths:
            Client().get(path)  # the content types' cache, as in any running server
            # The object (and the territories' tree), then for each of the seven kinds of
            # subject (meetings the seventh) its newest entries and the rows of those kept.
            with django_assert_max_num_queries(16):
                assert status(path) == 200
    assert len(titles(paths[2])) == 50


def test_the_sheet_page_links_its_feed_only_when_the_public_may_read_it():
    public = SheetFactory()
    html = Client().get(public.get_absolute_url()).content.decode()
    href = sheet_feed(public)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{href}"' in html
    assert "Flux Atom" in html
    private = SheetFactory(is_public=False)
    reader = member(private.workspace, Role.READER)
    c = Client()
    c.force_login(reader)
    html = c.get(private.get_absolute_url()).content.decode()
    assert "application/atom+xml" not in html
    assert "Flux Atom" not in html


def test_feeds_say_when_they_were_last_changed():
    sheet = SheetFactory()
    event_record(actor=None, verb="sheet.updated", target=sheet)
    response = Client().get(sheet_feed(sheet))
    assert response["Last-Modified"]
    feed = ET.fromstring(response.content)
    updated = datetime.datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    assert updated.tzinfo is not None
