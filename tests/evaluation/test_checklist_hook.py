"""Workflow's checklist reads the evaluation through its hook: the registered items say they are
computed, an unknown code is refused, and staff's attestation or the editors' explanation still
satisfies a flagged promise."""

from __future__ import annotations

import pytest
from django.db.models import Q

from amendments.models import Amendment
from projects.models import SheetVersion
from workflow.checklist import checklist_condition_register, checklist_state, checklist_summary
from workflow.services import attestation_create

from .factories import built

pytestmark = pytest.mark.django_db


def test_the_registered_items_are_computed_in_the_summary():
    w = built()
    items = {item["code"]: item for stage in checklist_summary(w.sheet) for item in stage["items"]}
    assert items["participants_evaluation"]["kind"] == "computed"
    assert items["promised_vs_delivered"]["kind"] == "computed"
    assert items["lessons"]["kind"] == "computed"
    assert items["plain_language"]["kind"] == "attested"


def test_an_unknown_item_cannot_be_registered():
    with pytest.raises(KeyError):
        checklist_condition_register("no_such_item", lambda: Q())


def test_a_flagged_promise_is_met_by_an_explanation_or_an_attestation():
    w = built("co_construct")
    Amendment.objects.filter(sheet=w.sheet).update(state=Amendment.State.REJECTED)
    assert checklist_state(w.sheet)["promised_vs_delivered"] is False
    version = w.sheet.current_version
    SheetVersion.objects.filter(pk=version.pk).update(
        sections={**version.sections, "promised_vs_delivered_level": "Promis : co-construire."}
    )
    assert checklist_state(w.sheet)["promised_vs_delivered"] is True
    SheetVersion.objects.filter(pk=version.pk).update(sections=version.sections)
    assert checklist_state(w.sheet)["promised_vs_delivered"] is False
    attestation_create(actor=w.staff, sheet=w.sheet, code="participants_evaluation")
    assert checklist_state(w.sheet)["participants_evaluation"] is True
