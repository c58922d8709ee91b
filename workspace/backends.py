"""Authentication backend answering object permissions from the user's workspace role."""

from typing import Any

from .permissions import has_role_perm


class WorkspaceRoleBackend:
    """`user.has_perm(perm, obj)` for anything that lives in a workspace.

    It never authenticates and never grants model-level (obj=None) permissions: those stay with
    ModelBackend, and per-object exceptions stay with guardian.
    """

    def authenticate(self, request, **credentials) -> None:
        return None

    def get_user(self, user_id: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if obj is None:
            return False
        return has_role_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
