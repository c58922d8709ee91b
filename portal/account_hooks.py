"""What deleting an account means for workspaces, registered into accounts (which sits below
workspace): the last owner of a workspace must name another owner first; otherwise the person
leaves every workspace through the membership service (each departure logged)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.deletion import DeletionHook
from accounts.models import User
from workspace.models import Membership
from workspace.services import membership_remove

from .selectors import workspaces_last_owned


def last_owner_blockers(user: User) -> list[str]:
    names = [workspace.name for workspace in workspaces_last_owned(user=user)]
    if not names:
        return []
    return [
        _(
            "Vous êtes le ou la seul·e propriétaire de : %(names)s. Nommez un·e autre "
            "propriétaire dans la page des membres de chaque espace, puis revenez ici."
        )
        % {"names": ", ".join(names)}
    ]


def leave_workspaces(user: User) -> None:
    for membership in Membership.objects.filter(user=user).select_related("workspace", "user"):
        membership_remove(actor=user, membership=membership)


WORKSPACE_DELETION_HOOK = DeletionHook(blockers=last_owner_blockers, detach=leave_workspaces)
