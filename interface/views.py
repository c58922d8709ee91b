"""The thin interface layer of HTML pages: load an object visible-or-404, check the policy's
action or 403, and turn a service's domain error into a form error or a message.

Views stay three steps — load, call, answer — and never rebuild a rule or a status themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from config.api import status_for
from errors import DomainError
from policies import Policy

from .confirm import confirmation_page, confirmed

T = TypeVar("T")


def policy_object(
    request: HttpRequest,
    policy: Policy,
    action: str = "view",
    *,
    queryset: QuerySet | None = None,
    **lookup: Any,
) -> Any:
    """The object named by `lookup` if the user may see it (404 otherwise: what is hidden stays
    unknown), and may do `action` to it (403 otherwise: seeing it, they know it exists)."""
    obj = policy.get_visible(request.user, queryset, **lookup)
    if action != "view":  # get_visible has just answered "view": asking again costs queries
        policy_require(request, policy, obj, action)
    return obj


def policy_require(request: HttpRequest, policy: Policy, obj: Any, action: str) -> None:
    if not policy.check(request.user, obj, action):
        raise PermissionDenied


@dataclass
class Attempt(Generic[T]):
    """What a service call gave: its value, or the domain error that refused it."""

    value: T | None = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        return 200 if self.error is None else status_for(self.error)


def attempt(
    request: HttpRequest, call: Callable[[], T], *, form: Any = None, quiet: bool = False
) -> Attempt[T]:
    """Run a service call; a domain error becomes a non-field error of `form` (shown beside the
    fields the user fills in again) or, without a form, a message on the next page. `quiet`:
    the view answers the error itself (a JSON body, the error on a field of its own)."""
    try:
        return Attempt(value=call())
    except DomainError as error:
        if quiet:
            return Attempt(error=error)
        if form is not None:
            form.add_error(None, error.message)
        else:
            messages.error(request, error.message)
        return Attempt(error=error)


def service_call(
    request: HttpRequest, form: Any, call: Callable[[], Any], rename: dict[str, str] | None = None
) -> tuple[Any, int]:
    """(value, status) of a service call: a model error lands on its field (400), a domain
    error above the fields with the status the API would answer (403, 404, 409, 429…)."""
    try:
        done = attempt(request, call, form=form)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            name = (rename or {}).get(field, field)
            form.add_error(name if name in form.fields else None, errors)
        return None, 400
    return done.value, done.status


def posted(request: HttpRequest) -> Any:
    """The submitted data on a POST (even an empty one: its form is bound and says what is
    missing), None on a GET."""
    return request.POST if request.method == "POST" else None


def confirmed_form_call(
    request: HttpRequest,
    form: Any,
    *,
    confirmation: Callable[[dict[str, Any]], Any],
    call: Callable[[dict[str, Any]], Any],
    rename: dict[str, str] | None = None,
) -> tuple[Any, Any, int]:
    """A form whose words become public (a synthesis, a motivation): on a valid POST, first a
    confirmation page quoting them (`confirmation(cleaned_data)` builds it), then, once
    confirmed, `call(cleaned_data)` through `service_call`.

    Returns (page, value, status): `page` is the confirmation page to answer, else None;
    `value` what the service returned (None on a refusal, now an error on the form)."""
    if request.method != "POST":
        return None, None, 200
    if not form.is_valid():
        return None, None, 400
    values = form.cleaned_data
    if not confirmed(request):
        return confirmation_page(request, confirmation(values)), None, 200
    value, status = service_call(request, form, lambda: call(values), rename)
    return None, value, status


class PolicyObjectMixin:
    """For class-based views: `get_object()` through the policy (visible-or-404, then the
    action of the request's method or 403)."""

    policy: Policy
    lookup_kwargs: dict[str, str] = {"pk": "pk"}  # URL keyword → model field
    method_actions: dict[str, str] = {"GET": "view", "HEAD": "view", "POST": "change"}
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_queryset(self) -> QuerySet | None:
        return None

    def get_object(self) -> Any:
        lookup = {field: self.kwargs[kwarg] for kwarg, field in self.lookup_kwargs.items()}
        action = self.method_actions.get(self.request.method or "GET", "view")
        return policy_object(
            self.request, self.policy, action, queryset=self.get_queryset(), **lookup
        )
