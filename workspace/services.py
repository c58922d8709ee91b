"""Writes for workspaces and memberships; each checks permissions and records activity."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.throttling import invitations_retry_at, mail_to_address_allowed
from events.services import event_record
from territories.models import Territory

from .errors import (
    InvitationInvalid,
    InvitationsExhausted,
    LastOwnerError,
    MemberGone,
    MembershipExists,
    UnknownUser,
    WorkspaceLimitReached,
    WorkspacePermissionDenied,
)
from .models import Membership, Role, Workspace
from .permissions import (
    can_change_workspace,
    can_create_workspace,
    can_grant_institution,
    can_manage_members,
    workspace_roles_forget,
)

INSTITUTION_REFUSED = gettext_noop(
    "Seul·es les agents de la plateforme accordent le statut d'institution : "
    "créez un collectif citoyen, puis demandez ce statut à l'équipe de la plateforme."
)
# An invitation link works for this long, and only while its author still manages members.
INVITATION_MAX_AGE_SECONDS = 14 * 24 * 3600
INVITATION_SALT = "fabrique.workspace.invitation"

WORKSPACE_EDITABLE_FIELDS = {"name", "description", "visibility", "territory", "kind"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "espace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def workspace_create(
    *,
    actor: User,
    name: str,
    kind: str,
    visibility: str = Workspace.Visibility.PUBLIC,
    territory: Territory | None = None,
    description: str = "",
    slug: str | None = None,
) -> Workspace:
    if not can_create_workspace(actor):
        raise WorkspacePermissionDenied(_("Connectez-vous pour créer un espace."))
    institution = kind == Workspace.Kind.INSTITUTION
    if institution and not can_grant_institution(actor):
        raise WorkspacePermissionDenied(_(INSTITUTION_REFUSED))
    _check_workspace_limits(actor)
    workspace = Workspace(
        name=name,
        slug=slug or _unique_slug(name),
        kind=kind,
        visibility=visibility,
        territory=territory,
        description=description,
        created_by=actor,
        institution_granted_by=actor if institution else None,
        institution_granted_at=timezone.now() if institution else None,
    )
    workspace.full_clean()
    workspace.save()
    membership = Membership(workspace=workspace, user=actor, role=Role.OWNER)
    membership.full_clean()
    membership.save()
    workspace_roles_forget(actor)
    event_record(actor=actor, verb="workspace.created", target=workspace)
    return workspace


def _check_workspace_limits(actor: User) -> None:
    """At most FABRIQUE_MAX_WORKSPACES_PER_USER workspaces created per account (staff exempt:
    they open institutions' workspaces), at most FABRIQUE_MAX_WORKSPACES_TOTAL on the platform.

    The actor's row is locked so that parallel creations by one account count one another;
    the platform total may overshoot by the number of creations running at that instant.
    """
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if Workspace.objects.count() >= settings.FABRIQUE_MAX_WORKSPACES_TOTAL:
        raise WorkspaceLimitReached(
            _(
                "La plateforme a atteint son nombre maximal d'espaces de travail : "
                "contactez l'équipe de la plateforme."
            )
        )
    if actor.is_platform_staff:
        return
    limit = settings.FABRIQUE_MAX_WORKSPACES_PER_USER
    if Workspace.objects.filter(created_by=actor).count() >= limit:
        raise WorkspaceLimitReached(
            _(
                "Vous avez déjà créé %(limit)d espaces de travail, le maximum par compte : "
                "contactez l'équipe de la plateforme pour en ouvrir davantage."
            )
            % {"limit": limit}
        )


@transaction.atomic
def workspace_set_institution(*, actor: User, workspace: Workspace, granted: bool) -> Workspace:
    """Grant (or withdraw) the institution status: staff only, and the grant names them."""
    if not can_grant_institution(actor):
        raise WorkspacePermissionDenied(_(INSTITUTION_REFUSED))
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if granted:
        workspace.kind = Workspace.Kind.INSTITUTION
        workspace.institution_granted_by = actor
        workspace.institution_granted_at = timezone.now()
    else:
        workspace.kind = Workspace.Kind.CITIZEN_GROUP
        workspace.institution_granted_by = None
        workspace.institution_granted_at = None
    workspace.full_clean()
    workspace.save()
    event_record(
        actor=actor,
        verb="workspace.institution_granted" if granted else "workspace.institution_withdrawn",
        target=workspace,
    )
    return workspace


@transaction.atomic
def workspace_update(*, actor: User, workspace: Workspace, **fields: Any) -> Workspace:
    if not can_change_workspace(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires modifient l'espace."))
    unknown = set(fields) - WORKSPACE_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    changed = {k: v for k, v in fields.items() if getattr(workspace, k) != v}
    if changed.get("kind") == Workspace.Kind.INSTITUTION:
        if not can_grant_institution(actor):
            raise WorkspacePermissionDenied(_(INSTITUTION_REFUSED))
        workspace.institution_granted_by = actor
        workspace.institution_granted_at = timezone.now()
    elif "kind" in changed:
        # Leaving the institution kind drops the grant: coming back takes staff again.
        workspace.institution_granted_by = None
        workspace.institution_granted_at = None
    # The stored row, locked: the event names what changed in the database, judged against
    # it rather than against the caller's (possibly stale) copy, for search follows the event.
    indexed = ("visibility", "kind")
    stored = (
        Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list(*indexed).first()
    )
    for name, value in changed.items():
        setattr(workspace, name, value)
    workspace.full_clean()
    workspace.save()
    moved = {n for n, v in zip(indexed, stored or (), strict=False) if getattr(workspace, n) != v}
    if changed or moved:
        event_record(
            actor=actor,
            verb="workspace.updated",
            target=workspace,
            data={"fields": sorted(set(changed) | moved)},
        )
    return workspace


def _lock_for_member_change(*, membership: Membership) -> tuple[Membership, int]:
    """Lock the workspace's owner rows, then the membership acted on, and re-read it.

    Two owners demoting or removing each other queue on the owner rows (taken in primary-key
    order, so they never deadlock); the second then counts the owners the first left, and finds
    a member the first removed gone (404 rather than a vanished row's 500): nothing is decided
    on what the view read before the lock.
    """
    owners = (
        Membership.objects.select_for_update()
        .filter(workspace_id=membership.workspace_id, role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    owner_count = len(list(owners))
    current = (
        Membership.objects.select_for_update()
        .select_related("user", "workspace")
        .filter(pk=membership.pk)
        .first()
    )
    if current is None:
        raise MemberGone()
    return current, owner_count


def _still_manages_members(actor: User, workspace: Workspace) -> None:
    """The actor's right, re-read under the lock: an owner demoted meanwhile manages no more."""
    workspace_roles_forget(actor)
    if not can_manage_members(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires gèrent les membres."))


@transaction.atomic
def membership_add(*, actor: User, workspace: Workspace, email: str, role: str) -> Membership:
    if not can_manage_members(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires gèrent les membres."))
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise UnknownUser(_("Aucun compte n'utilise l'adresse %(email)s.") % {"email": email})
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise MembershipExists(_("%(user)s est déjà membre de cet espace.") % {"user": user})
    membership = Membership(workspace=workspace, user=user, role=role)
    membership.full_clean()
    membership.save()
    workspace_roles_forget(user)
    event_record(
        actor=actor,
        verb="membership.added",
        target=workspace,
        data={"user": user.pk, "email": user.email, "role": role},
    )
    return membership


def _invitation_url(token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("workspace:invitation", args=[token])


@transaction.atomic
def membership_invite(
    *, actor: User, workspace: Workspace, email: str, role: str, base_url: str
) -> None:
    """Invite someone by e-mail: the answer is the same whether or not the address has an
    account, or is already a member, and the e-mail does the rest (sign in or sign up, then
    accept). Nobody becomes a member without accepting, and no page says who has an account.
    """
    if not can_manage_members(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires gèrent les membres."))
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    email = User.objects.normalize_email(email.strip()).lower()
    validate_email(email)
    retry_at = invitations_retry_at(actor)
    if retry_at is not None:
        raise InvitationsExhausted(retry_at=retry_at)
    token = signing.dumps(
        {"w": workspace.pk, "e": email, "r": role, "by": actor.pk}, salt=INVITATION_SALT
    )
    body = render_to_string(
        "workspace/email/invitation.txt",
        {
            "inviter": actor,
            "workspace": workspace,
            "role": Role(role).label,
            "url": _invitation_url(token, base_url),
            "signup_url": base_url.rstrip("/") + reverse("accounts:signup"),
            "days": INVITATION_MAX_AGE_SECONDS // (24 * 3600),
        },
    )
    subject = _("Invitation à rejoindre « %(workspace)s » – Fabrique") % {
        "workspace": workspace.name
    }
    event_record(actor=actor, verb="membership.invited", target=workspace, data={"role": role})
    if mail_to_address_allowed(email):
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


def invitation_read(*, token: str) -> dict[str, Any]:
    """What a valid invitation says (workspace, role, e-mail, inviter); InvitationInvalid else."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE_SECONDS)
        workspace = Workspace.objects.get(pk=data["w"])
        inviter = User.objects.get(pk=data["by"])
        role = Role(data["r"])
        email = str(data["e"])
    except (signing.BadSignature, Workspace.DoesNotExist, User.DoesNotExist):
        raise InvitationInvalid() from None
    except (KeyError, TypeError, ValueError):
        raise InvitationInvalid() from None
    # An invitation dies with its author's right to manage members.
    if not can_manage_members(inviter, workspace):
        raise InvitationInvalid()
    return {"workspace": workspace, "role": role, "email": email, "inviter": inviter}


@transaction.atomic
def membership_accept_invitation(*, actor: User, token: str) -> Membership:
    """The invited account joins with the invited role (an existing member keeps theirs)."""
    invitation = invitation_read(token=token)
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise WorkspacePermissionDenied(_("Connectez-vous pour accepter l'invitation."))
    if actor.email.lower() != invitation["email"]:
        raise InvitationInvalid(
            _(
                "Cette invitation est adressée à une autre adresse électronique : "
                "connectez-vous avec le compte qui utilise cette adresse."
            )
        )
    workspace = Workspace.objects.select_for_update().get(pk=invitation["workspace"].pk)
    existing = Membership.objects.filter(workspace=workspace, user=actor).first()
    if existing is not None:
        return existing
    membership = Membership(workspace=workspace, user=actor, role=invitation["role"])
    membership.full_clean()
    membership.save()
    workspace_roles_forget(actor)
    event_record(
        actor=actor,
        verb="membership.joined",
        target=workspace,
        data={"user": actor.pk, "role": invitation["role"], "invited_by": invitation["inviter"].pk},
    )
    return membership


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    workspace = membership.workspace
    if not can_manage_members(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires gèrent les membres."))
    if role not in Role.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"role": _("Rôle inconnu.")})
    membership, owners = _lock_for_member_change(membership=membership)
    if membership.role == Role.OWNER and role != Role.OWNER and owners <= 1:
        raise LastOwnerError()
    _still_manages_members(actor, workspace)
    previous = membership.role
    membership.role = role
    membership.full_clean()
    membership.save()
    workspace_roles_forget(membership.user)
    event_record(
        actor=actor,
        verb="membership.role_changed",
        target=workspace,
        data={"user": membership.user_id, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    workspace = membership.workspace
    # Anyone may leave a workspace; removing somebody else takes an owner.
    if membership.user_id != actor.pk and not can_manage_members(actor, workspace):
        raise WorkspacePermissionDenied(_("Seul·es les propriétaires gèrent les membres."))
    membership, owners = _lock_for_member_change(membership=membership)
    if membership.role == Role.OWNER and owners <= 1:
        raise LastOwnerError()
    if membership.user_id != actor.pk:
        _still_manages_members(actor, workspace)
    user_id, role = membership.user_id, membership.role
    membership.delete()
    workspace_roles_forget(membership.user)
    event_record(
        actor=actor,
        verb="membership.removed",
        target=workspace,
        data={"user": user_id, "role": role},
    )
