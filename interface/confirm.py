"""Confirm before an irreversible action, without any script.

The action's form posts as usual; when the action cannot be undone and the post does not carry
`confirmed=1`, the view answers a confirmation page instead of acting: what will happen, what
cannot be undone, the user's input carried in hidden fields, a red button that posts it again
with `confirmed=1`, and a way back. Nothing changes until that second post (GOV.UK's "are you
sure" page; a script-free `confirm()`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

CONFIRMED = "confirmed"
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED}


@dataclass(frozen=True)
class Confirmation:
    title: str  # the question, e.g. "Abandonner le projet « … » ?"
    consequence: str  # what happens and what cannot be undone
    action_label: str  # the red button, e.g. "Oui, abandonner le projet"
    cancel_url: str  # where "Annuler" leads (the page the form was on, when it is ours)
    quote: str = ""  # the user's own words to read again (a public reason), if any
    # The field and value the red button posts itself (not carried), e.g. ("action", "publish"),
    # and a safe second button posting the same field with another value, e.g. keep as a draft.
    choice: tuple[str, str] | None = None
    fallback: tuple[str, str] | None = None  # (label, value)


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "1"


def safe_back(request: HttpRequest, fallback: str) -> str:
    """The form's own `next` when it is ours, else `fallback`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def confirmation_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    """The page that asks; it posts the same fields again to the same address, plus the yes."""
    skipped = _NOT_CARRIED | ({confirmation.choice[0]} if confirmation.choice else set())
    carried = [
        (name, value)
        for name in request.POST
        if name not in skipped
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "components/confirm.html",
        {"confirmation": confirmation, "carried": carried, "action": request.get_full_path()},
    )
