"""Followers read their news from entries: an event costs a row per followed object, not per
follower; the bell counts without writing; opening the centre takes the news in; the rules
(level, follow older than the event, never the actor, visible now, not told twice) apply when
the news are read."""

from __future__ import annotations

import pytest
from django.test import Client

from debates.services import comment_create, debate_create
from notifications.inbox import clock_now
from notifications.models import Entry, Notification, Subscription
from notifications.selectors import unread_count
from notifications.services import notifications_mark_read, notifications_sync
from projects.models import ProjectSheet
from workspace.models import Workspace

from ..factories import SheetFactory, UserFactory, WorkspaceFactory, member
from .world import build_world, drain, follow, inbox, record, told

pytestmark = pytest.mark.django_db


def test_an_event_costs_a_row_per_followed_object_whatever_the_followers():
    world = build_world()
    first = record(world.actor, "sheet.start_realisation", world.sheet)
    rows = Entry.objects.filter(activity=first).count()
    # The sheet, its workspace, the quartier, the commune, the metropole and the theme.
    assert rows == 6
    for _ in range(40):
        follow(UserFactory(), "territory", world.commune.pk, "all")
    second = record(world.actor, "sheet.archive", world.sheet)
    assert Entry.objects.filter(activity=second).count() == rows
    assert len(told(second)) >= 40 + 5
    assert not Notification.objects.filter(activity=second).exists()
    # Numbered in order, one number per event.
    numbers = set(Entry.objects.filter(activity=second).values_list("seq", flat=True))
    assert numbers == {clock_now()} and clock_now() > Entry.objects.filter(activity=first)[0].seq


def test_the_bell_counts_without_writing_and_the_centre_takes_the_news_in():
    person, sheet = UserFactory(), SheetFactory()
    follow(person, "sheet", sheet.pk, "all")
    record(UserFactory(), "sheet.start_realisation", sheet)
    assert unread_count(person) == 1
    assert not Notification.objects.filter(recipient=person).exists()
    assert notifications_sync(actor=person) == 1
    assert notifications_sync(actor=person) == 0  # taken in once
    assert unread_count(person) == 1
    notifications_mark_read(actor=person, every=True)
    assert unread_count(person) == 0
    record(UserFactory(), "sheet.archive", sheet)
    assert unread_count(person) == 1
    # "All read" covers the news not yet taken in.
    notifications_mark_read(actor=person, every=True)
    assert unread_count(person) == 0
    assert Notification.objects.filter(recipient=person, read_at__isnull=True).count() == 0


def test_a_subject_made_private_after_the_event_leaves_the_bell_and_the_centre():
    person, sheet = UserFactory(), SheetFactory(title="Bientôt privée")
    follow(person, "sheet", sheet.pk, "all")
    record(UserFactory(), "sheet.start_realisation", sheet)
    ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=False)
    assert unread_count(person) == 0
    assert not inbox(person).exists()


def test_the_level_and_the_follow_are_those_of_the_moment_the_news_are_read():
    person, sheet = UserFactory(), SheetFactory()
    follow(person, "sheet", sheet.pk, "all")
    record(UserFactory(), "sheet.amended", sheet)  # standard and above hear it
    Subscription.objects.filter(user=person).update(level="essential")
    assert unread_count(person) == 0
    Subscription.objects.filter(user=person).update(level="standard")
    assert unread_count(person) == 1
    Subscription.objects.filter(user=person).delete()
    assert unread_count(person) == 0 and not inbox(person).exists()


def test_a_private_workspace_sheet_is_read_by_its_members_only():
    workspace = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
    sheet = SheetFactory(workspace=workspace)
    insider, outsider = member(workspace), UserFactory()
    # The outsider's follow is written directly, as if it predated the workspace's closing.
    follow(insider, "sheet", sheet.pk, "all")
    follow(outsider, "sheet", sheet.pk, "all")
    activity = record(UserFactory(), "sheet.start_realisation", sheet)
    got = told(activity)
    assert insider.pk in got and outsider.pk not in got
    assert unread_count(outsider) == 0 and not inbox(outsider).exists()
    assert inbox(insider).filter(activity=activity).count() == 1


def test_what_concerns_a_person_directly_is_not_told_twice_as_news():
    sheet = SheetFactory()
    debate = debate_create(actor=UserFactory(), title="Un débat", sheet=sheet)
    first, second = UserFactory(), UserFactory()
    parent = comment_create(actor=first, debate=debate, body="Mon avis.")
    # Their comment made them follow the debate; at "tout" they hear every comment.
    assert Subscription.objects.filter(user=first, target_type="debate").update(level="all")
    comment_create(actor=second, debate=debate, body="Je réponds.", parent=parent)
    drain()
    # The bell counts it once (the direct notification), not again as news of the debate.
    assert unread_count(first) == 1
    mine = inbox(first).filter(verb="comment.created", activity__actor=second)
    assert [(n.kind, n.reason) for n in mine] == [("direct", "reply")]


def test_a_follow_made_after_the_event_does_not_bring_it_back(monkeypatch):
    import datetime

    from django.utils import timezone

    person, sheet = UserFactory(), SheetFactory()
    record(UserFactory(), "sheet.start_realisation", sheet)
    later = timezone.now() + datetime.timedelta(seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    follow(person, "sheet", sheet.pk, "all")
    assert unread_count(person) == 0 and not inbox(person).exists()


def test_a_notification_taken_in_then_made_private_no_longer_names_its_subject():
    from rest_framework.test import APIClient

    person, sheet = UserFactory(), SheetFactory(title="Titre bientôt secret")
    follow(person, "sheet", sheet.pk, "all")
    record(UserFactory(display_name="Camille"), "sheet.start_realisation", sheet)
    note = inbox(person).get()
    ProjectSheet.objects.filter(pk=sheet.pk).update(is_public=False)
    web = Client()
    web.force_login(person)
    page = web.get("/notifications/").content.decode()
    assert "Titre bientôt secret" not in page and "Camille" not in page
    assert "plus accessible" in page
    opened = web.get(f"/notifications/{note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/notifications/"
    api = APIClient()
    api.force_authenticate(person)
    [row] = api.get("/api/v1/notifications/").json()["results"]
    assert row["object"] == "(plus accessible)" and row["url"] == ""
    assert "Camille" not in row["label"]
