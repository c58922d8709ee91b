"""Writes for the mediator capability: staff grant it to an account and withdraw it, each
step kept as a row (who, when) and recorded as an event for the admin's log."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from errors import DomainError, ForbiddenError
from events.services import event_record

from ..models import MediatorGrant, User
from ..permissions import can_manage_mediators


class MediationError(DomainError):
    code = "mediation_error"


class MediationPermissionDenied(ForbiddenError, MediationError):
    pass


def _refuse_unless_staff(actor: User | None) -> None:
    """`actor=None` is the operator (management commands, demo data)."""
    if actor is not None and not can_manage_mediators(actor):
        raise MediationPermissionDenied(
            _("Seul·es les agents accordent ou retirent le rôle de médiation.")
        )


@transaction.atomic
def mediator_grant(*, actor: User | None, user: User) -> MediatorGrant:
    """Make `user` a mediator. Refused for an inactive or deleted account, or one that already
    is a mediator (the current grant keeps its author and date)."""
    _refuse_unless_staff(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active or locked.is_deleted:
        raise MediationError(_("Ce compte n'est pas actif : il ne peut pas recevoir ce rôle."))
    if MediatorGrant.objects.filter(user=locked, revoked_at__isnull=True).exists():
        raise MediationError(_("Ce compte a déjà le rôle de médiation."))
    grant = MediatorGrant(user=locked, granted_by=actor)
    grant.full_clean()
    grant.save()
    user.__dict__.pop("_is_mediator", None)
    event_record(actor=actor, verb="user.mediator_granted", target=locked)
    return grant


@transaction.atomic
def mediator_revoke(*, actor: User | None, user: User) -> MediatorGrant:
    """Withdraw `user`'s current grant; the row stays, with who withdrew it and when."""
    _refuse_unless_staff(actor)
    grant = (
        MediatorGrant.objects.select_for_update()
        .filter(user_id=user.pk, revoked_at__isnull=True)
        .first()
    )
    if grant is None:
        raise MediationError(_("Ce compte n'a pas le rôle de médiation."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.full_clean()
    grant.save(update_fields=["revoked_at", "revoked_by"])
    user.__dict__.pop("_is_mediator", None)
    event_record(actor=actor, verb="user.mediator_revoked", target=grant.user)
    return grant


def assisted_details_clean(*, pseudonym: Any, place: Any, collected_on: Any) -> tuple[str, str]:
    """What a mediator gives of a person without an account, the same for a recorded comment
    and a recorded amendment: their pseudonym or initials and the place of collection (spaces
    collapsed), and a day within the past year. Returns (pseudonym, place); a ValidationError
    naming the field otherwise."""
    label = " ".join(str(pseudonym or "").split())
    if not label or len(label) > 40:
        raise ValidationError({"pseudonym": [_("Un pseudonyme ou des initiales sont requis.")]})
    where = " ".join(str(place or "").split())
    if not where or len(where) > 200:
        raise ValidationError({"place": [_("Le lieu du recueil est requis.")]})
    today = timezone.localdate()
    if (
        not isinstance(collected_on, datetime.date)
        or isinstance(collected_on, datetime.datetime)
        or collected_on > today
        or collected_on < today - datetime.timedelta(days=366)
    ):
        raise ValidationError(
            {"collected_on": [_("La date du recueil est requise (l'année écoulée).")]}
        )
    return label, where
