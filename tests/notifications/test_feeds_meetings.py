"""Meetings in the Atom feeds: announced, changed, cancelled and their restitution appear in
their sheet's, territory's and theme's feeds, titled plainly and linked to the meeting, as
visible as the meeting (never a private sheet's), naming no one (no organiser, no registrant)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from meetings.models import Meeting
from meetings.services import (
    meeting_cancel,
    meeting_restitution_publish,
    meeting_update,
    registration_create,
)
from projects.models import ProjectSheet
from territories.models import Territory, Theme
from territories.services import territory_create
from workspace.models import Role, Workspace

from ..factories import SheetFactory, UserFactory, member
from ..meetings.factories import meeting as make_meeting
from .test_feeds import entries, read, sheet_feed, status, territory_feed, theme_feed

pytestmark = pytest.mark.django_db


def _life(
    sheet=None, territory=None, title="Réunion du jardin partagé", actor="staff", registrant=None
):
    """A meeting announced, changed, cancelled; another held with its restitution. Someone
    registers without an account (or `registrant`, for a meeting the public may not see)."""
    m = make_meeting(
        sheet=sheet, territory=territory, actor=actor, title=title, place="Salle Cervantès"
    )
    if registrant is None:
        registration_create(
            actor=None, meeting=m, name="Zéphyrine Quelquechose", email="zq@exemple.fr"
        )
    else:
        registration_create(actor=registrant, meeting=m)
    meeting_update(actor=m.created_by, meeting=m, description="Apportez vos graines.")
    meeting_cancel(actor=m.created_by, meeting=m)
    held = make_meeting(
        sheet=sheet, territory=territory, actor=actor, title=f"{title} (bilan)", days=1
    )
    past = timezone.now() - datetime.timedelta(hours=3)
    Meeting.objects.filter(pk=held.pk).update(starts=past, ends=past + datetime.timedelta(hours=2))
    meeting_restitution_publish(
        actor=held.created_by,
        meeting=held,
        minutes="Vingt personnes sont venues.",
        attendance=20,
        presentation="Le bilan du jardin.",
    )
    return m, held


def _meeting_entries(path: str) -> list[dict]:
    return [e for e in entries(read(path)) if "/reunions/" in e["link"]]


def test_a_sheets_meetings_appear_in_its_territory_theme_and_sheet_feeds():
    theme = Theme.objects.get(slug="mobilite")
    strasbourg = Territory.objects.get(slug="strasbourg")
    sheet = SheetFactory(title="Jardin partagé", territory=strasbourg, themes=[theme])
    editor = member(sheet.workspace, Role.EDITOR)
    m, held = _life(sheet=sheet, actor=editor)
    for path in (sheet_feed(sheet), territory_feed("strasbourg"), theme_feed("mobilite")):
        found = _meeting_entries(path)
        titles = [e["title"] for e in found]
        assert titles == [
            "Restitution publiée : « Réunion du jardin partagé (bilan) »",
            "Réunion annoncée : « Réunion du jardin partagé (bilan) »",
            "Réunion annulée : « Réunion du jardin partagé »",
            "Réunion modifiée : « Réunion du jardin partagé »",
            "Réunion annoncée : « Réunion du jardin partagé »",
        ], path
        links = {e["link"] for e in found}
        assert links == {
            f"http://testserver{m.get_absolute_url()}",
            f"http://testserver{held.get_absolute_url()}",
        }
        summaries = " ".join(e["summary"] or "" for e in found)
        assert "Salle Cervantès" in summaries and "annulée" in summaries
        assert "Le bilan du jardin." in summaries
        assert all(e["summary_type"] == "text" for e in found)
        feed = read(path)
        text = " ".join(t or "" for t in (el.text for el in feed.iter()))
        # Nobody is named: neither a registrant nor the organiser.
        for personal in ("Zéphyrine", "Quelquechose", "zq@exemple.fr", "@", editor.display_name):
            assert personal not in " ".join(e["title"] + (e["summary"] or "") for e in found)
        assert "Zéphyrine" not in text and "zq@exemple.fr" not in text


def test_a_territory_meeting_appears_in_its_feed_and_its_quartiers_labelled():
    strasbourg = Territory.objects.get(slug="strasbourg")
    neudorf = territory_create(name="Neudorf", kind="quartier", parent=strasbourg)
    _life(territory=strasbourg, title="Assemblée de la commune")
    _life(territory=neudorf, title="Atelier du Neudorf")
    _life(territory=Territory.objects.get(slug="schiltigheim"), title="Conseil de Schiltigheim")
    commune = [e["title"] for e in _meeting_entries(territory_feed("strasbourg"))]
    assert "Réunion annoncée : « Assemblée de la commune »" in commune
    assert "Réunion annulée : « Atelier du Neudorf »" in commune
    assert not any("Schiltigheim" in t for t in commune)
    quartier = [e["title"] for e in _meeting_entries(territory_feed(neudorf.slug))]
    assert "[Toute la commune] Réunion annoncée : « Assemblée de la commune »" in quartier
    assert "Restitution publiée : « Atelier du Neudorf (bilan) »" in quartier
    assert "Réunion modifiée : « Atelier du Neudorf »" in quartier
    # A territory's meeting has no theme.
    assert _meeting_entries(theme_feed("mobilite")) == []


@pytest.mark.parametrize("how", ["sheet", "workspace", "never"])
def test_a_private_sheets_meetings_never_appear(how):
    theme = Theme.objects.get(slug="mobilite")
    strasbourg = Territory.objects.get(slug="strasbourg")
    sheet = SheetFactory(
        title="Fiche secrète", territory=strasbourg, themes=[theme], is_public=how != "never"
    )
    _life(
        sheet=sheet,
        actor=member(sheet.workspace, Role.EDITOR),
        title="Réunion secrète",
        registrant=member(sheet.workspace, Role.READER),
    )
    if how == "sheet":
        ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=False)
    elif how == "workspace":
        Workspace.objects.filter(pk=sheet.workspace_id).update(
            visibility=Workspace.Visibility.PRIVATE
        )
    assert status(sheet_feed(sheet)) == 404
    for path in (territory_feed("strasbourg"), theme_feed("mobilite")):
        assert status(path) == 200
        assert "secrète" not in read_text(path)
        assert _meeting_entries(path) == []
    # Made public again: they show again (nothing was remembered).
    if how != "never":
        ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=True)
        Workspace.objects.filter(pk=sheet.workspace_id).update(
            visibility=Workspace.Visibility.PUBLIC
        )
        assert len(_meeting_entries(territory_feed("strasbourg"))) == 5


def read_text(path: str) -> str:
    from django.test import Client

    return Client().get(path).content.decode()


def test_registrations_are_never_feed_entries():
    sheet = SheetFactory(territory=Territory.objects.get(slug="strasbourg"))
    m = make_meeting(sheet=sheet, actor=member(sheet.workspace, Role.EDITOR))
    registration_create(actor=UserFactory(), meeting=m)
    registration_create(actor=None, meeting=m, name="Anne Onyme", email="anne@exemple.fr")
    assert [e["title"] for e in _meeting_entries(sheet_feed(sheet))] == [
        f"Réunion annoncée : « {m.title} »"
    ]
