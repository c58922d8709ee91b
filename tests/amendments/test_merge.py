"""The three-way merge of a field, word by word, on cases worked out by hand."""

from __future__ import annotations

import random

from amendments.merge import merge3

BASE = "La piste cyclable longe la rue du Jura sur le côté pair."


def test_no_change_since_the_base_takes_the_amendment():
    theirs = "La piste cyclable longe la rue du Jura sur les deux côtés."
    merged = merge3(BASE, BASE, theirs)
    assert merged.clean and merged.text == theirs


def test_changes_in_different_places_both_apply():
    ours = "La piste cyclable sécurisée longe la rue du Jura sur le côté pair."
    theirs = "La piste cyclable longe la rue du Jura sur le côté impair."
    merged = merge3(BASE, ours, theirs)
    assert merged.clean
    assert merged.text == "La piste cyclable sécurisée longe la rue du Jura sur le côté impair."


def test_the_same_change_on_both_sides_applies_once():
    same = "La piste cyclable longe la rue du Jura sur le côté impair."
    merged = merge3(BASE, same, same)
    assert merged.clean and merged.text == same


def test_different_changes_to_the_same_words_conflict():
    ours = "La piste cyclable longe la rue du Jura sur le côté ouest."
    theirs = "La piste cyclable longe la rue du Jura sur le côté est."
    merged = merge3(BASE, ours, theirs)
    assert not merged.clean
    (conflict,) = merged.conflicts
    assert (conflict.base, conflict.ours, conflict.theirs) == ("pair.", "ouest.", "est.")


def test_a_stale_amendment_does_not_undo_later_changes():
    """Decidim's accept overwrote the text with the amendment: a change made to the sheet after
    the amendment's base is lost. Here it is kept."""
    later = "La piste cyclable longe la rue du Jura sur le côté pair, éclairée la nuit."
    theirs = "Une piste cyclable longe la rue du Jura sur le côté pair."
    merged = merge3(BASE, later, theirs)
    assert merged.clean
    assert (
        merged.text == "Une piste cyclable longe la rue du Jura sur le côté pair, éclairée la nuit."
    )


def test_insertions_at_the_same_place_conflict_unless_equal():
    ours = "La piste cyclable longe la rue du Jura (1,2 km) sur le côté pair."
    theirs = "La piste cyclable longe la rue du Jura (800 m) sur le côté pair."
    assert not merge3(BASE, ours, theirs).clean
    assert merge3(BASE, ours, ours).text == ours


def test_deletion_against_an_edit_conflicts():
    ours = "La piste cyclable longe la rue du Jura."
    theirs = "La piste cyclable longe la rue du Jura sur le côté pair et impair."
    assert not merge3(BASE, ours, theirs).clean


def test_merging_rebuilds_either_side_when_the_other_did_nothing():
    rng = random.Random(3)
    words = BASE.split(" ")
    for _ in range(200):
        edited = list(words)
        for _k in range(rng.randint(1, 4)):
            edited[rng.randrange(len(edited))] = rng.choice(["vélo", "bus", "piéton", ""])
        text = " ".join(edited)
        assert merge3(BASE, BASE, text).text == text
        assert merge3(BASE, text, BASE).text == text
        assert merge3(BASE, text, text).text == text


def test_edits_to_distant_words_always_merge_into_both():
    rng = random.Random(5)
    words = (BASE + " " + BASE).split(" ")
    half = len(words) // 2
    for _ in range(300):
        ours, theirs, both = list(words), list(words), list(words)
        for index in rng.sample(range(0, half - 1), rng.randint(1, 3)):
            ours[index] = both[index] = rng.choice(["vélo", "bus cargo", "piéton"])
        for index in rng.sample(range(half + 1, len(words)), rng.randint(1, 3)):
            theirs[index] = both[index] = rng.choice(["tram", "trottoir large", "arbre"])
        merged = merge3(" ".join(words), " ".join(ours), " ".join(theirs))
        assert merged.clean and merged.text == " ".join(both)
