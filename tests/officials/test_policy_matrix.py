"""Who sees and does what with a request: sender, the official, their delegate, another
official, staff, a moderator, another citizen, anonymous × public or private × state. Through
the API: 404 for what one may not see, 403 (401 anonymous) for what one sees but may not do."""

from __future__ import annotations

import pytest

from accounts.models import PlatformRole
from officials.services import request_answer, request_clarify, request_publication_decide

from ..conftest import client_for
from ..factories import UserFactory
from .factories import official, send, staff

pytestmark = pytest.mark.django_db

ROLES = [
    "sender",
    "official",
    "delegate",
    "other_official",
    "staff",
    "moderator",
    "citizen",
    "anonymous",
]


@pytest.fixture
def world():
    delegate = UserFactory()
    profile = official(days=10, delegates=[delegate])
    other = official(days=10)
    people = {
        "sender": UserFactory(),
        "official": profile.user,
        "delegate": delegate,
        "other_official": other.user,
        "staff": staff(),
        "moderator": UserFactory(platform_role=PlatformRole.MODERATOR),
        "citizen": UserFactory(),
        "anonymous": None,
    }
    return profile, other, people


def make(world, *, public: bool, state: str):
    profile, _other, people = world
    request = send(profile, people["sender"], public=public)
    if state == "answered_approved":
        request_publication_decide(actor=people["moderator"], request=request, approve=True)
        request = request_answer(actor=profile.user, request=request, body="Réponse.")
    elif state == "answered_pending":
        request = request_answer(actor=profile.user, request=request, body="Réponse.")
    elif state == "clarification":
        request = request_clarify(actor=profile.user, request=request, question="Où ?")
    return request


# (public, state) → who may read the request
VIEW = {
    (False, "acknowledged"): {"sender", "official", "delegate", "staff"},
    (False, "answered_pending"): {"sender", "official", "delegate", "staff"},
    (True, "acknowledged"): {"sender", "official", "delegate", "staff", "moderator"},
    (True, "answered_pending"): {"sender", "official", "delegate", "staff", "moderator"},
    (True, "answered_approved"): set(ROLES),
}


@pytest.mark.parametrize(("public", "state"), list(VIEW))
def test_who_reads_a_request(world, public, state):
    request = make(world, public=public, state=state)
    people = world[2]
    for role in ROLES:
        status = client_for(people[role]).get(f"/api/v1/requests/{request.pk}/").status_code
        assert status == (200 if role in VIEW[(public, state)] else 404), (role, status)
    # Nothing of a private request in the official's public page or the directory.
    if not public:
        html = client_for(None).get(f"/api/v1/officials/{world[0].user_id}/").content.decode()
        assert request.subject not in html and request.reference not in html


# action → (who may, payload, the state it needs)
ACTIONS = {
    "answer": ({"official", "delegate"}, {"body": "Voici."}, "acknowledged"),
    "clarify": ({"official"}, {"question": "Où ?"}, "acknowledged"),
    "redirect": ({"official"}, None, "acknowledged"),
    "inadmissible": ({"official", "staff"}, {"reason": "duplicate"}, "acknowledged"),
    "reply": ({"sender"}, {"body": "Ici."}, "clarification"),
    "publication": ({"moderator"}, {"approve": True}, "acknowledged"),
}


@pytest.mark.parametrize("public", [False, True])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_who_acts_on_a_request(world, action, public):
    allowed, payload, state = ACTIONS[action]
    profile, other, people = world
    for role in ROLES:
        request = make(world, public=public, state=state)
        data = payload if payload is not None else {"official": other.user_id}
        response = client_for(people[role]).post(
            f"/api/v1/requests/{request.pk}/{action}/", data, format="json"
        )
        sees = role in VIEW[(public, "acknowledged")]
        if role == "anonymous":
            expected = 401  # asked to sign in before anything is looked up
        elif action == "publication" and not public:
            expected = 404 if not sees else 403  # a private request has no publication
        elif role in allowed:
            expected = 200
        else:
            expected = 403 if sees else 404
        assert response.status_code == expected, (action, role, public, response.content)


def test_a_closed_request_refuses_every_step_with_409(world):
    profile, other, people = world
    request = make(world, public=False, state="answered_pending")
    for action, payload in [
        ("answer", {"body": "Encore."}),
        ("clarify", {"question": "Où ?"}),
        ("redirect", {"official": other.user_id}),
        ("inadmissible", {"reason": "duplicate"}),
    ]:
        response = client_for(profile.user).post(
            f"/api/v1/requests/{request.pk}/{action}/", payload, format="json"
        )
        assert response.status_code == 409, (action, response.content)
    assert (
        client_for(people["sender"])
        .post(f"/api/v1/requests/{request.pk}/reply/", {"body": "x"}, format="json")
        .status_code
        == 409
    )


def test_the_inbox_lists_exactly_what_the_policy_lets_one_answer(world):
    from officials.models import Request
    from officials.permissions import REQUEST_POLICY
    from officials.selectors import requests_inbox

    profile, other, people = world
    for public in (False, True):
        for state in VIEW_STATES:
            make(world, public=public, state=state)
    send(other, people["citizen"])
    for role, user in people.items():
        listed = {r.pk for r in requests_inbox(user=user, flag="all")}
        allowed = {r.pk for r in Request.objects.all() if REQUEST_POLICY.check(user, r, "answer")}
        assert listed == allowed, role
    assert requests_inbox(user=people["delegate"], flag="all").count() == 6


VIEW_STATES = ("acknowledged", "answered_pending", "clarification")
