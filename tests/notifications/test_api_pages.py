"""The API and pages of subscriptions and notifications: the caller's own only, bad input
answered in words (never a 500), and the e-mails' unsubscribe links without login."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client
from rest_framework.test import APIClient

from notifications.models import Notification, Recipient, Subscription, Unfollow
from notifications.tokens import SALT, Unsubscribe, unsubscribe_token
from territories.models import Territory

from ..factories import SheetFactory, UserFactory, WorkspaceFactory
from .world import follow, record

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def web(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# ---- API: subscriptions


def test_follow_by_id_or_slug_then_409_then_patch_and_delete():
    person, sheet = UserFactory(), SheetFactory()
    created = api(person).post(
        "/api/v1/subscriptions/",
        {"target_type": "sheet", "target": sheet.slug, "level": "essential"},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["target_type"], body["target"], body["level"]) == ("sheet", sheet.pk, "essential")
    again = api(person).post(
        "/api/v1/subscriptions/", {"target_type": "sheet", "target": str(sheet.pk)}, format="json"
    )
    assert again.status_code == 409
    url = f"/api/v1/subscriptions/{body['id']}/"
    assert api(person).patch(url, {"level": "all"}, format="json").json()["level"] == "all"
    listed = api(person).get("/api/v1/subscriptions/").json()
    assert listed["count"] == 1 and listed["results"][0]["label"] == sheet.title
    assert api(person).delete(url).status_code == 204
    assert not Subscription.objects.filter(user=person).exists()
    assert Unfollow.objects.filter(user=person, target_id=sheet.pk).exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"target_type": "sheet", "target": "999999"},
        {"target_type": "territory", "target": "nulle-part"},
        {"target_type": "official", "target": "1"},
        {"target_type": "sheet", "target": "a\x00b"},
        {"target_type": "sheet", "target": "9" * 40},
    ],
)
def test_what_does_not_exist_or_is_hidden_answers_404(payload):
    assert api(UserFactory()).post(
        "/api/v1/subscriptions/", payload, format="json"
    ).status_code in (
        400,
        404,
    )


def test_a_private_sheet_cannot_be_followed_by_an_outsider_and_looks_like_nothing():
    hidden = SheetFactory(workspace=WorkspaceFactory(visibility="private"))
    outsider = UserFactory()
    response = api(outsider).post(
        "/api/v1/subscriptions/", {"target_type": "sheet", "target": hidden.pk}, format="json"
    )
    missing = api(outsider).post(
        "/api/v1/subscriptions/", {"target_type": "sheet", "target": 987654}, format="json"
    )
    assert response.status_code == missing.status_code == 404
    assert response.json()["detail"] == missing.json()["detail"]


@pytest.mark.parametrize(
    "payload",
    [
        {"target_type": "planet", "target": "1"},
        {"target_type": "sheet", "target": "1", "level": "loud"},
        {"target_type": ["sheet"], "target": {"a": 1}},
        {},
    ],
)
def test_bad_input_is_a_400_with_words(payload):
    response = api(UserFactory()).post("/api/v1/subscriptions/", payload, format="json")
    assert response.status_code == 400


def test_someone_elses_subscription_is_404_and_anonymous_is_401():
    owner, other = UserFactory(), UserFactory()
    mine = follow(owner, "sheet", SheetFactory().pk)
    url = f"/api/v1/subscriptions/{mine.pk}/"
    assert api(other).patch(url, {"level": "all"}, format="json").status_code == 404
    assert api(other).delete(url).status_code == 404
    assert api().get("/api/v1/subscriptions/").status_code == 401
    assert api().get("/api/v1/notifications/").status_code == 401
    assert Subscription.objects.get(pk=mine.pk).level == "standard"


def test_territories_themes_and_officials_are_followed_by_slug_or_id():
    from ..officials.factories import official

    person = UserFactory()
    profile = official()
    for payload in (
        {"target_type": "territory", "target": "strasbourg"},
        {"target_type": "theme", "target": "mobilite"},
        {"target_type": "official", "target": str(profile.user_id)},
    ):
        assert api(person).post("/api/v1/subscriptions/", payload, format="json").status_code == 201
    assert Subscription.objects.get(user=person, target_type="territory").target_id == (
        Territory.objects.get(slug="strasbourg").pk
    )


# ---- API: notifications and /me


def test_notifications_newest_first_unread_filter_and_mark_read():
    person, sheet = UserFactory(), SheetFactory(title="La fiche")
    follow(person, "sheet", sheet.pk, "all")
    actor = UserFactory(display_name="Camille")
    record(actor, "sheet.updated", sheet)
    record(actor, "sheet.start_realisation", sheet)
    listed = api(person).get("/api/v1/notifications/").json()
    assert listed["count"] == 2
    first = listed["results"][0]
    assert set(first) >= {"id", "verb", "label", "url", "created", "read"}
    assert first["verb"] == "sheet.start_realisation" and first["read"] is False
    assert first["label"].startswith("Camille ")
    marked = api(person).post("/api/v1/notifications/read/", {"ids": [first["id"]]}, format="json")
    assert marked.json() == {"marked": 1}
    assert api(person).get("/api/v1/notifications/?unread=1").json()["count"] == 1
    # Another person's ids are ignored; all: true marks the rest.
    other = UserFactory()
    assert api(other).post(
        "/api/v1/notifications/read/", {"ids": [first["id"]]}, format="json"
    ).json() == {"marked": 0}
    assert api(person).post("/api/v1/notifications/read/", {"all": True}, format="json").json() == {
        "marked": 1
    }
    assert api(person).post("/api/v1/notifications/read/", {}, format="json").status_code == 400
    assert (
        api(person).post("/api/v1/notifications/read/", {"ids": ["x"]}, format="json").status_code
        == 400
    )


def test_me_reads_and_changes_the_digest_frequency():
    person = UserFactory()
    assert api(person).get("/api/v1/me/").json()["digest"] == "daily"
    changed = api(person).patch("/api/v1/me/", {"digest": "weekly"}, format="json")
    assert changed.status_code == 200 and changed.json()["digest"] == "weekly"
    assert api(person).patch("/api/v1/me/", {"digest": "hourly"}, format="json").status_code == 400
    refused = api(person).patch("/api/v1/me/", {"email": "x@example.org"}, format="json")
    assert refused.status_code == 400
    assert Recipient.objects.get(user=person).frequency == "weekly"


# ---- Pages


def test_pages_ask_anonymous_visitors_to_sign_in():
    for url in ("/notifications/", "/notifications/reglages/"):
        response = web().get(url)
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    assert web().post("/notifications/suivre/", {}).status_code == 302


def test_the_follow_button_follows_changes_the_level_and_unfollows_without_script():
    person, sheet = UserFactory(), SheetFactory(title="Une fiche")
    page = web(person).get(sheet.get_absolute_url()).content.decode()
    assert 'action="/notifications/suivre/"' in page and ">Suivre<" in page
    response = web(person).post(
        "/notifications/suivre/",
        {"target_type": "sheet", "target": sheet.pk, "level": "essential", "next": "/fiches/"},
    )
    assert response.status_code == 302 and response["Location"] == "/fiches/"
    subscription = Subscription.objects.get(user=person)
    assert subscription.level == "essential"
    page = web(person).get(sheet.get_absolute_url()).content.decode()
    assert "Vous suivez ceci (niveau essentiel)" in page and "Ne plus suivre" in page
    web(person).post(
        "/notifications/suivre/", {"target_type": "sheet", "target": sheet.pk, "level": "all"}
    )
    assert Subscription.objects.get(user=person).level == "all"
    web(person).post(f"/notifications/abonnements/{subscription.pk}/", {"action": "unfollow"})
    assert not Subscription.objects.filter(user=person).exists()
    # Anonymous visitors see a sign-in link instead of the form.
    anonymous = web().get(sheet.get_absolute_url()).content.decode()
    assert (
        "Se connecter pour suivre" in anonymous
        and 'action="/notifications/suivre/"' not in anonymous
    )


def test_the_follow_button_refuses_an_open_redirect_and_a_hidden_sheet():
    person = UserFactory()
    hidden = SheetFactory(workspace=WorkspaceFactory(visibility="private"))
    response = web(person).post(
        "/notifications/suivre/",
        {
            "target_type": "sheet",
            "target": hidden.pk,
            "level": "all",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302 and not response["Location"].startswith("https://evil")
    assert not Subscription.objects.filter(user=person).exists()


def test_the_centre_lists_marks_read_and_opens_a_notification():
    person, sheet = UserFactory(), SheetFactory(title="La fiche")
    follow(person, "sheet", sheet.pk, "all")
    record(UserFactory(display_name="Camille"), "sheet.start_realisation", sheet)
    # Counted in the bell before any row is written for the person.
    assert not Notification.objects.filter(recipient=person).exists()
    home = web(person).get("/").content.decode()
    assert '1<span class="visually-hidden"> non lue</span>' in home
    page = web(person).get("/notifications/").content.decode()
    assert "Camille a fait passer le projet en réalisation" in page and "La fiche" in page
    assert '1<span class="visually-hidden"> non lue</span>' in page
    note = Notification.objects.get(recipient=person)
    opened = web(person).get(f"/notifications/{note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == sheet.get_absolute_url()
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert web(UserFactory()).get(f"/notifications/{note.pk}/").status_code == 404
    web(person).post("/notifications/lues/", {"all": "1"})
    assert web(person).post("/notifications/lues/", {"id": "x"}).status_code == 302


def test_settings_page_saves_choices_and_follows_a_territory():
    person = UserFactory()
    response = web(person).post(
        "/notifications/reglages/",
        {"action": "settings", "frequency": "weekly", "email_direct": "", "language": "en"},
    )
    assert response.status_code == 302
    recipient = Recipient.objects.get(user=person)
    assert (recipient.frequency, recipient.email_direct, recipient.language) == (
        "weekly",
        False,
        "en",
    )
    bad = web(person).post("/notifications/reglages/", {"action": "settings", "frequency": "x"})
    assert bad.status_code == 400
    web(person).post(
        "/notifications/reglages/", {"action": "place", "territory": "strasbourg", "level": "all"}
    )
    page = web(person).get("/notifications/reglages/").content.decode()
    assert "Strasbourg" in page and "Ne plus suivre" in page


# ---- Unsubscribe links


def test_a_one_click_unsubscribe_stops_one_subscription_without_login_or_csrf():
    person, sheet = UserFactory(), SheetFactory()
    follow(person, "sheet", sheet.pk)
    token = unsubscribe_token(Unsubscribe(person.pk, "sheet", sheet.pk))
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/notifications/desabonnement/{token}/")
    assert page.status_code == 200 and "Confirmer" in page.content.decode()
    assert Subscription.objects.filter(user=person).exists()  # a GET changes nothing
    done = client.post(f"/notifications/desabonnement/{token}/", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert not Subscription.objects.filter(user=person).exists()


def test_the_all_email_link_stops_digests_and_direct_mail():
    person = UserFactory()
    token = unsubscribe_token(Unsubscribe(person.pk))
    Client().post(f"/notifications/desabonnement/{token}/")
    recipient = Recipient.objects.get(user=person)
    assert (recipient.frequency, recipient.email_direct) == ("never", False)


def test_tampered_and_expired_tokens_are_refused_and_change_nothing(settings):
    person, sheet = UserFactory(), SheetFactory()
    follow(person, "sheet", sheet.pk)
    good = unsubscribe_token(Unsubscribe(person.pk, "sheet", sheet.pk))
    other = UserFactory()
    follow(other, "sheet", sheet.pk)
    forged = good.replace(good.split(":")[0], signing.b64_encode(b'{"u":%d}' % other.pk).decode())
    for token in (forged, good[:-2] + "xx", "a" * 500, "%00"):
        assert Client().post(f"/notifications/desabonnement/{token}/").status_code in (400, 404)
    settings.FABRIQUE_UNSUBSCRIBE_LINK_DAYS = 0
    assert Client().post(f"/notifications/desabonnement/{good}/").status_code == 400
    assert Subscription.objects.filter(user__in=[person, other], target_id=sheet.pk).count() == 2
    # The salt is the notifications' own: another signed value is not a token.
    assert (
        Client()
        .post(f"/notifications/desabonnement/{signing.dumps({'u': person.pk})}/")
        .status_code
        == 400
    )
    assert SALT == "fabrique.notifications.unsubscribe"


def test_the_profile_shows_the_settings_and_a_suspended_address():
    from django.utils import timezone

    person = UserFactory()
    follow(person, "sheet", SheetFactory().pk)
    Recipient.objects.filter(user=person).update(
        frequency="weekly", email_disabled_at=timezone.now()
    )
    page = web(person).get("/comptes/profil/").content.decode()
    assert "Courriels des abonnements : hebdomadaire" in page
    assert "Vous suivez 1 élément." in page
    assert "sont suspendus depuis le" in page
    assert 'href="/notifications/reglages/"' in page


def test_my_data_export_holds_my_follows_and_notifications_only():
    import json

    person, other, sheet = UserFactory(), UserFactory(), SheetFactory(title="Ma fiche")
    follow(person, "sheet", sheet.pk, "all")
    follow(other, "territory", Territory.objects.get(slug="strasbourg").pk)
    record(UserFactory(display_name="Camille"), "sheet.start_realisation", sheet)
    response = web(person).get("/comptes/profil/mes-donnees/")
    data = json.loads(response.content)["notifications"]
    assert [s["label"] for s in data["subscriptions"]] == ["Ma fiche"]
    assert data["settings"]["digest"] == "daily"
    assert [n["object"] for n in data["notifications"]] == ["Ma fiche"]
    assert "Strasbourg" not in json.dumps(data)


def test_follows_by_hand_are_capped_with_a_clear_message(settings):
    settings.FABRIQUE_SUBSCRIPTIONS_PER_ACCOUNT = 2
    person = UserFactory()
    sheets = [SheetFactory() for _ in range(3)]
    for sheet in sheets[:2]:
        assert (
            api(person)
            .post(
                "/api/v1/subscriptions/",
                {"target_type": "sheet", "target": sheet.pk},
                format="json",
            )
            .status_code
            == 201
        )
    refused = api(person).post(
        "/api/v1/subscriptions/", {"target_type": "sheet", "target": sheets[2].pk}, format="json"
    )
    assert refused.status_code == 400 and "le maximum" in str(refused.json())
    # Changing the level of one already followed is not a new follow.
    assert (
        web(person)
        .post(
            "/notifications/suivre/",
            {"target_type": "sheet", "target": sheets[0].pk, "level": "all"},
        )
        .status_code
        == 302
    )
    assert Subscription.objects.get(user=person, target_id=sheets[0].pk).level == "all"
    assert Subscription.objects.filter(user=person, auto=False).count() == 2
