"""Completeness, the API summary and what gates a transition, from item states."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projects.models import STAGE_ORDER, ProjectSheet

from .registry import ITEMS_BY_CODE, ChecklistItem, items_for_stage
from .sql import checklist_state


def completeness(satisfied: int, total: int) -> int:
    return 100 * satisfied // total if total else 100


def stage_completeness(stage: str, state: dict[str, bool]) -> int | None:
    """Completeness of `stage` from item states; None for stages outside the checklist."""
    items = items_for_stage(stage)
    if not items:
        return None
    return completeness(sum(state[item.code] for item in items), len(items))


def checklist_summary(
    sheet: ProjectSheet, *, state: dict[str, bool] | None = None
) -> list[dict[str, Any]]:
    """The API shape: per stage `{"stage", "completeness", "items": [...]}`."""
    state = checklist_state(sheet) if state is None else state
    summary = []
    for stage in STAGE_ORDER:
        items = [
            {
                "code": item.code,
                "label": str(item.label),
                "kind": "computed" if item.computed_now else item.kind,
                "required": item.required,
                "satisfied": state[item.code],
            }
            for item in items_for_stage(stage)
        ]
        summary.append(
            {
                "stage": str(stage),
                "completeness": completeness(sum(i["satisfied"] for i in items), len(items)),
                "items": items,
            }
        )
    return summary


@dataclass(frozen=True)
class StageGate:
    """A transition's gate (declared in `workflow.machine`): the required items of the stage
    it leaves, then `also`, items of another stage that must hold before this one starts."""

    stage: str
    also: tuple[str, ...] = ()

    def __call__(
        self, sheet: ProjectSheet, state: dict[str, bool] | None = None
    ) -> list[ChecklistItem]:
        state = checklist_state(sheet) if state is None else state
        missing = checklist_missing(sheet, self.stage, state=state)
        for code in self.also:
            item = ITEMS_BY_CODE[code]
            if not state[code] and item not in missing:
                missing.append(item)
        return missing


def checklist_missing(
    sheet: ProjectSheet, stage: str, *, state: dict[str, bool] | None = None
) -> list[ChecklistItem]:
    """Required items of `stage` the sheet does not satisfy: what gates leaving that stage."""
    state = checklist_state(sheet) if state is None else state
    return [item for item in items_for_stage(stage) if item.required and not state[item.code]]
