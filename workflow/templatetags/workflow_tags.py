"""The workflow panel of the sheet page: checklist per stage, transitions, attestations, log."""

from __future__ import annotations

from typing import Any

from django import template

from projects.models import Stage

from ..checklist import ITEMS_BY_CODE, checklist_state, checklist_summary
from ..permissions import can_attest
from ..selectors import (
    attestation_active_map,
    stage_reached,
    transition_log_list,
    transition_options,
)

register = template.Library()

LOG_LIMIT = 20


@register.inclusion_tag("workflow/_panel.html", takes_context=True)
def sheet_workflow_panel(context: template.Context, sheet: Any) -> dict[str, Any]:
    """Everything the panel shows, in a fixed number of queries (the checklist is one)."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    state = checklist_state(sheet)
    attester = can_attest(user, sheet)
    attestations = attestation_active_map(sheet=sheet)
    stages = []
    for stage in checklist_summary(sheet, state=state):
        for item in stage["items"]:
            definition = ITEMS_BY_CODE[item["code"]]
            item["can_be_attested"] = definition.can_be_attested
            item["help_text"] = definition.help_text
            item["attestation"] = attestations.get(item["code"])
        stage["label"] = Stage(stage["stage"]).label
        stage["current"] = stage["stage"] == sheet.stage
        stage["reached"] = stage_reached(sheet=sheet, stage=stage["stage"])
        stages.append(stage)
    options = transition_options(user=user, sheet=sheet, state=state)
    for option in options:
        option["target_label"] = Stage(option["target"]).label
        option["missing_labels"] = [str(ITEMS_BY_CODE[code].label) for code in option["missing"]]
    logs = list(transition_log_list(sheet=sheet)[:LOG_LIMIT])
    for log in logs:
        log.from_label = _stage_label(log.from_stage)
        log.to_label = _stage_label(log.to_stage)
    return {
        "sheet": sheet,
        "stages": stages,
        "options": options,
        "can_attest": attester,
        "logs": logs,
        "request": request,
        "user": user,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


def _stage_label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


@register.filter
def stage_label(stage: str) -> str:
    return _stage_label(stage)
