"""A consultation carried to its evaluation, with contributions whose figures are known."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import PlatformRole
from amendments.models import Amendment, Ballot
from amendments.services import amendment_submit
from debates.models import Comment
from officials.models import Request
from projects.models import ProjectSheet, SheetVersion, Stage
from projects.services import sheet_update
from territories.models import Territory
from workflow.models import TransitionLog

from ..amendments.factories import open_round
from ..debates.factories import comment, debate
from ..factories import SheetFactory, UserFactory, member
from ..officials.factories import official, send

QUESTIONS = (
    "diversity",
    "voice",
    "clear_stakes",
    "follow_up",
    "easy",
    "influence",
    "dialogue",
    "again",
)


def scores(value: int = 3, **overrides: int) -> dict[str, int]:
    return {code: overrides.get(code, value) for code in QUESTIONS}


def to_stage(sheet: ProjectSheet, stage: str) -> ProjectSheet:
    """Jump to a stage (the FSM field is protected: an UPDATE, as SheetFactory does), logged
    as the workflow logs it so that an archive knows it went through evaluation."""
    with transaction.atomic():
        TransitionLog.objects.create(
            sheet=sheet, name="test", from_stage=sheet.stage, to_stage=stage
        )
        ProjectSheet.objects.filter(pk=sheet.pk).update(stage=stage)
    return ProjectSheet.objects.select_related("workspace", "current_version").get(pk=sheet.pk)


class Built:
    """The hand-counted consultation (see `built`)."""


def built(level: str = "co_construct") -> Built:
    """A sheet in consultation, then in evaluation, with:

    - 4 comment authors from Strasbourg (a, b, c, d), one from Schiltigheim (e), one without a
      commune (f); a, b, c, d, e each write a top-level comment; f's comment is hidden by
      moderation (not counted); e's second comment is deleted (not counted);
    - the sheet's editor answers a's comment, then saves a new version (answered by a change);
      an official answers b's comment, no version after (answered, no change); c answers d
      (not the team: not answered);
    - amendments by a, g (Strasbourg) and h (no commune): a's withdrawn, g's merged, h's
      submitted; one ballot by i (Strasbourg);
    - three requests tied to the sheet: answered in 4 and 8 working days (on time, late), one
      open and due later (not settled).

    Visible comments: 5 top-level + 2 team replies + c's reply = 8. Amendments submitted
    (withdrawn left out): 2; merged: 1. Contributions: 8 + 2 = 10. Answered comments: a, b → 2;
    answered by a change: a → 1. Followed by a change: 1 merged + 1 = 2 → 0.2.
    Participants (visible comment, amendment not withdrawn, ballot): a, b, c, d, e, g, h, i and
    the two repliers (editor, official) = 10; Strasbourg: a, b, c, d, g, i = 6; Schiltigheim: e
    = 1 (fewer than 5); none: h, editor, official = 3 (fewer than 5).
    """
    w = Built()
    strasbourg = Territory.objects.get(slug="strasbourg")
    schiltigheim = Territory.objects.get(slug="schiltigheim")
    sheet = SheetFactory(stage=Stage.CONSULTATION, summary="Un résumé.", participation_level=level)
    w.editor = member(sheet.workspace, "editor")
    w.official = official(days=10)
    names = "abcdefghi"
    for name in names:
        commune = {"e": schiltigheim, "f": None, "h": None}.get(name, strasbourg)
        setattr(w, name, UserFactory(commune=commune))
    d = debate(author=w.editor, sheet=sheet)
    top = {name: comment(d, author=getattr(w, name), body=f"Avis de {name}.") for name in "abcdef"}
    Comment.objects.filter(pk=top["f"].pk).update(state=Comment.State.HIDDEN)
    gone = comment(d, author=w.e, body="À supprimer.")
    Comment.objects.filter(pk=gone.pk).update(state=Comment.State.DELETED)
    comment(d, author=w.editor, body="Bonne idée, nous la reprenons.", parent=top["a"])
    version = sheet.current_version.number
    sheet_update(actor=w.editor, sheet=sheet, base_version=version, summary="Un résumé changé.")
    comment(d, author=w.official.user, body="Nous étudions.", parent=top["b"])
    comment(d, author=w.c, body="Je ne suis pas d'accord.", parent=top["d"])
    round_ = open_round(sheet)
    base = SheetVersion.objects.filter(sheet=sheet).order_by("-number").first().number
    made = {
        name: amendment_submit(
            actor=getattr(w, name),
            sheet=sheet,
            field="summary",
            text=f"Texte {name}.",
            base_version=base,
        )
        for name in "agh"
    }
    Amendment.objects.filter(pk=made["a"].pk).update(state=Amendment.State.WITHDRAWN)
    Amendment.objects.filter(pk=made["g"].pk).update(state=Amendment.State.ACCEPTED)
    Ballot.objects.create(round=round_, voter=w.i)
    now = timezone.now()
    on_time = send(w.official, w.a)
    late = send(w.official, w.b)
    open_ = send(w.official, w.c)
    Request.objects.filter(pk__in=[on_time.pk, late.pk, open_.pk]).update(sheet=sheet)
    Request.objects.filter(pk=on_time.pk).update(
        state=Request.State.ANSWERED, answer_days=4, on_time=True, answered_at=now
    )
    Request.objects.filter(pk=late.pk).update(
        state=Request.State.ANSWERED, answer_days=8, on_time=False, answered_at=now
    )
    Request.objects.filter(pk=open_.pk).update(due_at=now + datetime.timedelta(days=5))
    w.sheet = to_stage(sheet, Stage.EVALUATION)
    w.stranger = UserFactory()
    w.staff = UserFactory(platform_role=PlatformRole.STAFF)
    return w
