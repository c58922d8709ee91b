"""Demo officials and requests, as ../shared/API.md lists them: elue@ (adjointe for mobility
in Strasbourg, theme mobilité, 15 working days) and maire-illkirch@ (maire d'Illkirch-
Graffenstaden, themes urbanisme and mobilité, 10 working days), verified by agent@; one answered
public request to elue@ (its question approved by moderation@) and one open private request.
Through the services; idempotent."""

from __future__ import annotations

import datetime

from accounts.demo import DEMO_PASSWORD, demo_user
from accounts.models import PlatformRole, User
from territories.models import Territory, Theme

from .models import Mandate, OfficialProfile, Request
from .services import official_profile_set, request_answer, request_publication_decide, request_send

OFFICIALS = [
    (
        "elue@demo.fabrique.test",
        "Élue à la participation",
        "Adjointe à la maire de Strasbourg, chargée des mobilités et de la participation",
        "strasbourg",
        ["mobilite"],
        15,
    ),
    (
        "maire-illkirch@demo.fabrique.test",
        "Maire d'Illkirch-Graffenstaden",
        "Maire d'Illkirch-Graffenstaden",
        "illkirch-graffenstaden",
        ["urbanisme", "mobilite"],
        10,
    ),
]


def seed() -> int:
    created = 0
    agent = demo_user("agent@demo.fabrique.test")
    for email, name, title, commune_slug, themes, days in OFFICIALS:
        user = User.objects.filter(email=email).first()
        commune = Territory.objects.filter(slug=commune_slug).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, display_name=name, commune=commune
            )
            User.objects.filter(pk=user.pk).update(platform_role=PlatformRole.OFFICIAL)
            user.refresh_from_db()
        if OfficialProfile.objects.filter(user=user).exists():
            continue
        profile = official_profile_set(
            actor=agent,
            user=user,
            commitment_days=days,
            themes=list(Theme.objects.filter(slug__in=themes)),
            territories=[commune] if commune else [],
        )
        Mandate.objects.create(
            official=profile, title=title, commune=commune, starts=datetime.date(2026, 3, 22)
        )
        created += 1
    created += _requests()
    return created


def _requests() -> int:
    elue = OfficialProfile.objects.filter(user__email="elue@demo.fabrique.test").first()
    if elue is None or Request.objects.filter(first_official=elue).exists():
        return 0
    answered = request_send(
        actor=demo_user("alice@demo.fabrique.test"),
        official=elue,
        subject="Stationnement vélo à la gare : quel calendrier ?",
        body=(
            "Bonjour, le projet de parking vélo sécurisé à la gare centrale est en concertation. "
            "Quand les travaux pourraient-ils commencer, et le parking restera-t-il gratuit la "
            "première heure ?"
        ),
        public=True,
    )
    request_publication_decide(
        actor=demo_user("moderation@demo.fabrique.test"), request=answered, approve=True
    )
    request_answer(
        actor=elue.user,
        request=answered,
        body=(
            "Bonjour, merci pour votre question. Les travaux ne commenceront qu'après la "
            "concertation et son bilan, au plus tôt au printemps 2027. La gratuité de la première "
            "heure fait partie des options soumises à la concertation : vous pouvez proposer un "
            "amendement sur la fiche du projet."
        ),
    )
    request_send(
        actor=demo_user("dan@demo.fabrique.test"),
        official=elue,
        subject="Éclairage de la piste cyclable rue du Jura",
        body="Bonjour, la piste de la rue du Jura n'est pas éclairée le soir. Est-ce prévu ?",
        public=False,
    )
    return 2
