"""The quality checklist (démarche qualité): one registry of what each stage must satisfy.

Every item is a database condition on a `ProjectSheet` row, so the same definition answers for
one sheet (one query, whatever the number of items) and for the staff board (completeness of
thousands of sheets computed, filtered and sorted by the database). Computed items read the
current version, framing notes and documents; attested items read active staff attestations.

`conditions` holds the conditions, `registry` the items, `sql` their compiled SQL (flags and
completeness for many sheets at once) and `summary` what the API and the gates read from states.
"""

from .conditions import ISO_DATE, SUMMARY_MIN_LENGTH
from .registry import (
    ATTESTED,
    COMPUTED,
    ITEMS,
    ITEMS_BY_CODE,
    ChecklistItem,
    checklist_condition_register,
    items_for_stage,
)
from .sql import (
    checklist_annotate,
    checklist_state,
    checklist_states,
    completeness_expression,
    completeness_filter_q,
)
from .summary import (
    StageGate,
    checklist_missing,
    checklist_summary,
    completeness,
    stage_completeness,
)

__all__ = [
    "ATTESTED",
    "COMPUTED",
    "ISO_DATE",
    "ITEMS",
    "ITEMS_BY_CODE",
    "SUMMARY_MIN_LENGTH",
    "ChecklistItem",
    "StageGate",
    "checklist_annotate",
    "checklist_condition_register",
    "checklist_missing",
    "checklist_state",
    "checklist_states",
    "checklist_summary",
    "completeness",
    "completeness_expression",
    "completeness_filter_q",
    "items_for_stage",
    "stage_completeness",
]
