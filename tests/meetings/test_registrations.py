"""Registration: seats, the waiting list and its promotions, e-mail confirmation and
cancellation links, no double registration, the reminder the day before, the purge."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone

from meetings.errors import AlreadyRegistered, BadToken, MeetingConflict, MeetingError
from meetings.models import Meeting, Registration
from meetings.selectors import seats_taken
from meetings.services import (
    CANCEL_SALT,
    CONFIRM_SALT,
    meeting_cancel,
    meetings_purge,
    meetings_remind,
    registration_cancel,
    registration_cancel_by_token,
    registration_confirm,
    registration_create,
    registration_token,
    registrations_expire,
)
from territories.models import Territory
from tests.factories import SheetFactory, UserFactory

from .factories import meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    return Territory.objects.filter(kind="commune").first()


def _link(message, name: str) -> str:
    match = re.search(rf"/reunions/{name}/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def test_signed_in_registrations_fill_the_seats_then_the_waiting_list(
    commune, django_capture_on_commit_callbacks
):
    m = meeting(territory=commune, capacity=2)
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    states = [registration_create(actor=u, meeting=m).state for u in (a, b, c)]
    assert states == ["registered", "registered", "waiting"]
    assert seats_taken(Meeting.objects.get(pk=m.pk)) == 2


def test_a_cancellation_promotes_the_first_waiting_and_tells_them(
    commune, django_capture_on_commit_callbacks
):
    m = meeting(territory=commune, capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    mine = registration_create(actor=first, meeting=m)
    registration_create(actor=second, meeting=m)
    registration_create(actor=third, meeting=m)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(actor=first, registration=mine)
    states = dict(m.registrations.values_list("user_id", "state"))
    assert states == {first.pk: "cancelled", second.pk: "registered", third.pk: "waiting"}
    assert [msg.to for msg in mail.outbox] == [[second.email]]
    assert "place s'est libérée" in mail.outbox[0].body


def test_twice_is_refused(commune):
    m = meeting(territory=commune)
    user = UserFactory()
    registration_create(actor=user, meeting=m)
    with pytest.raises(AlreadyRegistered):
        registration_create(actor=user, meeting=m)
    registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    with pytest.raises(AlreadyRegistered):
        registration_create(actor=None, meeting=m, name="Ana B.", email=" ANA@example.org ")
    assert m.registrations.count() == 2


def test_after_a_cancellation_one_may_register_again(commune):
    m = meeting(territory=commune)
    user = UserFactory()
    registration_cancel(actor=user, registration=registration_create(actor=user, meeting=m))
    assert registration_create(actor=user, meeting=m).state == "registered"


def test_email_registration_is_confirmed_by_its_link(
    commune, client, django_capture_on_commit_callbacks
):
    m = meeting(territory=commune, capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        r = registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    assert r.state == "pending" and r.confirmed_at is None
    assert "liste d'attente" in mail.outbox[-1].body
    token = _link(mail.outbox[-1], "confirmer")
    assert client.get(f"/reunions/confirmer/{token}/").status_code == 200
    assert Registration.objects.get(pk=r.pk).confirmed_at is None  # a GET confirms nothing
    response = client.post(f"/reunions/confirmer/{token}/")
    assert response.status_code == 200
    assert "Inscription confirmée. À bientôt" in response.content.decode()
    confirmed = Registration.objects.get(pk=r.pk)
    assert confirmed.confirmed_at is not None and confirmed.state == "registered"
    # Followed again: nothing changes, no second seat.
    assert client.post(f"/reunions/confirmer/{token}/").status_code == 200
    assert seats_taken(Meeting.objects.get(pk=m.pk)) == 1


def test_unconfirmed_registrations_hold_no_seat(commune):
    """The hole this closes: many made-up addresses used to hold every seat for 48 h."""
    m = meeting(territory=commune, capacity=2)
    pending = [
        registration_create(actor=None, meeting=m, name=f"P{n}", email=f"p{n}@example.org")
        for n in range(5)
    ]
    assert {r.state for r in pending} == {"pending"}
    assert seats_taken(Meeting.objects.get(pk=m.pk)) == 0
    # The meeting is not full: a confirmed registration takes a seat.
    assert registration_create(actor=UserFactory(), meeting=m).state == "registered"
    first = registration_confirm(token=registration_token(pending[0], CONFIRM_SALT))
    assert first.state == "registered"
    assert seats_taken(Meeting.objects.get(pk=m.pk)) == 2


def test_confirming_when_full_puts_on_the_waiting_list_and_says_so(commune, client):
    m = meeting(territory=commune, capacity=1)
    r = registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    registration_create(actor=UserFactory(), meeting=m)  # takes the only seat meanwhile
    response = client.post(f"/reunions/confirmer/{registration_token(r, CONFIRM_SALT)}/")
    assert response.status_code == 200
    assert "vous êtes sur la liste d'attente" in response.content.decode()
    r.refresh_from_db()
    assert r.state == "waiting" and r.confirmed_at is not None
    assert seats_taken(Meeting.objects.get(pk=m.pk)) == 1


def test_the_waiting_list_moves_up_in_the_order_people_joined_it(
    commune, django_capture_on_commit_callbacks
):
    """Joining is confirming: an early registration confirmed late queues behind those who
    confirmed before it."""
    m = meeting(territory=commune, capacity=1)
    early = registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    holder = UserFactory()
    seat = registration_create(actor=holder, meeting=m)
    second = registration_create(actor=UserFactory(), meeting=m)
    assert second.state == "waiting"
    early = registration_confirm(token=registration_token(early, CONFIRM_SALT))
    assert early.state == "waiting"
    third = registration_create(actor=UserFactory(), meeting=m)
    registration_cancel(actor=holder, registration=seat)
    states = dict(m.registrations.values_list("pk", "state"))
    assert (states[second.pk], states[early.pk], states[third.pk]) == (
        "registered",
        "waiting",
        "waiting",
    )
    registration_cancel(actor=second.user, registration=second)
    states = dict(m.registrations.values_list("pk", "state"))
    assert (states[early.pk], states[third.pk]) == ("registered", "waiting")


def test_confirming_a_cancelled_meeting_is_refused(commune):
    m = meeting(territory=commune, capacity=3)
    r = registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    meeting_cancel(actor=UserFactory(platform_role="staff"), meeting=m)
    with pytest.raises(MeetingConflict):
        registration_confirm(token=registration_token(r, CONFIRM_SALT))
    assert Registration.objects.get(pk=r.pk).state == "pending"


def test_a_tampered_token_is_refused(commune):
    m = meeting(territory=commune)
    r = registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    token = registration_token(r, CONFIRM_SALT)
    with pytest.raises(BadToken):
        registration_confirm(token=token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    with pytest.raises(BadToken):  # a cancellation token is no confirmation
        registration_confirm(token=registration_token(r, CANCEL_SALT))
    forged = signing.dumps({"r": r.pk + 1, "e": r.email}, salt=CONFIRM_SALT)
    with pytest.raises(BadToken):
        registration_confirm(token=forged)


def test_an_expired_confirmation_is_refused():
    m = meeting(territory=Territory.objects.filter(kind="commune").first())
    r = registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    token = registration_token(r, CONFIRM_SALT)
    later = timezone.now().timestamp() + 49 * 3600
    with (
        mock.patch("django.core.signing.time.time", return_value=later),
        pytest.raises(BadToken, match="expiré"),
    ):
        registration_confirm(token=token)


def test_the_cancellation_link_needs_no_login_and_promotes(commune, client):
    m = meeting(territory=commune, capacity=1)
    r = registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    r = registration_confirm(token=registration_token(r, CONFIRM_SALT))
    assert r.state == "registered"
    waiting = registration_create(actor=UserFactory(), meeting=m)
    assert waiting.state == "waiting"
    token = registration_token(r, CANCEL_SALT)
    assert client.post(f"/reunions/annuler/{token}/").status_code == 200
    assert Registration.objects.get(pk=r.pk).state == "cancelled"
    assert Registration.objects.get(pk=waiting.pk).state == "registered"
    # Followed again: nothing more happens, no error page either.
    assert registration_cancel_by_token(token=token).state == "cancelled"
    assert client.post("/reunions/annuler/nimporte-quoi/").status_code == 400


def test_an_unconfirmed_registration_is_cancelled_after_48_hours(commune):
    m = meeting(territory=commune, capacity=1)
    r = registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    fresh = registration_create(actor=None, meeting=m, name="Bo", email="bo@example.org")
    seat = registration_create(actor=UserFactory(), meeting=m)
    assert seat.state == "registered"  # the pending ones held nothing
    Registration.objects.filter(pk=r.pk).update(
        created=timezone.now() - datetime.timedelta(hours=49)
    )
    assert registrations_expire() == 1
    assert Registration.objects.get(pk=r.pk).state == "cancelled"
    assert Registration.objects.get(pk=fresh.pk).state == "pending"
    assert Registration.objects.get(pk=seat.pk).state == "registered"
    assert registrations_expire() == 0


def test_no_registration_to_a_cancelled_or_past_meeting(commune):
    m = meeting(territory=commune)
    meeting_cancel(actor=UserFactory(platform_role="staff"), meeting=m)
    with pytest.raises(MeetingConflict):
        registration_create(actor=UserFactory(), meeting=m)
    past = meeting(territory=commune)
    Meeting.objects.filter(pk=past.pk).update(
        starts=timezone.now() - datetime.timedelta(hours=3),
        ends=timezone.now() - datetime.timedelta(hours=1),
    )
    with pytest.raises(MeetingConflict):
        registration_create(actor=UserFactory(), meeting=Meeting.objects.get(pk=past.pk))


def test_hostile_names_and_addresses_are_refused_not_crashed(commune):
    m = meeting(territory=commune)
    for name, email in [
        ("x" * 5000, "a@example.org"),
        ("Ana", "pas-une-adresse"),
        ("", "b@example.org"),
    ]:
        with pytest.raises(MeetingError):
            registration_create(actor=None, meeting=m, name=name, email=email)
    assert m.registrations.count() == 0


def test_the_reminder_goes_the_day_before_once(commune, django_capture_on_commit_callbacks):
    """The day before, once: a registrant without an account by e-mail with the cancellation
    link; one with an account through the notifications (in the site, e-mailed as a direct
    notification), not twice; nobody who cancelled or waits for a seat."""
    from notifications.mail import mail_send_due
    from notifications.models import Notification
    from tests.notifications.world import drain

    m = meeting(territory=commune, days=1.0, capacity=2)
    user, gone, waiting = UserFactory(), UserFactory(), UserFactory()
    registration_create(actor=user, meeting=m)
    pending = registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    registration_confirm(token=registration_token(pending, CONFIRM_SALT))
    left = registration_create(actor=gone, meeting=m)
    registration_cancel(actor=gone, registration=left)
    registration_create(actor=waiting, meeting=m)  # the meeting is full: waiting list
    assert Registration.objects.get(pk=pending.pk).state == "registered"
    mail.outbox.clear()
    the_day_before = timezone.localtime(m.starts) - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert meetings_remind(now=the_day_before - datetime.timedelta(days=1)) == 0
        assert meetings_remind(now=the_day_before) == 2
        assert meetings_remind(now=the_day_before) == 0
    assert [msg.to for msg in mail.outbox] == [["ana@example.org"]]
    assert "/reunions/annuler/" in mail.outbox[0].body
    drain()
    reminded = Notification.objects.filter(verb="meeting.reminded")
    assert list(reminded.values_list("recipient_id", "reason", "kind")) == [
        (user.pk, "meeting", "direct")
    ]
    mail.outbox.clear()
    mail_send_due()
    assert [msg.to for msg in mail.outbox] == [[user.email]]
    assert "Rappel : la réunion a lieu demain" in mail.outbox[0].subject


def test_personal_data_is_purged_30_days_after(commune):
    m = meeting(territory=commune)
    registration_create(actor=None, meeting=m, name="Ana", email="ana@example.org")
    after = m.ends + datetime.timedelta(days=29)
    assert meetings_purge(now=after) == 0
    assert meetings_purge(now=after + datetime.timedelta(days=2)) == 1
    assert not Registration.objects.filter(meeting=m).exists()
    assert Meeting.objects.get(pk=m.pk).purged_at is not None


def test_a_sheet_meeting_needs_an_organiser(make_workspace):
    from meetings.errors import MeetingForbidden

    workspace, actors = make_workspace()
    sheet = SheetFactory(workspace=workspace, author=actors["owner"], is_public=True)
    for role in ("outsider", "reader", "contributor", None):
        with pytest.raises(MeetingForbidden):
            meeting(sheet=sheet, actor=actors[role] if role else None)
    for role in ("editor", "owner", "staff", "official"):
        assert meeting(sheet=sheet, actor=actors[role]).sheet == sheet


def test_ends_before_starts_is_refused(commune):
    with pytest.raises(MeetingError):
        meeting(territory=commune, ends=timezone.now())
    with pytest.raises(MeetingError):
        meeting(territory=commune, online_url="http://insecure.example.org/")
