"""Share links for people outside the workspace, and per-person view grants."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.throttling import Limit, attempts_check
from events.services import event_record

from ..errors import DocumentError, DocumentPermissionDenied, DocumentStateError, ShareLinkLocked
from ..models import Document, ShareLink
from ..permissions import can_manage_share_links

if TYPE_CHECKING:
    from accounts.models import User

SHARE_LINK_MAX_DAYS = 365


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def share_link_password_validate(password: str) -> None:
    """A link's password is guessed offline from nothing but the page: short ones fall fast."""
    minimum = settings.FABRIQUE_SHARE_LINK_PASSWORD_MIN_LENGTH
    if password and len(password) < minimum:
        raise DocumentError(
            _("Le mot de passe d'un lien doit compter au moins %(min)s caractères.")
            % {"min": minimum},
            field="password",
        )


@transaction.atomic
def share_link_create(
    *,
    actor: User,
    document: Document,
    expires_at: datetime,
    password: str = "",
    label: str = "",
) -> tuple[ShareLink, str]:
    """Create a link; the token is returned once and only its hash is stored."""
    if not can_manage_share_links(actor, document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas partager ce document."))
    now = timezone.now()
    if expires_at <= now:
        raise DocumentError(_("La date d'expiration doit être dans le futur."), field="expires_at")
    if expires_at > now + timedelta(days=SHARE_LINK_MAX_DAYS):
        raise DocumentError(
            _("Un lien de partage dure au plus %(days)s jours.") % {"days": SHARE_LINK_MAX_DAYS},
            field="expires_at",
        )
    share_link_password_validate(password)
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        document=document,
        token_hash=token_hash(token),
        label=label or "",
        expires_at=expires_at,
        password=make_password(password) if password else "",
        created_by=actor,
    )
    link.full_clean()
    link.save()
    event_record(
        actor=actor,
        verb="document.share_link_created",
        target=document,
        workspace=document.workspace,
        data={"link": link.pk, "expires_at": expires_at.isoformat(), "password": bool(password)},
    )
    return link, token


@transaction.atomic
def share_link_revoke(*, actor: User, link: ShareLink) -> ShareLink:
    if not can_manage_share_links(actor, link.document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas révoquer ce lien."))
    locked = ShareLink.objects.select_for_update().get(pk=link.pk)
    if locked.revoked_at is not None:
        raise DocumentStateError(_("Ce lien est déjà révoqué."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    event_record(
        actor=actor,
        verb="document.share_link_revoked",
        target=locked.document,
        workspace=locked.document.workspace,
        data={"link": locked.pk},
    )
    return locked


def share_link_resolve(*, token: str) -> ShareLink | None:
    """The active link for this token, or None: unknown, expired, revoked and trashed look alike."""
    if not token or len(token) > 200:
        return None
    link = (
        ShareLink.objects.select_related("document", "document__current_revision")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or not link.is_active() or link.document.is_trashed:
        return None
    if link.document.current_revision is None:
        return None
    return link


def share_link_check_password(*, link: ShareLink, password: str, client_ip: str) -> bool:
    """Whether the password opens the link. Each try is counted first, per link and per client
    address, atomically: past either limit the password is not even checked (ShareLinkLocked,
    with the time to retry)."""
    if not link.password:
        return True
    period = timedelta(minutes=settings.FABRIQUE_SHARE_LINK_COOLOFF_MINUTES)
    retry_at = attempts_check(
        [
            (
                Limit("share-link", settings.FABRIQUE_SHARE_LINK_ATTEMPTS_PER_LINK, period),
                str(link.pk),
            ),
            (Limit("share-ip", settings.FABRIQUE_SHARE_LINK_ATTEMPTS_PER_IP, period), client_ip),
        ]
    )
    if retry_at is not None:
        raise ShareLinkLocked(retry_at=retry_at)
    return bool(password) and check_password(password, link.password)


@transaction.atomic
def document_grant_view(*, actor: User, document: Document, user: User) -> None:
    """Let one person outside the workspace see this document (editor+)."""
    if not can_manage_share_links(actor, document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas partager ce document."))
    assign_perm("documents.view_document", user, document)
    event_record(
        actor=actor,
        verb="document.shared_with_user",
        target=document,
        workspace=document.workspace,
        data={"user": user.pk},
    )


@transaction.atomic
def document_revoke_view(*, actor: User, document: Document, user: User) -> None:
    if not can_manage_share_links(actor, document):
        raise DocumentPermissionDenied(_("Vous ne pouvez pas modifier ce partage."))
    remove_perm("documents.view_document", user, document)
    event_record(
        actor=actor,
        verb="document.unshared_with_user",
        target=document,
        workspace=document.workspace,
        data={"user": user.pk},
    )
