"""The officials' pages: the directory and the finder (territory, theme), an official's page,
writing a request (reference and due date at once), the request's page and its steps, the inbox
(overdue first), my requests with their notices, the moderators' reading, and the sheet page's
public answers."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from accounts.models import PlatformRole
from officials.models import Request, RequestNotice
from officials.services import (
    official_profile_set,
    request_answer,
    request_clarify,
    request_publication_decide,
)
from territories.models import Territory, Theme

from ..factories import SheetFactory, UserFactory, WorkspaceFactory
from .factories import Clock, page, paris, send, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    strasbourg = Territory.objects.get(slug="strasbourg")
    illkirch = Territory.objects.get(slug="illkirch-graffenstaden")
    mobilite, urbanisme = Theme.objects.get(slug="mobilite"), Theme.objects.get(slug="urbanisme")
    agent = staff()

    def make(name, territory, theme):
        user = UserFactory(platform_role=PlatformRole.OFFICIAL, display_name=name)
        return official_profile_set(
            actor=agent, user=user, commitment_days=10, themes=[theme], territories=[territory]
        )

    return {
        "velo": make("Adjointe vélo", strasbourg, mobilite),
        "urba": make("Maire urbaniste", illkirch, urbanisme),
    }


def test_the_directory_filters_by_territory_and_theme(places):
    everyone = page(None, "/elus/").text
    assert "Adjointe vélo" in everyone and "Maire urbaniste" in everyone
    by_theme = page(None, "/elus/?theme=mobilite").text
    assert "Adjointe vélo" in by_theme and "Maire urbaniste" not in by_theme
    by_place = page(None, "/elus/?territory=illkirch-graffenstaden").text
    assert "Maire urbaniste" in by_place and "Adjointe vélo" not in by_place
    unknown = page(None, "/elus/?territory=<script>")
    assert unknown.status_code == 400 and "<script>" not in unknown.content.decode()
    assert page(None, "/comptes/elus/").status_code == 301


def test_the_finder_leads_to_the_officials_in_charge_and_keeps_the_sheet(places):
    sheet = SheetFactory()
    found = page(
        None, f"/elus/qui-contacter/?territory=strasbourg&theme=mobilite&fiche={sheet.pk}"
    ).text
    assert "Adjointe vélo" in found and "Maire urbaniste" not in found
    write = f"/elus/{places['velo'].user_id}/ecrire/?fiche={sheet.pk}"
    assert write in found
    assert "Les élu·es en charge" not in page(None, "/elus/qui-contacter/").text


def test_an_officials_page_tells_the_commitment_the_figures_and_the_method(monkeypatch, places):
    Clock(monkeypatch, paris(2026, 11, 2, 9, 0))
    profile = places["velo"]
    text = page(None, profile.get_absolute_url()).text
    assert "10 jours ouvrés" in text and "pas encore de taux" in text
    assert "/elus/methode/" in text and "Écrire une demande" in text
    method = page(None, "/elus/methode/").text
    assert "Vendredi saint" in method and "pure forme" in method and "irrecevables" in method


def test_writing_gives_the_reference_and_the_due_date_then_the_request_page(monkeypatch, places):
    Clock(monkeypatch, paris(2026, 4, 2, 18, 0))  # before Good Friday and Easter Monday
    sender = UserFactory()
    path = f"/elus/{places['velo'].user_id}/ecrire/"
    assert page(None, path).status_code == 302  # to the login page
    form = page(sender, path).text
    assert "Privée" in form and "Publique" in form and "votre nom n'est pas publié" in form
    client = Client()
    client.force_login(sender)
    sent = client.post(path, {"subject": "Le parc", "body": "Quand ?", "public": "0"}, follow=True)
    request = Request.objects.get()
    assert sent.redirect_chain == [(request.get_absolute_url(), 302)]
    shown = html.unescape(sent.content.decode())
    # 10 working days from Thursday 2 April: Good Friday and Easter Monday are off.
    assert f"référence {request.reference}" in shown and "le 20 avril 2026" in shown


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "body": "Quand ?", "public": "0"}, "Ce champ est obligatoire"),
        ({"subject": "Le parc", "body": "", "public": "0"}, "Ce champ est obligatoire"),
        ({"subject": "Le parc", "body": "x" * 5001, "public": "0"}, "5000 caractères"),
        ({"subject": "Le parc", "body": "Quand ?", "public": "2"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_request_is_refused_in_french_and_nothing_is_sent(places, data, message):
    response = page(UserFactory(), f"/elus/{places['velo'].user_id}/ecrire/", "post", data)
    assert response.status_code == 400 and message in response.text
    assert "rien n'a été enregistré" in response.text.lower()
    assert not Request.objects.exists()


def test_the_steps_on_the_request_page(monkeypatch, places):
    Clock(monkeypatch, paris(2026, 11, 30, 9, 0))
    profile = places["velo"]
    sender = UserFactory()
    request = send(profile, sender)
    url = request.get_absolute_url()
    official_view = page(profile.user, url).text
    for heading in ("Répondre", "Demander une précision", "Transmettre à un·e autre élu·e"):
        assert heading in official_view
    assert "Apporter la précision demandée" not in page(sender, url).text
    empty = page(profile.user, url, "post", {"step": "answer", "answer-body": ""})
    assert empty.status_code == 400 and "Ce champ est obligatoire" in empty.text
    asked = page(profile.user, url, "post", {"step": "clarify", "clarify-question": "Où ?"})
    assert asked.status_code == 302
    assert "Apporter la précision demandée" in page(sender, url).text
    assert page(UserFactory(), url, "post", {"step": "reply", "reply-body": "x"}).status_code == 404
    page(sender, url, "post", {"step": "reply", "reply-body": "Rue du Jura."})
    asked_confirm = page(
        profile.user, url, "post", {"step": "inadmissible", "inadmissible-reason": "duplicate"}
    )
    assert "Oui, clore comme irrecevable" in asked_confirm.text
    assert Request.objects.get().state == "acknowledged"
    done = page(profile.user, url, "post", {"step": "answer", "answer-body": "Un lampadaire."})
    assert done.status_code == 302 and Request.objects.get().state == "answered"
    seen = page(sender, url).text
    assert "Un lampadaire." in seen and "dans le délai" in seen


def test_the_inbox_lists_the_overdue_first_and_my_requests_show_the_notices(monkeypatch, places):
    clock = Clock(monkeypatch, paris(2026, 11, 2, 9, 0))
    profile = places["velo"]
    sender = UserFactory()
    old = send(profile, sender, subject="Ancienne demande")
    clock.set(paris(2026, 11, 25, 9, 0))
    send(profile, sender, subject="Demande récente")
    inbox = page(profile.user, "/elus/boite/").text
    assert inbox.index("Ancienne demande") < inbox.index("Demande récente")
    assert "en retard" in inbox and "nouvelle demande" in inbox
    overdue = page(profile.user, "/elus/boite/?flag=overdue").text
    assert "Ancienne demande" in overdue and "Demande récente" not in overdue
    assert "Ancienne demande" not in page(UserFactory(), "/elus/boite/").text
    request_answer(actor=profile.user, request=old, body="Voici.")
    mine = page(sender, "/elus/demandes/").text
    assert "Nouveau :" in mine and "réponse reçue" in mine and old.reference in mine
    assert "Nouveau :" not in page(sender, "/elus/demandes/").text  # read once shown
    assert RequestNotice.objects.filter(recipient=sender, read_at__isnull=True).count() == 0


def test_a_moderator_publishes_a_public_question_and_flags_a_boilerplate_answer(places):
    profile = places["velo"]
    moderator = UserFactory(platform_role=PlatformRole.MODERATOR)
    request = send(profile, public=True, subject="Question publique")
    assert "Question publique" in page(moderator, "/elus/boite/").text  # to read
    url = request.get_absolute_url()
    assert page(moderator, url, "post", {"step": "publish"}).status_code == 302
    request_answer(actor=profile.user, request=request, body="Merci pour votre message.")
    page(moderator, url, "post", {"step": "boilerplate"})
    request.refresh_from_db()
    assert (request.publication, request.boilerplate) == ("approved", True)
    public = page(None, url).text
    assert "jugée de pure forme" in public and "Question publique" in public
    private = send(profile, public=False)
    assert page(moderator, private.get_absolute_url()).status_code == 404
    assert (
        page(moderator, private.get_absolute_url(), "post", {"step": "publish"}).status_code == 404
    )


def test_the_sheet_page_shows_its_published_answers_only(places):
    workspace = WorkspaceFactory()
    sheet = SheetFactory(workspace=workspace)
    profile = places["velo"]
    moderator = UserFactory(platform_role=PlatformRole.MODERATOR)
    from officials.services import request_send

    published = request_send(
        actor=UserFactory(), official=profile, subject="Publiée", body="Q", public=True, sheet=sheet
    )
    request_publication_decide(actor=moderator, request=published, approve=True)
    request_answer(actor=profile.user, request=published, body="R")
    waiting = request_send(
        actor=UserFactory(),
        official=profile,
        subject="En attente",
        body="Q",
        public=True,
        sheet=sheet,
    )
    request_clarify(actor=profile.user, request=waiting, question="?")
    private = request_send(
        actor=UserFactory(), official=profile, subject="Privée", body="Q", sheet=sheet
    )
    request_answer(actor=profile.user, request=private, body="R")
    text = page(None, sheet.get_absolute_url()).text
    assert "Publiée" in text and "En attente" not in text and "Privée" not in text
    assert "Poser une question à un·e élu·e sur ce projet" in text


def test_only_staff_verify_an_official_and_set_the_mandates(places):
    import datetime

    from officials.models import Mandate, OfficialProfile

    citizen = UserFactory(email="future.elue@example.test", display_name="Future élue")
    agent = staff()
    assert page(citizen, "/elus/verifier/").status_code == 403
    assert page(places["velo"].user, "/elus/verifier/").status_code == 403  # not self-declared
    assert page(None, "/elus/verifier/").status_code == 302
    delegate = UserFactory(email="cabinet@example.test")
    data = {
        "email": "future.elue@example.test",
        "commitment_days": "12",
        "presentation": "Conseillère municipale.",
        "themes": [Theme.objects.get(slug="mobilite").pk],
        "territories": [Territory.objects.get(slug="strasbourg").pk],
        "delegates": "cabinet@example.test, personne@example.test",
    }
    refused = page(agent, "/elus/verifier/", "post", data)
    assert refused.status_code == 400 and "personne@example.test" in refused.text
    assert not OfficialProfile.objects.filter(user=citizen).exists()
    data["delegates"] = "cabinet@example.test"
    done = page(agent, "/elus/verifier/", "post", data)
    assert done.status_code == 302
    profile = OfficialProfile.objects.get(user=citizen)
    citizen.refresh_from_db()
    assert citizen.platform_role == "official" and profile.verified_by == agent
    assert list(profile.delegates.all()) == [delegate] and profile.commitment_days == 12
    edit = f"/elus/{citizen.pk}/modifier/"
    bad = page(
        agent, edit, "post", {"form": "mandate", "title": "Adjointe", "starts": "2026-13-01"}
    )
    assert bad.status_code == 400 and not Mandate.objects.exists()
    page(
        agent,
        edit,
        "post",
        {"form": "mandate", "title": "Adjointe au maire", "starts": "2026-03-22", "commune": ""},
    )
    mandate = Mandate.objects.get()
    assert (mandate.title, mandate.commune, mandate.starts) == (
        "Adjointe au maire",
        None,
        datetime.date(2026, 3, 22),
    )
    shown = page(None, profile.get_absolute_url()).text
    assert (
        "Adjointe au maire, Eurométropole" in shown and "Profil vérifié par les services" in shown
    )
    assert (
        page(citizen, f"/elus/{citizen.pk}/mandats/{mandate.pk}/retirer/", "post").status_code
        == 403
    )
    page(agent, f"/elus/{citizen.pk}/mandats/{mandate.pk}/retirer/", "post")
    assert not Mandate.objects.exists()


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_staff_give_an_official_a_photo_checked_by_its_content(
    places, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    profile, agent = places["velo"], staff()
    url = f"/elus/{profile.user_id}/photo/modifier/"
    assert (
        page(profile.user, url, "post", {"photo": SimpleUploadedFile("p.png", _png())}).status_code
        == 403
    )
    assert page(None, f"/elus/{profile.user_id}/photo/").status_code == 404
    fake = SimpleUploadedFile("p.png", b"%PDF-1.4\n%fake\n")
    page(agent, url, "post", {"photo": fake})
    big = SimpleUploadedFile("p.png", _png() + b"\x00" * (2 * 1024 * 1024))
    page(agent, url, "post", {"photo": big})
    profile.refresh_from_db()
    assert profile.photo_key == ""
    with django_capture_on_commit_callbacks(execute=True):
        page(agent, url, "post", {"photo": SimpleUploadedFile("moi.png", _png())})
    profile.refresh_from_db()
    first = profile.photo_key
    assert first.startswith("officials/") and profile.photo_type == "image/png"
    served = page(None, f"/elus/{profile.user_id}/photo/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert 'alt="Photo de Adjointe vélo"' in page(None, profile.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        page(agent, url, "post", {"photo": SimpleUploadedFile("moi.png", _png())})
    profile.refresh_from_db()
    assert profile.photo_key != first and not default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        page(agent, url, "post", {"remove": "1"})
    profile.refresh_from_db()
    assert (
        profile.photo_key == "" and page(None, f"/elus/{profile.user_id}/photo/").status_code == 404
    )
