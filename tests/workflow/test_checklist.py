"""The quality checklist registry: shape, computed items, attested items, one query per sheet."""

import pytest

from projects.models import STAGE_ORDER
from workflow.checklist import (
    ATTESTED,
    COMPUTED,
    ITEMS,
    checklist_missing,
    checklist_state,
    checklist_summary,
    items_for_stage,
)

from .factories import (
    LONG_SUMMARY,
    add_version,
    all_sections,
    attest,
    make_framing,
    make_public_document,
    make_sheet,
)

pytestmark = pytest.mark.django_db


def test_registry_has_at_least_five_items_per_stage_with_both_kinds():
    for stage in STAGE_ORDER:
        items = items_for_stage(stage)
        assert len(items) >= 5, stage
    assert {item.kind for item in ITEMS} == {COMPUTED, ATTESTED}
    assert len({item.code for item in ITEMS}) == len(ITEMS)


def test_summary_shape_matches_api_contract(make_workspace):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace)
    summary = checklist_summary(sheet)
    assert [s["stage"] for s in summary] == [str(s) for s in STAGE_ORDER]
    for stage in summary:
        assert set(stage) == {"stage", "completeness", "items"}
        assert 0 <= stage["completeness"] <= 100
        for item in stage["items"]:
            assert set(item) == {"code", "label", "kind", "required", "satisfied"}
            assert item["kind"] in {"computed", "attested"}


def test_empty_sheet_satisfies_nothing(make_workspace):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace)
    assert not any(checklist_state(sheet).values())
    assert all(s["completeness"] == 0 for s in checklist_summary(sheet))


def test_complete_sections_satisfy_computed_items(make_workspace):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    state = checklist_state(sheet)
    for code in [
        "summary_length",
        "territory_theme",
        "initiators_contact",
        "objectives",
        "context",
        "consultation_dates",
        "modalities_places",
        "questions",
        "response_to_contributions",
        "decisions_budget",
        "milestones",
        "outcomes",
        "indicators",
        "promised_vs_delivered",
        "lessons",
    ]:
        assert state[code], code
    for code in ["plain_language", "framing_published", "participation_level", "public_documents"]:
        assert not state[code], code
    assert [i.code for i in checklist_missing(sheet, "initiative", state=state)] == [
        "plain_language"
    ]


def test_summary_length_threshold_is_300_characters(make_workspace):
    workspace, _ = make_workspace()
    short = make_sheet(workspace=workspace, summary="x" * 299)
    enough = make_sheet(workspace=workspace, summary="x" * 300)
    spaces = make_sheet(workspace=workspace, summary=" " * 400)
    assert not checklist_state(short)["summary_length"]
    assert checklist_state(enough)["summary_length"]
    assert not checklist_state(spaces)["summary_length"]


def test_territory_and_theme_both_needed(make_workspace):
    from territories.models import Territory, Theme

    workspace, _ = make_workspace()
    territory, theme = Territory.objects.first(), Theme.objects.first()
    assert not checklist_state(make_sheet(workspace=workspace, territory=territory))[
        "territory_theme"
    ]
    assert not checklist_state(make_sheet(workspace=workspace, themes=[theme]))["territory_theme"]
    both = make_sheet(workspace=workspace, territory=territory, themes=[theme])
    assert checklist_state(both)["territory_theme"]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-03-01", "2026-04-15", True),
        ("2026-03-01", "2026-03-01", True),
        ("2026-04-15", "2026-03-01", False),
        ("2026-03-01", None, False),
        (None, "2026-03-01", False),
        ("bientôt", "2026-03-01", False),
    ],
)
def test_consultation_dates_need_start_and_end_in_order(make_workspace, start, end, expected):
    workspace, _ = make_workspace()
    sections = {k: v for k, v in {"calendar_start": start, "calendar_end": end}.items() if v}
    sheet = make_sheet(workspace=workspace, sections=sections)
    assert checklist_state(sheet)["consultation_dates"] is expected


def test_blank_section_text_does_not_count(make_workspace):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace, sections={"objectives": "   \n  "})
    assert not checklist_state(sheet)["objectives"]


def test_checklist_reads_the_current_version_only(make_workspace):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    sections = all_sections()
    del sections["objectives"]
    add_version(sheet, sections=sections)
    assert not checklist_state(sheet)["objectives"]


@pytest.mark.parametrize(
    ("framing", "expected"),
    [("none", False), ("draft", False), ("published", True), ("published_by_citizen", False)],
)
def test_framing_item_needs_a_published_note_by_an_official(make_workspace, framing, expected):
    from tests.factories import UserFactory

    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace)
    if framing == "draft":
        make_framing(sheet, published=False)
    elif framing == "published":
        make_framing(sheet)
    elif framing == "published_by_citizen":
        make_framing(sheet, author=UserFactory())
    assert checklist_state(sheet)["framing_published"] is expected


def test_attested_item_follows_active_attestation(make_workspace):
    from django.utils import timezone

    from workflow.models import Attestation

    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace)
    attest(sheet, "plain_language")
    assert checklist_state(sheet)["plain_language"]
    Attestation.objects.filter(sheet=sheet).update(withdrawn_at=timezone.now())
    assert not checklist_state(sheet)["plain_language"]


def test_public_documents_item_ignores_members_only_and_trashed(make_workspace):
    from django.utils import timezone

    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace)
    document = make_public_document(sheet)
    assert checklist_state(sheet)["public_documents"]
    type(document).objects.filter(pk=document.pk).update(visibility="members")
    assert not checklist_state(sheet)["public_documents"]
    type(document).objects.filter(pk=document.pk).update(
        visibility="public", trashed_at=timezone.now()
    )
    assert not checklist_state(sheet)["public_documents"]


def test_restitution_item_can_be_attested(make_workspace):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace)
    assert not checklist_state(sheet)["restitution_document"]
    attest(sheet, "restitution_document")
    assert checklist_state(sheet)["restitution_document"]


def test_state_costs_one_query_whatever_the_items(make_workspace, django_assert_max_num_queries):
    workspace, _ = make_workspace()
    sheet = make_sheet(workspace=workspace, complete=True)
    make_framing(sheet)
    attest(sheet, "plain_language")
    checklist_state(sheet)  # warm the documents-table check
    with django_assert_max_num_queries(1):
        checklist_summary(sheet)


def test_long_summary_fixture_is_long():
    assert len(LONG_SUMMARY) >= 300
