"""Pages that gather several apps: the sheet page (the sheet and its framing notes, its
documents, the workflow panel, and one timeline of them all)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render

from accounts.permissions import is_mediator
from amendments.selectors import amendment_list, round_list, round_phase
from debates.permissions import ACTIVE_STAGES
from debates.selectors import debate_list_visible
from documents.permissions import can_add_document
from documents.selectors import document_list_visible
from evaluation.views import evaluation_card
from events.selectors import activity_label, activity_list_for_target, activity_list_for_targets
from interface.views import policy_object
from officials.selectors import sheet_public_answers
from projects.models import STAGE_ORDER, FramingNote, ParticipationLevel, ProjectSheet, Stage
from projects.participation import participation_levels, sheet_participation
from projects.permissions import SHEET_POLICY
from projects.sections import sections_for_display
from projects.selectors import framing_note_list_visible, sheet_queryset, sheet_version_list
from workflow.checklist import ITEMS_BY_CODE
from workflow.selectors import sheet_ending

from .archives.outcome import participation_outcome
from .guide import level_guide_url
from .home import home_context
from .territory.memory import remembered_territory
from .territory.views import territory_url


def _stage_progress(sheet: ProjectSheet) -> dict[str, Any]:
    """The stepper: each ordered stage done, current or to come; "étape 2 sur 4"; and for a
    sheet that ended, how (archived after its evaluation, or abandoned at some stage: when,
    by whom the log says, and the public reason)."""
    ending = sheet_ending(sheet=sheet)
    count = len(STAGE_ORDER)
    if sheet.stage in STAGE_ORDER:
        index = STAGE_ORDER.index(Stage(sheet.stage))
    elif sheet.stage == Stage.ARCHIVED:
        index = count
    elif ending is not None and ending.from_stage in STAGE_ORDER:
        index = STAGE_ORDER.index(Stage(ending.from_stage))  # where it stopped
    else:
        index = -1
    abandoned = sheet.stage == Stage.ABANDONED
    steps = []
    for i, stage in enumerate(STAGE_ORDER):
        if i < index:
            state = "done"
        elif i == index:
            state = "stopped" if abandoned else "current"
        else:
            state = "todo"
        steps.append({"value": stage.value, "label": stage.label, "state": state})
    return {
        "steps": steps,
        "number": index + 1 if 0 <= index < count else None,
        "count": count,
        "label": STAGE_ORDER[index].label if 0 <= index < count else "",
        "ended": sheet.stage if sheet.stage in (Stage.ARCHIVED, Stage.ABANDONED) else "",
        "ended_on": ending.created if ending is not None else None,
        "reason": sheet.abandon_reason if abandoned else "",
    }


def _sheet_documents(user: Any, sheet: ProjectSheet) -> list:
    """Documents attached to the sheet that the user may see."""
    return [*document_list_visible(user=user).filter(sheet=sheet)[:50]]


def _can_add_sheet_document(user: Any, sheet: ProjectSheet) -> bool:
    """Whether the sheet page offers to upload a document filed under it."""
    return can_add_document(user, sheet.workspace)


# Versions are listed from their own table; drafts stay private to their author.
TIMELINE_HIDDEN_VERBS = ["sheet.created", "sheet.updated", "sheet.restored"]


def _checklist_item_label(code: str) -> str:
    item = ITEMS_BY_CODE.get(code)
    return str(item.label) if item else code


def _activity_detail(data: dict) -> str:
    # Workflow entries carry the stages and the public note of a transition.
    parts = []
    if data.get("from") and data.get("to"):
        parts.append(
            f"{Stage(data['from']).label if data['from'] in Stage.values else data['from']}"
            f" → {Stage(data['to']).label if data['to'] in Stage.values else data['to']}"
        )
    if isinstance(data.get("code"), str):
        parts.append(_checklist_item_label(data["code"]))
    # A change of the promised participation level (projects: sheet.participation_changed).
    levels = dict(ParticipationLevel.choices)
    if data.get("level_from") in levels and data.get("level_to") in levels:
        parts.append(f"{levels[data['level_from']]} → {levels[data['level_to']]}")
    if isinstance(data.get("note"), str) and data["note"]:
        parts.append(data["note"])
    return " · ".join(str(p) for p in parts)


# What the sheet's timeline tells of its attached documents, to those who may see them.
TIMELINE_DOCUMENT_VERBS = (
    "document.uploaded",
    "document.revision_added",
    "document.revision_restored",
)


def _timeline(sheet: ProjectSheet, documents: list) -> list[dict]:
    """Versions, the sheet's own activity, and new files of the documents the viewer can see."""
    entries = [
        {
            "when": v.created,
            "kind": "version",
            "actor": v.author,
            "version": v,
        }
        for v in sheet_version_list(sheet=sheet)[:10]
    ]
    entries += [
        {
            "when": a.created,
            "kind": "activity",
            "actor": a.actor,
            "label": activity_label(a.verb),
            "detail": _activity_detail(a.data or {}),
        }
        for a in activity_list_for_target(target=sheet).exclude(verb__in=TIMELINE_HIDDEN_VERBS)[:20]
    ]
    titles = {d.pk: d.title for d in documents}
    entries += [
        {
            "when": a.created,
            "kind": "activity",
            "actor": a.actor,
            "label": activity_label(a.verb),
            # The document's current title (it may have been renamed since).
            "detail": titles.get(a.target_id, a.target_repr),
        }
        for a in activity_list_for_targets(targets=documents, verbs=TIMELINE_DOCUMENT_VERBS)[:20]
    ]
    return sorted(entries, key=lambda e: e["when"], reverse=True)[:25]


# The sheet's debates listed on its page (newest first).
SHEET_DEBATES = 10


def _amendments(user, sheet) -> dict:
    """The sheet's latest amendment round, announced with its rule and settings from its
    opening, and its amendments (none of it when the sheet never had a round)."""
    from amendments.models import AmendmentRound, Grade

    round_ = round_list(user=user, sheet=sheet).first()
    can_open_round = (
        sheet.stage == Stage.CONSULTATION
        and (round_ is None or round_.state == AmendmentRound.State.CLOSED)
        and SHEET_POLICY.check(user, sheet, "open_round")
    )
    if round_ is None:
        return {"amendment_round": None, "can_open_round": can_open_round}
    from amendments.services import amendable_fields

    labels = amendable_fields(sheet)
    amendments = list(
        amendment_list(user=user, sheet=sheet).filter(round=round_).order_by("field", "pk")
    )
    for amendment in amendments:
        amendment.field_label = labels.get(amendment.field, amendment.field)
    phase = round_phase(round_)
    return {
        "amendment_round": round_,
        "amendment_phase": AmendmentRound.State(phase).label,
        "amendment_submission": phase == AmendmentRound.State.SUBMISSION,
        "can_record_amendment": phase == AmendmentRound.State.SUBMISSION and is_mediator(user),
        "can_open_round": can_open_round,
        "amendment_min_grade": Grade(round_.min_grade).label,
        "amendments": amendments,
    }


def sheet_page(request, pk: int | None = None, slug: str | None = None):
    """The sheet page, by its readable address (`/fiches/<slug>/`, the canonical one) or by its
    id (kept for the links already out there). Both look the sheet up the same way, so a private
    sheet answers the same 404 to whoever may not see it, by either address."""
    lookup = {"pk": pk} if slug is None else {"slug": slug}
    sheet = policy_object(request, SHEET_POLICY, queryset=sheet_queryset(), **lookup)
    version = sheet.current_version
    notes = framing_note_list_visible(user=request.user, sheet=sheet)
    published = [n for n in notes if n.status == FramingNote.Status.PUBLISHED]
    documents = _sheet_documents(request.user, sheet)
    context = {
        "sheet": sheet,
        "version": version,
        "sections": sections_for_display(version.sections, sheet.stage),
        "progress": _stage_progress(sheet),
        "framing": published[0] if published else None,
        "superseded_notes": published[1:],
        "draft_notes": [n for n in notes if n.status == FramingNote.Status.DRAFT],
        "levels": participation_levels(),
        "participation": {
            **sheet_participation(sheet),
            "guide_url": level_guide_url(sheet.participation_level),
        },
        "documents": documents,
        "timeline": _timeline(sheet, documents),
        "can_edit": SHEET_POLICY.check(request.user, sheet, "change"),
        "can_frame": SHEET_POLICY.check(request.user, sheet, "frame"),
        "can_add_document": _can_add_sheet_document(request.user, sheet),
        "debates": list(debate_list_visible(user=request.user, sheet=sheet.pk)[:SHEET_DEBATES]),
        "debates_open": sheet.stage in ACTIVE_STAGES,
        "can_open_debate": sheet.stage in ACTIVE_STAGES
        and SHEET_POLICY.check(request.user, sheet, "add_debate"),
        **_amendments(request.user, sheet),
        "official_answers": list(sheet_public_answers(sheet=sheet)[:SHEET_DEBATES]),
        "evaluation": evaluation_card(request.user, sheet),
        "outcome": participation_outcome(request.user, sheet),
    }
    response = render(request, "portal/sheet.html", context)
    # The id address serves the page too (no redirect: one round trip, and every link already
    # out there keeps working); the header names the slug address as the one to keep.
    response["Link"] = f'<{request.build_absolute_uri(sheet.get_absolute_url())}>; rel="canonical"'
    return response


def home(request):
    """What is open for participation now (in the chosen commune), recent results and how to
    take part; then, by role, the sheets awaiting an official's framing or staff's stalled
    count, and the visitor's own workspaces and sheets (`portal.home` gathers them)."""
    context = home_context(request.user, request.GET.get("commune", ""))
    # The territory chosen before (a visitor's cookie, a member's profile): the home links to
    # its page and the chooser starts on it. The page cache never shares a page read so.
    mine = remembered_territory(request)
    context["my_territory"] = mine
    if mine is not None:
        context["my_territory_url"] = territory_url(mine)
        if context["commune"] is None:
            context["chooser_slug"] = (
                mine.parent.slug if mine.kind == "quartier" and mine.parent else mine.slug
            )
    if context["commune"] is not None:
        context["chooser_slug"] = context["commune"].slug
    return render(request, "portal/home.html", context)
