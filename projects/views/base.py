"""What the sheet pages share: the sheet loaded through its policy, and the sign-in prompt for
visitors refused an action."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from interface.views import policy_object

from ..models import ProjectSheet
from ..permissions import SHEET_POLICY
from ..selectors import sheet_queryset


def sheet_object(
    request, pk: int, action: str = "view", *, for_detail: bool = False
) -> ProjectSheet:
    """The sheet if the user may see it (404) and do `action` to it (403); `for_detail` also
    reads its themes, for the pages that show them."""
    return policy_object(
        request, SHEET_POLICY, action, queryset=sheet_queryset(for_detail=for_detail), pk=pk
    )


def sign_in_first(view: Callable[..., Any]) -> Callable[..., Any]:
    """A visitor refused an action on what they can see is sent to sign in, since an account may
    well allow it; what they cannot see stays 404 (checked first), and a signed-in user who is
    refused gets 403."""

    @wraps(view)
    def wrapper(request, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            if request.user.is_authenticated:
                raise
            return redirect_to_login(request.get_full_path())

    return wrapper
