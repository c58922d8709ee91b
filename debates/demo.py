"""Demo debate (API.md, "Demo data (participation)"): an open debate on the sheet
`stationnement-velos-gare-centrale`, in consultation, with a few comments by the demo citizens,
the service and the official, each with a stance, and one reply. Everything goes through the
services (policies, rate limit, events); each author writes at most two messages, far under the
rate limit. Idempotent: a sheet that already has this debate is left as it is. The moderation
demo (`moderation/demo.py`) then hides one of these comments."""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.demo import demo_user
from errors import DomainError
from projects.models import ProjectSheet

from .models import Comment, Debate
from .services import comment_create, debate_create

log = logging.getLogger(__name__)

SHEET = "stationnement-velos-gare-centrale"
OPENER = "service@demo.fabrique.test"
TITLE = "Où et comment garer son vélo autour de la gare ?"
BODY = (
    "Le service mobilité envisage un parking vélo sécurisé d'environ 1 000 places autour de la "
    "gare centrale. Avant d'arrêter l'emplacement, les accès et les tarifs, nous voulons vos "
    "avis : où garez-vous votre vélo aujourd'hui, qu'est-ce qui vous manque, qu'est-ce qui vous "
    "inquiète ?\n\nLa synthèse de ce débat sera publiée sur la fiche du projet et dira ce qui est "
    "retenu, et pourquoi."
)

# The message the moderation demo hides (found again by its author and its first words).
HIDDEN_AUTHOR = "dan@demo.fabrique.test"
HIDDEN_BODY = (
    "Les vols, c'est tous les jours. Demandez à ma voisine, Mme Keller, 14 rue de Wasselonne "
    "(06 12 34 56 78) : on lui a volé trois vélos sur le parvis. Elle vous racontera."
)

# (author, stance, body, replies as (author, stance, body)), in the order they are posted.
COMMENTS: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "alice@demo.fabrique.test",
        "for",
        "Enfin ! Le matin, tous les arceaux du parvis sont pris dès 7 h 30 et les vélos "
        "finissent attachés aux grilles et aux panneaux. Un parking surveillé, ouvert tôt, "
        "changerait tout pour celles et ceux qui prennent le TER.",
        [
            (
                "elue@demo.fabrique.test",
                "",
                "Merci pour ce témoignage, il rejoint ce que nous disent les comptages. Le "
                "parking ouvrirait avec le premier train, vers 5 h ; les horaires exacts seront "
                "fixés à l'issue de la concertation.",
            )
        ],
    ),
    (
        "bob@demo.fabrique.test",
        "nuanced",
        "1 000 places, c'est bien, mais pas si l'on supprime les arceaux gratuits rue du "
        "Maire-Kuss. Beaucoup de gens ne s'arrêtent que dix minutes pour prendre un billet ou "
        "chercher quelqu'un : il faut garder du stationnement court, gratuit et sans badge.",
        [],
    ),
    (
        "carole@demo.fabrique.test",
        "against",
        "Je suis contre l'emplacement en sous-sol sous la place. Avec un vélo cargo et deux "
        "enfants, une rampe et un ascenseur étroit, c'est non. Un parking de plain-pied, "
        "côté boulevard de Metz, serait accessible à tout le monde.",
        [],
    ),
    (HIDDEN_AUTHOR, "against", HIDDEN_BODY, []),
]


def demo_debate() -> Debate | None:
    return Debate.objects.filter(sheet__slug=SHEET, title=TITLE).first()


def seed() -> int:
    """Create the debate and its comments; returns the number of messages written."""
    sheet = ProjectSheet.objects.filter(slug=SHEET).first()
    if sheet is None or demo_debate() is not None:
        return 0
    try:
        with transaction.atomic():  # all or nothing: a refused message leaves no half debate
            return _write(sheet)
    except DomainError as error:
        log.warning("demo: debate on %s refused: %s", SHEET, error.message)
        return 0


def _write(sheet: ProjectSheet) -> int:
    debate = debate_create(actor=demo_user(OPENER), sheet=sheet, title=TITLE, body=BODY)
    written = 0
    for author, stance, body, replies in COMMENTS:
        parent = comment_create(actor=demo_user(author), debate=debate, body=body, stance=stance)
        written += 1
        for reply_author, reply_stance, reply_body in replies:
            comment_create(
                actor=demo_user(reply_author),
                debate=debate,
                body=reply_body,
                stance=reply_stance,
                parent=parent,
            )
            written += 1
    return written


def demo_hidden_comment() -> Comment | None:
    debate = demo_debate()
    if debate is None:
        return None
    return Comment.objects.filter(
        debate=debate, author__email=HIDDEN_AUTHOR, body__startswith=HIDDEN_BODY[:40]
    ).first()
