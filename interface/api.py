"""The thin interface layer of the API: one DRF permission class and one view base that ask a
policy, so that every endpoint loads visible-or-404 and checks its action the same way. Domain
errors are answered by config.api's exception handler with config.api's statuses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from policies import Policy

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "PUT": "change",
    "PATCH": "change",
    "POST": "change",
    "DELETE": "delete",
}


class PolicyPermission(BasePermission):
    """Object permission from the view's policy and the action its method maps to."""

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        action = view.policy_action(request)
        if action == "view" and obj is getattr(view, "visible_object", None):
            return True  # PolicyAPIView.get_object() has just asked: again would cost queries
        return view.policy.check(request.user, obj, action)


class PolicyAPIView(APIView):
    """Base of the API views that act on one object: `get_object()` answers 404 for what the
    user may not see and 403 for what they see but may not do (`method_actions`)."""

    policy: Policy
    lookup_kwargs: dict[str, str] = {"pk": "pk"}  # URL keyword → model field
    method_actions: dict[str, str] = {}
    visible_object: Any = None  # what get_object() last found visible (PolicyPermission reads it)

    def get_permissions(self) -> list[Any]:
        return [*super().get_permissions(), PolicyPermission()]

    def policy_action(self, request: Request) -> str:
        method = request.method or "GET"
        return self.method_actions.get(method, METHOD_ACTIONS.get(method, "view"))

    def get_object_queryset(self) -> QuerySet | None:
        return None

    def get_object(self) -> Any:
        lookup = {field: self.kwargs[kwarg] for kwarg, field in self.lookup_kwargs.items()}
        obj = self.policy.get_visible(self.request.user, self.get_object_queryset(), **lookup)
        self.visible_object = obj
        self.check_object_permissions(self.request, obj)
        return obj

    def policy_object(
        self,
        policy: Policy,
        action: str = "view",
        *,
        queryset: QuerySet | None = None,
        **lookup: Any,
    ) -> Any:
        """An object on the way to the endpoint's own (the workspace whose member it names, the
        sheet a note is filed under): 404 if hidden, then `action` refused as DRF refuses (401
        for an anonymous caller, 403 otherwise). Lets an endpoint keep a documented order, such
        as "may see the members" (403) before "no such member" (404)."""
        obj = policy.get_visible(self.request.user, queryset, **lookup)
        if action != "view" and not policy.check(self.request.user, obj, action):
            self.permission_denied(self.request)
        return obj
