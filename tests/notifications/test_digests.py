"""Digests never duplicate nor skip: claims, marks and the watermark, at odd times, through a
failure halfway and two runners; grouped by object, newest first, with counts."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from notifications import digests
from notifications.digests import digest_slot, digests_send, immediate_send_due
from notifications.inbox import clock_now
from notifications.models import Digest, Entry, Frequency, Recipient, Subscription

from ..factories import SheetFactory as _SheetFactory
from ..factories import UserFactory
from .world import drain, follow, record

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def clock(monkeypatch):
    """Events are stamped by the test's clock (auto_now_add reads timezone.now)."""
    from django.utils import timezone

    class Clock:
        now = paris(2026, 12, 1, 8, 0)

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def SheetFactory(**fields):  # noqa: N802 - the factory's name, its creator's follow dropped
    """A sheet whose creator does not follow it (their automatic follow would add digests)."""
    sheet = _SheetFactory(**fields)
    Subscription.objects.filter(auto=True).delete()
    drain()
    # Its creation happened before the test's follows (made at the same frozen instant).
    Entry.objects.filter(activity__verb="sheet.created").delete()
    return sheet


def reader(frequency=Frequency.DAILY, **fields):
    person = UserFactory(**fields)
    Recipient.objects.create(user=person, frequency=frequency)
    return person


def happen(sheet, verb="sheet.amended", times=1, actor=None):
    actor = actor or UserFactory()
    for _ in range(times):
        record(actor, verb, sheet)


def test_a_daily_digest_groups_by_object_newest_first_with_counts(clock):
    person = reader()
    older, newer = SheetFactory(title="Piste cyclable"), SheetFactory(title="Jardin partagé")
    follow(person, "sheet", older.pk)
    follow(person, "sheet", newer.pk)
    clock.now = paris(2026, 12, 1, 9, 0)
    happen(older, "sheet.amended", times=3)
    happen(older, "sheet.start_realisation")
    clock.now = paris(2026, 12, 1, 10, 0)
    happen(newer, "sheet.amended")
    clock.now = paris(2026, 12, 2, 7, 31)
    report = digests_send(now=clock.now)
    assert report.sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert "5 nouveautés" in message.subject
    body = message.body
    # Within a group too, the newest kind of event comes first.
    assert "Piste cyclable : passage en réalisation, 3 amendements intégrés" in body
    assert "Jardin partagé : 1 amendement intégré" in body
    # Newest group first (its latest event is the newest).
    assert body.index("Jardin partagé") < body.index("Piste cyclable")
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html" and "Piste cyclable" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_run_twice_send_once_and_nothing_before_the_next_slot(clock):
    person = reader()
    sheet = SheetFactory()
    follow(person, "sheet", sheet.pk)
    happen(sheet)
    clock.now = paris(2026, 12, 2, 7, 45)
    assert digests_send(now=clock.now).sent == 1
    assert digests_send(now=clock.now).sent == 0
    out = io.StringIO()
    call_command("notifications_send_digests", stdout=out)
    assert "sent=0" in out.getvalue()
    assert len(mail.outbox) == 1
    # A new event after the run: not sent before tomorrow's 7:30, then sent once.
    clock.now = paris(2026, 12, 2, 9, 0)
    happen(sheet)
    assert digests_send(now=paris(2026, 12, 3, 7, 29)).sent == 0
    assert digests_send(now=paris(2026, 12, 3, 7, 30)).sent == 1
    assert len(mail.outbox) == 2
    assert "1 nouveauté" in mail.outbox[1].subject


def test_a_runner_down_for_days_sends_one_digest_covering_the_whole_gap(clock):
    person = reader()
    sheet = SheetFactory()
    follow(person, "sheet", sheet.pk)
    happen(sheet)
    assert digests_send(now=paris(2026, 12, 2, 7, 35)).sent == 1
    for day in (2, 3, 4):
        clock.now = paris(2026, 12, day, 15, 0)
        happen(sheet)
    # Nobody ran the digests on the 3rd and the 4th.
    clock.now = paris(2026, 12, 5, 11, 12)
    assert digests_send(now=clock.now).sent == 1
    assert "3 nouveautés" in mail.outbox[-1].subject
    assert Recipient.objects.get(pk=person.pk).digest_seq == clock_now()


def test_nothing_new_means_no_email_but_the_slot_is_had(clock):
    person = reader()
    clock.now = paris(2026, 12, 2, 8, 0)
    report = digests_send(now=clock.now)
    assert report.sent == 0 and not mail.outbox
    assert Recipient.objects.get(pk=person.pk).digest_slot == digest_slot(clock.now, "daily")


def test_a_run_that_fails_halfway_loses_nothing_and_repeats_nothing(clock, monkeypatch):
    first, second = reader(), reader()
    sheet = SheetFactory()
    follow(first, "sheet", sheet.pk)
    follow(second, "sheet", sheet.pk)
    happen(sheet)
    real = digests.send_to

    def broken(recipient, message):
        if recipient.user_id == second.pk:
            raise OSError("SMTP down")
        real(recipient, message)

    monkeypatch.setattr(digests, "send_to", broken)
    clock.now = paris(2026, 12, 2, 7, 40)
    report = digests_send(now=clock.now)
    assert (report.sent, report.failed) == (1, 1)
    assert [m.to for m in mail.outbox] == [[first.email]]
    # The second's notifications wait, unmarked; the next run sends them, and only them.
    monkeypatch.setattr(digests, "send_to", real)
    clock.now = paris(2026, 12, 2, 7, 42)
    report = digests_send(now=clock.now)
    assert report.sent == 1
    assert [m.to for m in mail.outbox] == [[first.email], [second.email]]
    assert digests_send(now=clock.now).sent == 0


def test_two_runners_at_once_one_claims_the_other_skips(clock):
    person = reader()
    sheet = SheetFactory()
    follow(person, "sheet", sheet.pk)
    happen(sheet)
    clock.now = paris(2026, 12, 2, 7, 40)
    # Another runner holds this person (its claim runs 15 minutes).
    Recipient.objects.filter(pk=person.pk).update(
        claim_until=clock.now + datetime.timedelta(minutes=10), claim_token="other"
    )
    assert digests_send(now=clock.now).sent == 0 and not mail.outbox
    # That runner died: once its claim lapses, the digest goes, once.
    later = clock.now + datetime.timedelta(minutes=11)
    assert digests_send(now=later).sent == 1
    assert digests_send(now=later).sent == 0
    assert len(mail.outbox) == 1


def test_a_crash_between_send_and_watermark_resends_that_same_digest(clock):
    """The one repeat the design allows (documented): never a gap."""
    person = reader()
    sheet = SheetFactory()
    follow(person, "sheet", sheet.pk)
    happen(sheet)
    clock.now = paris(2026, 12, 2, 7, 40)
    slot = digest_slot(clock.now, "daily")
    recipient = Recipient.objects.get(pk=person.pk)
    # A runner wrote the digest, sent it, and died before marking it sent.
    Digest.objects.create(recipient=recipient, slot=slot, seq_from=0, seq_to=clock_now())
    clock.now = paris(2026, 12, 2, 9, 0)
    happen(sheet)  # after that digest's range: for tomorrow's
    assert digests_send(now=clock.now).sent == 1
    assert "1 nouveauté" in mail.outbox[0].subject
    assert digests_send(now=clock.now).sent == 0
    assert digests_send(now=paris(2026, 12, 3, 7, 31)).sent == 1
    assert "1 nouveauté" in mail.outbox[1].subject


def test_weekly_is_on_tuesday_and_daily_every_day_at_7_30_paris():
    # 2026-12-01 is a Tuesday.
    assert digest_slot(paris(2026, 12, 3, 12, 0), "weekly") == paris(2026, 12, 1, 7, 30)
    assert digest_slot(paris(2026, 12, 1, 7, 29), "weekly") == paris(2026, 11, 24, 7, 30)
    assert digest_slot(paris(2026, 12, 3, 7, 29), "daily") == paris(2026, 12, 2, 7, 30)
    # Across the spring change of time (29 March 2026): still 7:30 on the wall clock.
    assert digest_slot(paris(2026, 3, 29, 9, 0), "daily") == paris(2026, 3, 29, 7, 30)
    assert digest_slot(paris(2026, 3, 29, 9, 0), "daily").utcoffset() == datetime.timedelta(
        hours=2
    ) or digest_slot(paris(2026, 3, 29, 9, 0), "daily") == datetime.datetime(
        2026, 3, 29, 5, 30, tzinfo=datetime.UTC
    )


def test_weekly_readers_wait_for_tuesday(clock):
    person = reader(Frequency.WEEKLY)
    sheet = SheetFactory()
    follow(person, "sheet", sheet.pk)
    happen(sheet)
    # Thursday: this week's Tuesday slot was never had, so it goes now, with what happened.
    assert digests_send(now=paris(2026, 12, 3, 8, 0)).sent == 1
    clock.now = paris(2026, 12, 3, 9, 0)
    happen(sheet, times=2)
    assert digests_send(now=paris(2026, 12, 4, 8, 0)).sent == 0  # Friday
    assert digests_send(now=paris(2026, 12, 7, 8, 0)).sent == 0  # Monday
    assert digests_send(now=paris(2026, 12, 8, 8, 0)).sent == 1  # Tuesday
    assert "2 nouveautés" in mail.outbox[1].subject


def test_never_and_immediate_readers_get_no_digest(clock):
    never, immediate = reader(Frequency.NEVER), reader(Frequency.IMMEDIATE)
    sheet = SheetFactory()
    follow(never, "sheet", sheet.pk)
    follow(immediate, "sheet", sheet.pk)
    happen(sheet)
    assert digests_send(now=paris(2026, 12, 2, 8, 0)).sent == 0
    # The "immédiat" reader has theirs at the worker's next sweep; the other, never.
    assert immediate_send_due(now=paris(2026, 12, 2, 8, 0)) == 1
    assert [m.to for m in mail.outbox] == [[immediate.email]]
    assert immediate_send_due(now=paris(2026, 12, 2, 8, 2)) == 0


def test_what_became_private_before_the_digest_is_left_out(clock):
    person = reader()
    public, hidden = SheetFactory(title="Fiche publique"), SheetFactory(title="Fiche secrète")
    follow(person, "sheet", public.pk)
    follow(person, "sheet", hidden.pk)
    happen(public)
    happen(hidden)
    type(hidden).objects.filter(pk=hidden.pk).update(is_public=False)
    assert digests_send(now=paris(2026, 12, 2, 8, 0)).sent == 1
    body = mail.outbox[0].body
    assert "Fiche publique" in body and "Fiche secrète" not in body
    assert "1 nouveauté" in mail.outbox[0].subject


def test_the_digest_speaks_the_readers_language(clock):
    person = reader()
    Recipient.objects.filter(pk=person.pk).update(language="en")
    sheet = SheetFactory(title="Piste")
    follow(person, "sheet", sheet.pk)
    happen(sheet, times=2)
    drain()
    assert digests_send(now=paris(2026, 12, 2, 8, 0)).sent == 1
    assert "2 new" in mail.outbox[0].subject


def test_one_run_tells_a_private_sheet_to_its_member_and_not_to_an_outsider(clock):
    from workspace.models import Workspace

    from ..factories import WorkspaceFactory, member

    workspace = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
    hidden = SheetFactory(workspace=workspace, title="Fiche de l'espace")
    public = SheetFactory(title="Fiche de tous")
    insider, outsider = member(workspace), UserFactory()
    for person in (insider, outsider):
        Recipient.objects.get_or_create(user=person)
        follow(person, "sheet", hidden.pk)
        follow(person, "sheet", public.pk)
    clock.now = paris(2026, 12, 1, 9, 0)
    happen(hidden)
    happen(public)
    assert digests_send(now=paris(2026, 12, 2, 7, 40)).sent == 2
    by_person = {m.to[0]: m.body for m in mail.outbox}
    assert "Fiche de l'espace" in by_person[insider.email]
    assert "Fiche de l'espace" not in by_person[outsider.email]
    assert "Fiche de tous" in by_person[outsider.email]
