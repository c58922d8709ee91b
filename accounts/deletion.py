"""What an upper app says about deleting an account: why it cannot be deleted yet (the person is
the last owner of a workspace) and how to detach the person from what that app holds
(memberships). Accounts sits below those apps, so they register here from `AppConfig.ready()`
and the deletion service calls them without importing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class DeletionHook:
    # Sentences saying why the account cannot be deleted yet; empty when nothing stands in the way.
    blockers: Callable[[User], list[str]]
    # Removes the person from what the app holds, through that app's services, in the
    # deletion's transaction; may raise a domain error, which refuses the whole deletion.
    detach: Callable[[User], None]


_hooks: list[DeletionHook] = []


def account_deletion_hook_register(hook: DeletionHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def account_deletion_hooks() -> list[DeletionHook]:
    return list(_hooks)


def account_deletion_blockers(user: User) -> list[str]:
    """Every reason, from every app, why this account cannot be deleted now."""
    return [reason for hook in _hooks for reason in hook.blockers(user)]
