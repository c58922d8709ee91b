"""Authentication backend answering object permissions from the user's workspace role."""

from functools import cache
from typing import Any

from guardian.backends import ObjectPermissionBackend

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


@cache
def _has_direct_grant_table(model: type) -> bool:
    from guardian.models import UserObjectPermission
    from guardian.utils import get_user_obj_perms_model

    return get_user_obj_perms_model(model) is not UserObjectPermission


class ObjectGrantBackend(ObjectPermissionBackend):
    """guardian's per-object grants, consulted only for models with direct-FK grant tables.

    Grants are the exception (a document shared with one outsider, a co-author), so asking
    guardian about every object would cost queries for nothing; a model takes part by declaring
    its `UserObjectPermissionBase` direct-FK table. Generic (content-type) grants are not used.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if obj is None or not _has_direct_grant_table(type(obj)):
            return False
        return super().has_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is None or not _has_direct_grant_table(type(obj)):
            return set()
        return super().get_all_permissions(user_obj, obj)
