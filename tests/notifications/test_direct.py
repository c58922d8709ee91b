"""What concerns a person directly reaches them at once, in the site and by e-mail, whatever
they follow: replies, decisions on their contributions, their requests, moderation, security.
Never their own action (security aside), never what they may not see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from debates.services import comment_create, debate_create
from notifications.inbox import clock_now
from notifications.mail import mail_send_due
from notifications.models import Notification, Recipient
from notifications.services import notifications_sync
from projects.models import ProjectSheet

from ..factories import SheetFactory, UserFactory
from ..officials.factories import official, send
from .world import drain

pytestmark = pytest.mark.django_db


def notes(user, verb=None):
    """The person's notifications as their centre shows them (their followed news taken in)."""
    notifications_sync(actor=user)
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(verb=verb) if verb else qs


def test_a_reply_tells_the_parent_author_at_once_by_email_and_never_the_replier():
    sheet = SheetFactory()
    debate = debate_create(actor=UserFactory(), title="Un débat", sheet=sheet)
    first, second = UserFactory(), UserFactory()
    parent = comment_create(actor=first, debate=debate, body="Mon avis.")
    comment_create(actor=second, debate=debate, body="Je réponds.", parent=parent)
    drain()
    note = notes(first, "comment.created").get()
    assert (note.kind, note.reason, note.mail) == ("direct", "reply", "pending")
    assert not notes(second, "comment.created").exclude(activity__actor=first).exists()
    assert mail_send_due() >= 1
    sent = [m for m in mail.outbox if m.to == [first.email]]
    assert len(sent) == 1 and "Réponse à votre message" in sent[0].subject
    assert sent[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Sent once: a second sweep sends nothing more.
    before = len(mail.outbox)
    mail_send_due()
    assert len(mail.outbox) == before


def test_replying_to_oneself_tells_nobody():
    debate = debate_create(actor=UserFactory(), title="Un débat", sheet=SheetFactory())
    me = UserFactory()
    parent = comment_create(actor=me, debate=debate, body="Mon avis.")
    comment_create(actor=me, debate=debate, body="Et j'ajoute.", parent=parent)
    drain()
    assert not notes(me).exists()


def test_turning_direct_mail_off_keeps_it_in_the_site_only():
    debate = debate_create(actor=UserFactory(), title="Un débat", sheet=SheetFactory())
    first = UserFactory()
    Recipient.objects.create(user=first, email_direct=False)
    parent = comment_create(actor=first, debate=debate, body="Mon avis.")
    comment_create(actor=UserFactory(), debate=debate, body="Réponse.", parent=parent)
    drain()
    assert notes(first, "comment.created").get().mail == "none"
    mail_send_due()
    assert not [m for m in mail.outbox if m.to == [first.email]]


def test_requests_tell_each_side_of_each_step():
    from officials.services import request_answer, request_clarify, request_reply

    delegate = UserFactory()
    profile = official(delegates=[delegate])
    sender = UserFactory()
    request = send(profile, sender)
    drain()
    assert notes(profile.user, "official_request.sent").get().kind == "direct"
    assert notes(delegate, "official_request.sent").exists()
    assert not notes(sender, "official_request.sent").exists()
    request_clarify(actor=profile.user, request=request, question="Quelle rue ?")
    request_reply(actor=sender, request=request, body="Rue du Jeu-des-Enfants.")
    request_answer(actor=profile.user, request=request, body="Voici la réponse.")
    drain()
    assert notes(sender, "official_request.clarify").exists()
    assert notes(profile.user, "official_request.reply").exists()
    assert notes(delegate, "official_request.reply").exists()
    answer = notes(sender, "official_request.answer").get()
    assert answer.url == request.get_absolute_url()
    # Outsiders hear nothing of a private request.
    assert (
        not Notification.objects.exclude(recipient__in=[sender, profile.user, delegate])
        .filter(verb__startswith="official_request")
        .exists()
    )


def test_request_reminders_reach_the_official_and_delegates_once():
    import datetime

    from django.utils import timezone

    from officials.models import Request
    from officials.services import requests_remind

    delegate = UserFactory()
    profile = official(delegates=[delegate])
    request = send(profile)
    Request.objects.filter(pk=request.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    requests_remind()
    requests_remind()
    drain()
    assert notes(profile.user, "official_request.reminded").count() == 1
    assert notes(delegate, "official_request.reminded").count() == 1


def test_moderation_decisions_reach_the_author_and_the_reporters_without_naming_anyone():
    from moderation.services import case_decide, report_create
    from notifications.selectors import notification_label

    from ..debates.factories import moderator, seasoned

    debate = debate_create(actor=UserFactory(), title="Un débat", sheet=SheetFactory())
    author = seasoned()
    comment = comment_create(actor=author, debate=debate, body="Un message.")
    reporter = seasoned()
    report_create(actor=reporter, comment=comment, reason="abuse")
    judge = moderator()
    case_decide(
        actor=judge, case=comment.moderation_case, action="hide", reason="Insulte", rule="1"
    )
    drain()
    told = notes(author, "moderation.hide").get()
    assert told.kind == "direct" and told.url == "/moderation/avis/"
    assert str(judge.display_name) not in notification_label(told)
    assert notes(reporter, "moderation.hide").exists()
    assert not notes(judge).filter(verb="moderation.hide").exists()


def test_a_password_change_is_told_to_the_holder_even_though_they_did_it():
    from accounts.services import user_set_password

    person = UserFactory()
    user_set_password(actor=person, user=person, password="Un-nouveau-mot-de-passe-42")
    drain()
    note = notes(person, "user.password_set").get()
    assert note.reason == "security" and note.mail == "pending"


def test_a_private_sheets_events_never_reach_a_follower_who_lost_access():
    from .world import follow, record

    outsider, staff_actor = UserFactory(), UserFactory()
    sheet = SheetFactory()
    follow(outsider, "sheet", sheet.pk, "all")
    ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=False)
    sheet.refresh_from_db()
    record(staff_actor, "sheet.start_realisation", sheet)
    assert not notes(outsider).exists()


def test_a_sheet_made_private_after_the_notification_is_not_emailed():
    from .world import follow, record

    person = UserFactory()
    Recipient.objects.create(user=person, frequency="immediate")
    sheet = SheetFactory()
    follow(person, "sheet", sheet.pk)
    record(UserFactory(), "sheet.start_realisation", sheet)
    ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=False)
    mail_send_due()
    assert not [m for m in mail.outbox if m.to == [person.email]]
    # Nothing left waiting for them, and nothing of it in their centre either.
    assert Recipient.objects.get(pk=person.pk).digest_seq == clock_now()
    assert not notes(person).exists()


def test_delivery_failures_retry_then_hard_failures_stop_email(monkeypatch, settings):
    import smtplib

    from notifications import mail as mail_module

    from .world import follow, record

    settings.FABRIQUE_EMAIL_HARD_FAILURES = 2
    person = UserFactory()
    Recipient.objects.create(user=person, frequency="immediate")
    sheet = SheetFactory()
    follow(person, "sheet", sheet.pk)
    record(UserFactory(), "sheet.start_realisation", sheet)

    tries = []

    def temporary(to, message):
        tries.append(to)
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(mail_module, "_send", temporary)
    assert mail_send_due() == 0 and tries == [person.email]
    # The news wait (the watermark did not move), retried only once a pause has passed.
    recipient = Recipient.objects.get(pk=person.pk)
    assert recipient.digest_seq < clock_now() and recipient.claim_until > timezone.now()
    assert mail_send_due() == 0 and len(tries) == 1

    def refused(to, message):
        raise mail_module.HardFailure("550 no such user")

    monkeypatch.setattr(mail_module, "_send", refused)
    # Two sweeps, each refused by the address (one grouped e-mail per sweep).
    for hours in (1, 2):
        record(UserFactory(), "sheet.archive", sheet)
        mail_send_due(now=timezone.now() + timedelta(hours=hours))
    recipient = Recipient.objects.get(pk=person.pk)
    assert recipient.hard_failures >= 2 and recipient.email_disabled_at is not None
    assert "550" in recipient.email_disabled_reason
    # Disabled: what comes next is kept in the site, not e-mailed.
    record(UserFactory(), "sheet.step_back", sheet)
    monkeypatch.setattr(mail_module, "_send", temporary)
    mail_send_due(now=timezone.now() + timedelta(hours=3))
    assert len(tries) == 1
    assert notes(person, "sheet.step_back").get().mail == "none"


def test_old_notifications_are_erased_after_the_retention(settings):
    import datetime

    from django.utils import timezone

    from notifications.services import notifications_purge

    from .world import follow, record

    settings.FABRIQUE_NOTIFICATION_RETENTION_DAYS = 30
    person, sheet = UserFactory(), SheetFactory()
    follow(person, "sheet", sheet.pk)
    record(UserFactory(), "sheet.start_realisation", sheet)
    record(UserFactory(), "sheet.archive", sheet)
    old = notes(person, "sheet.start_realisation").get()
    Notification.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(days=31)
    )
    assert notifications_purge() == 1
    assert list(notes(person).values_list("verb", flat=True)) == ["sheet.archive"]


def test_a_new_sheet_reaches_the_followers_of_its_territory_not_its_creator():
    from territories.models import Territory

    from .world import follow

    strasbourg = Territory.objects.get(slug="strasbourg")
    fan, creator = UserFactory(), None
    follow(fan, "territory", strasbourg.pk)
    sheet = SheetFactory(territory=strasbourg)
    creator = sheet.created_by
    drain()
    assert notes(fan, "sheet.created").exists()
    assert not notes(creator, "sheet.created").exists()


def test_a_debate_says_once_that_it_closes_soon_to_its_followers():
    import datetime

    from django.utils import timezone

    from debates.models import Debate
    from debates.services import debates_closing_soon

    from .world import follow

    fan = UserFactory()
    debate = debate_create(
        actor=UserFactory(),
        title="Un débat",
        sheet=SheetFactory(),
        closes_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    follow(fan, "debate", debate.pk, "essential")
    assert debates_closing_soon() == 0  # three days ahead: not yet
    Debate.objects.filter(pk=debate.pk).update(
        closes_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    assert debates_closing_soon() == 1
    assert debates_closing_soon() == 0
    drain()
    assert notes(fan, "debate.closing_soon").count() == 1


def test_immediate_readers_get_one_grouped_email_per_sweep_not_one_per_event():
    from .world import follow, record

    person = UserFactory()
    Recipient.objects.create(user=person, frequency="immediate")
    sheet = SheetFactory(title="Piste du Rhin")
    follow(person, "sheet", sheet.pk, "all")
    for _ in range(3):
        record(UserFactory(), "sheet.updated", sheet)
    record(UserFactory(), "sheet.start_realisation", sheet)
    assert mail_send_due() == 1
    mine = [m for m in mail.outbox if m.to == [person.email]]
    assert len(mine) == 1
    assert "Du nouveau dans ce que vous suivez" in mine[0].body
    assert "Piste du Rhin : passage en réalisation, 3 modifications" in mine[0].body
    assert not notes(person).filter(mail="pending").exists()
    assert mail_send_due() == 0
    record(UserFactory(), "sheet.archive", sheet)
    assert mail_send_due() == 1
