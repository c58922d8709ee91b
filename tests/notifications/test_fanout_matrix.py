"""Every event kind followers may hear of → who is told, by level and by kind of follow.

GIVEN a public sheet in a quartier, with followers of the sheet at each level, of its
workspace, of its quartier, of its commune and of the Eurométropole, of its theme, and of
another commune; WHEN each event is recorded on its real target and fanned out; THEN exactly
the followers whose level hears the verb are told (the other commune never, the actor never).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from amendments.models import Amendment, AmendmentRound
from debates.services import comment_create, debate_create
from notifications.models import LEVEL_RANK, Entry, Level, Notification
from notifications.rules import RULES

from ..factories import DocumentFactory, FramingNoteFactory, UserFactory
from .world import build_world, inbox, record, told

pytestmark = pytest.mark.django_db

# Who hears at which level, for a subject on the sheet (its debate adds the debate's key).
FOLLOWERS = {
    "sheet_essential": Level.ESSENTIAL,
    "sheet_standard": Level.STANDARD,
    "sheet_all": Level.ALL,
    "workspace_standard": Level.STANDARD,
    "quartier_standard": Level.STANDARD,
    "commune_essential": Level.ESSENTIAL,
    "metropole_all": Level.ALL,
    "theme_standard": Level.STANDARD,
}

FOLLOWED_VERBS = sorted(v for v, r in RULES.items() if r.level is not None)


def _target(world, verb: str):
    sheet = world.sheet
    prefix = verb.split(".")[0]
    if prefix == "sheet" or prefix == "framing_note":
        return sheet
    if prefix in ("amendment_round", "amendment"):
        round_ = AmendmentRound.objects.create(
            sheet=sheet,
            opened_by=world.actor,
            submission_ends=timezone.now() + datetime.timedelta(days=3),
            judgment_ends=timezone.now() + datetime.timedelta(days=6),
        )
        if prefix == "amendment_round":
            return round_
        return Amendment.objects.create(
            sheet=sheet,
            round=round_,
            author=UserFactory(),
            field="summary",
            text="Un autre résumé.",
            base_version=sheet.current_version,
        )
    if prefix in ("debate", "comment"):
        debate = debate_create(actor=world.actor, title="Un débat", sheet=sheet)
        if prefix == "debate":
            return debate
        return comment_create(actor=UserFactory(), debate=debate, body="Un avis.")
    if prefix == "document":
        return DocumentFactory(sheet=sheet)
    if prefix == "meeting":
        from tests.meetings.factories import meeting

        return meeting(sheet=sheet, actor=UserFactory(is_superuser=True, is_staff=True))
    return None


@pytest.mark.parametrize("verb", [v for v in FOLLOWED_VERBS if v != "official_request.published"])
def test_each_followed_verb_reaches_exactly_the_levels_that_hear_it(verb):
    world = build_world()
    target = _target(world, verb)
    assert target is not None, f"no target built for {verb}"
    Notification.objects.all().delete()
    data = {}
    if verb == "framing_note.published":
        data = {"note": FramingNoteFactory(sheet=world.sheet).pk}
    activity = record(world.actor, verb, target, data)
    rank = LEVEL_RANK[RULES[verb].level]
    expected = {
        world.people[name].pk for name, level in FOLLOWERS.items() if LEVEL_RANK[level] >= rank
    }
    got = told(activity)
    followers = {pk for pk, kind in got.items() if kind == Notification.Kind.FOLLOW}
    assert followers == expected
    assert world.people["other_commune_all"].pk not in got
    assert world.actor.pk not in got


def test_levels_are_nested_and_every_rule_is_complete():
    assert LEVEL_RANK[Level.ESSENTIAL] < LEVEL_RANK[Level.STANDARD] < LEVEL_RANK[Level.ALL]
    for verb, rule in RULES.items():
        assert rule.level is not None or rule.direct is not None, verb
        if rule.level is not None:
            assert rule.noun is not None, f"{verb} has no digest phrase"


def test_a_quartier_follower_hears_a_commune_wide_sheet_labelled_as_such():
    """GIVEN a sheet for the whole commune WHEN it changes stage THEN the quartier's follower
    is told, with the followed quartier and the wider commune named."""
    world = build_world()
    world.sheet.territory = world.commune
    world.sheet.save(update_fields=["territory"])
    quartier_fan = world.people["quartier_standard"]
    activity = record(world.actor, "sheet.amended", world.sheet)
    note = inbox(quartier_fan).get(activity=activity)
    assert (note.via, note.scope) == ("Neudorf", "Strasbourg")
    # The commune's own follower reads it as their own territory's.
    commune_note = inbox(world.people["commune_essential"]).filter(activity=activity)
    assert not commune_note.exists()  # essential does not hear "sheet.amended"
    record(world.actor, "sheet.start_realisation", world.sheet)
    mine = inbox(world.people["commune_essential"]).get(verb="sheet.start_realisation")
    assert (mine.via, mine.scope) == ("", "")


def test_a_sheet_of_another_commune_reaches_nobody_following_this_one():
    world = build_world()
    world.sheet.territory = world.other_commune
    world.sheet.save(update_fields=["territory"])
    activity = record(world.actor, "sheet.start_realisation", world.sheet)
    got = told(activity)
    assert world.people["quartier_standard"].pk not in got
    assert world.people["commune_essential"].pk not in got
    assert world.people["other_commune_all"].pk in got
    assert world.people["metropole_all"].pk in got


def test_a_repeated_fan_out_tells_nobody_twice():
    from notifications.fanout import fan_out_activity

    world = build_world()
    activity = record(world.actor, "sheet.start_realisation", world.sheet)
    first = told(activity)
    entries = Entry.objects.filter(activity=activity).count()
    assert fan_out_activity(activity) == 0
    assert told(activity) == first and len(first) > 0
    assert Entry.objects.filter(activity=activity).count() == entries
    fan = world.people["sheet_all"]
    assert inbox(fan).filter(activity=activity).count() == 1
