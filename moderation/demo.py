"""Demo moderation (API.md, "Demo data (participation)"): two citizens report the comment of
the debates demo that gives a neighbour's name, address and telephone number; the moderation
team (`moderation@…`, who took no part in the debate) hides it, with a published reason and the
charter's article 4. `moderation2@…` is left free to judge an appeal. Through the services;
idempotent: a comment that already has a case is left as it is."""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.demo import demo_user
from debates.demo import demo_hidden_comment
from errors import DomainError

from .models import ModerationCase, ReportReason
from .services import case_decide, report_create

log = logging.getLogger(__name__)

MODERATOR = "moderation@demo.fabrique.test"
REPORTS = [
    (
        "alice@demo.fabrique.test",
        ReportReason.PERSONAL_DATA,
        "Le message donne l'adresse et le téléphone d'une voisine.",
    ),
    ("carole@demo.fabrique.test", ReportReason.PERSONAL_DATA, ""),
]
REASON = (
    "Le message donne le nom, l'adresse et le numéro de téléphone d'une tierce personne sans "
    "son accord. Le témoignage sur les vols a sa place dans le débat : il peut être republié "
    "sans ces informations."
)
RULE = "4"


def seed() -> int:
    """Report the demo comment and hide it; returns the number of cases decided."""
    comment = demo_hidden_comment()
    if comment is None or ModerationCase.objects.filter(comment=comment).exists():
        return 0
    try:
        with transaction.atomic():  # all or nothing: a refused step leaves no stray report
            for reporter, reason, details in REPORTS:
                report_create(
                    actor=demo_user(reporter), comment=comment, reason=reason, details=details
                )
            case = ModerationCase.objects.get(comment=comment)
            case_decide(
                actor=demo_user(MODERATOR), case=case, action="hide", reason=REASON, rule=RULE
            )
    except DomainError as error:
        log.warning("demo: moderation of comment %s refused: %s", comment.pk, error.message)
        return 0
    return 1
