"""The personal data export carries one's debates, messages (hidden ones included: the text is
theirs) and reports — and nobody else's."""

import json

import pytest

from moderation.services import report_create
from portal.selectors import personal_data_export

from .factories import comment, debate, seasoned

pytestmark = pytest.mark.django_db


def test_export_has_own_debates_messages_and_reports_only():
    me, other = seasoned(), seasoned()
    mine = debate(author=me, title="Mon débat")
    comment(mine, author=me, body="Mon message à moi")
    theirs = comment(mine, author=other, body="Le message d'un autre")
    report_create(actor=me, comment=theirs, reason="off_topic", details="Hors sujet")
    export = personal_data_export(user=me)
    assert [d["title"] for d in export["debates"]] == ["Mon débat"]
    assert [m["body"] for m in export["debate_messages"]] == ["Mon message à moi"]
    assert [(r["reason"], r["details"]) for r in export["reports"]] == [("off_topic", "Hors sujet")]
    assert "Le message d'un autre" not in json.dumps(export)
    assert personal_data_export(user=other)["reports"] == []
