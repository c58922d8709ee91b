"""What an ended sheet's page shows of what participation led to, each piece through its own
app's visibility rule (the viewer sees no amendment, answer or debate they could not open)."""

from __future__ import annotations

from typing import Any

from amendments.models import Amendment
from amendments.selectors import amendment_list
from debates.models import Debate
from debates.selectors import debate_list_visible
from officials.selectors import sheet_public_answers
from projects.models import ENDED_STAGES, ProjectSheet

# Each list is short on the page; the full lists are a link away.
SHOWN = 20


def participation_outcome(user: Any, sheet: ProjectSheet) -> dict[str, Any] | None:
    """For an archived or abandoned sheet: its final version, whether it holds decisions, the
    response to contributions, the merged amendments, the official answers made public and the
    debates' syntheses; None for a sheet still under way (its page shows them as it goes)."""
    if sheet.stage not in ENDED_STAGES:
        return None
    version = sheet.current_version
    sections = (version.sections if version is not None else None) or {}
    merged = list(
        amendment_list(user=user, sheet=sheet)
        .filter(state=Amendment.State.ACCEPTED)
        .select_related("merged_version")[:SHOWN]
    )
    # A debate's synthesis is read once it is closed (as on the debate's own page).
    syntheses = list(
        debate_list_visible(user=user, sheet=sheet.pk)
        .exclude(state=Debate.State.OPEN)
        .exclude(synthesis="")[:SHOWN]
    )
    answers = list(sheet_public_answers(sheet=sheet)[:SHOWN])
    return {
        "version": version,
        "decisions": bool(sections.get("decisions")),
        "response": sections.get("response_to_contributions") or "",
        "merged_amendments": merged,
        "answers": answers,
        "syntheses": syntheses,
        "empty": not (sections.get("response_to_contributions") or merged or answers or syntheses),
    }
