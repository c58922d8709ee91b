"""Two workers at once: two digest runners send each person one digest; two fan-outs of the
same events tell each person once; two follows of one thing at once leave one follow."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.digests import digests_send
from notifications.fanout import fan_out_pending
from notifications.inbox import clock_now
from notifications.models import Entry, FanOut, Notification, Recipient, Subscription
from notifications.services import subscription_follow

from ..factories import SheetFactory, UserFactory
from ..moderation.test_concurrency import run_together
from .world import follow, inbox, record

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_digest_runners_at_once_send_each_person_exactly_one_digest():
    sheet = SheetFactory()
    Subscription.objects.filter(auto=True).delete()
    readers = [UserFactory() for _ in range(12)]
    for person in readers:
        Recipient.objects.create(user=person)
        follow(person, "sheet", sheet.pk)
    record(UserFactory(), "sheet.start_realisation", sheet)
    record(UserFactory(), "sheet.amended", sheet)
    outcomes = run_together(digests_send, digests_send)
    assert outcomes == ["ok", "ok"]
    sent = sorted(m.to[0] for m in mail.outbox)
    assert sent == sorted(p.email for p in readers)
    # Every reader's watermark reached the last entry: nothing left for a later digest.
    top = clock_now()
    assert set(Recipient.objects.filter(user__in=readers).values_list("digest_seq", flat=True)) == {
        top
    }
    # And a third run afterwards: nothing more.
    assert digests_send().sent == 0


def test_two_fan_outs_at_once_tell_each_person_once():
    sheet = SheetFactory()
    fans = [UserFactory() for _ in range(8)]
    for person in fans:
        follow(person, "sheet", sheet.pk, "all")
    actor = UserFactory()
    from events.services import event_record

    activities = [
        event_record(actor=actor, verb="sheet.updated", target=sheet, data={}) for _ in range(5)
    ]
    # Tasks run inline in tests: those events are told already. Undo it and leave them
    # waiting, as a busy worker would find them.
    Notification.objects.all().delete()
    Entry.objects.all().delete()
    FanOut.objects.all().delete()
    FanOut.objects.bulk_create([FanOut(activity=a) for a in activities])
    outcomes = run_together(fan_out_pending, fan_out_pending)
    assert outcomes == ["ok", "ok"]
    assert not FanOut.objects.exists()
    # Each event numbered once, in a distinct place of the order.
    seqs = set(Entry.objects.filter(activity__in=activities).values_list("activity_id", "seq"))
    assert len(seqs) == 5 and len({seq for _a, seq in seqs}) == 5
    for person in fans:
        assert inbox(person).filter(verb="sheet.updated").count() == 5


def test_two_follows_of_one_thing_at_once_leave_one():
    person, sheet = UserFactory(), SheetFactory()
    outcomes = run_together(
        lambda: subscription_follow(actor=person, target_type="sheet", target=sheet.pk),
        lambda: subscription_follow(actor=person, target_type="sheet", target=sheet.pk),
    )
    assert sorted(outcomes) == ["SubscriptionConflict", "ok"]
    assert Subscription.objects.filter(user=person, target_id=sheet.pk, auto=False).count() == 1
