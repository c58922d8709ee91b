"""Two people taking the last seat at once: one registered, one waiting."""

from __future__ import annotations

import pytest

from meetings.models import Registration
from meetings.services import registration_create
from territories.models import Territory
from tests.factories import UserFactory

from ..moderation.test_concurrency import run_together
from .factories import meeting

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_registrations_for_the_last_seat_leave_one_registered_one_waiting():
    m = meeting(territory=Territory.objects.filter(kind="commune").first(), capacity=1)
    a, b = UserFactory(), UserFactory()
    outcomes = run_together(
        lambda: registration_create(actor=a, meeting=m),
        lambda: registration_create(actor=b, meeting=m),
    )
    assert outcomes == ["ok", "ok"]
    states = sorted(Registration.objects.filter(meeting=m).values_list("state", flat=True))
    assert states == ["registered", "waiting"]


def test_one_person_twice_at_once_is_registered_once():
    m = meeting(territory=Territory.objects.filter(kind="commune").first(), capacity=5)
    user = UserFactory()
    outcomes = run_together(
        lambda: registration_create(actor=user, meeting=m),
        lambda: registration_create(actor=user, meeting=m),
    )
    assert sorted(outcomes) == ["AlreadyRegistered", "ok"]
    assert Registration.objects.filter(meeting=m, user=user).count() == 1


def test_two_confirmations_for_the_last_seat_leave_one_registered_one_waiting():
    from meetings.services import CONFIRM_SALT, registration_confirm, registration_token

    m = meeting(territory=Territory.objects.filter(kind="commune").first(), capacity=1)
    a, b = (
        registration_create(actor=None, meeting=m, name=n, email=f"{n}@example.org")
        for n in ("ana", "bo")
    )
    outcomes = run_together(
        lambda: registration_confirm(token=registration_token(a, CONFIRM_SALT)),
        lambda: registration_confirm(token=registration_token(b, CONFIRM_SALT)),
    )
    assert outcomes == ["ok", "ok"]
    states = sorted(Registration.objects.filter(meeting=m).values_list("state", flat=True))
    assert states == ["registered", "waiting"]
