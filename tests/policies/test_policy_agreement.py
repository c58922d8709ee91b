"""The object check and the list filter of every policy agree, on generated data.

A leak starts where they differ: a list that shows a row the detail page refuses (or a search
that counts it), or a page that opens an object no list would show. For several random worlds
(workspaces public or private, members in every role, sheets public or not in every stage,
framing notes drafted or published, documents public, members-only, trashed or granted to an
outsider, share links, institution workspaces granted by staff who stayed or left, stage
transitions and attestations run through the services), every kind of user and every action of every registered policy, the set
of objects that `check` accepts must be exactly the set of rows that `q` selects.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import PlatformRole, User
from documents.models import Document, DocumentRevision, ShareLink
from documents.services.sharing import document_grant_view, share_link_create
from policies import POLICIES
from projects.models import STAGE_ORDER, FramingNote, ProjectSheet, SheetVersion, Stage
from tests.factories import (
    DocumentFactory,
    FramingNoteFactory,
    MembershipFactory,
    SheetFactory,
    UserFactory,
    WorkspaceFactory,
)
from workflow.models import Attestation, TransitionLog
from workflow.services import attestation_create, attestation_withdraw, sheet_transition
from workspace.models import Role, Workspace
from workspace.services import workspace_set_institution

SEEDS = range(4)
ALL_STAGES = [*STAGE_ORDER, Stage.ARCHIVED, Stage.ABANDONED]


def _world(seed: int) -> list[User | None]:
    """Build one random world through the factories and services; return its users."""
    rng = random.Random(seed)
    people = [UserFactory() for _ in range(5)]
    officials = [UserFactory(platform_role=PlatformRole.OFFICIAL) for _ in range(2)]
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    gone = UserFactory()
    workspaces = [
        WorkspaceFactory(visibility=rng.choice(list(Workspace.Visibility.values))) for _ in range(3)
    ]
    for workspace in workspaces:
        owner = MembershipFactory(workspace=workspace, role=Role.OWNER).user
        for person in rng.sample(people + officials + [gone], 4):
            MembershipFactory(workspace=workspace, user=person, role=rng.choice(Role.values))
        for _ in range(3):
            sheet = SheetFactory(
                workspace=workspace,
                is_public=rng.random() < 0.6,
                stage=rng.choice(ALL_STAGES),
            )
            for official in officials:
                if rng.random() < 0.6:
                    status = rng.choice(list(FramingNote.Status.values))
                    FramingNoteFactory(
                        sheet=sheet,
                        author=official,
                        status=status,
                        published_at=timezone.now() if status == "published" else None,
                    )
        for _ in range(3):
            document = DocumentFactory(
                workspace=workspace,
                visibility=rng.choice(["public", "members"]),
                uploader=owner,
            )
            if rng.random() < 0.4:
                share_link_create(
                    actor=owner, document=document, expires_at=timezone.now() + timedelta(days=3)
                )
            if rng.random() < 0.4:
                document_grant_view(actor=owner, document=document, user=rng.choice(people))
            if rng.random() < 0.3:
                Document.objects.filter(pk=document.pk).update(trashed_at=timezone.now())
    moderator = UserFactory(platform_role=PlatformRole.MODERATOR)
    _debates(rng, workspaces, people, superuser, moderator)
    _amendments(rng, workspaces, people, officials, superuser)
    _workflow(rng, workspaces, staff, superuser, gone_staff=UserFactory(platform_role="staff"))
    _officials(rng, people, officials, staff, moderator)
    _meetings(rng, people, superuser)
    _notifications(rng, people + officials)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    # Fresh objects: no role cache from the building above.
    ids = [p.pk for p in [*people, *officials, staff, superuser, gone, moderator]]
    return [None, *User.objects.filter(pk__in=ids).order_by("pk")]


def _debates(rng: random.Random, workspaces, people, superuser, moderator) -> None:
    """Debates on sheets (of every visibility), in workspaces and about a theme; comments and
    replies; reports, decisions and notices through the services."""
    from debates.permissions import COMMENT_POLICY
    from debates.services import comment_create, debate_create
    from moderation.models import ModerationCase
    from moderation.services import case_decide, report_create
    from territories.models import Theme

    theme = Theme.objects.order_by("pk").first()
    debates = [debate_create(actor=superuser, title="Thème", themes=[theme])]
    for workspace in workspaces:
        debates.append(debate_create(actor=superuser, title="Espace", workspace=workspace))
        for sheet in workspace.sheets.filter(stage__in=STAGE_ORDER):
            if rng.random() < 0.6:
                debates.append(debate_create(actor=superuser, title="Fiche", sheet=sheet))
    for debate in debates:
        with override_settings(FABRIQUE_COMMENTS_PER_WINDOW=1000):
            first = comment_create(actor=superuser, debate=debate, body="Premier avis.")
            comment_create(actor=superuser, debate=debate, body="Réponse.", parent=first)
        readers = [p for p in people if COMMENT_POLICY.check(p, first)]
        if readers and rng.random() < 0.6:
            report_create(actor=rng.choice(readers), comment=first, reason="spam")
            if rng.random() < 0.5:
                case = ModerationCase.objects.get(comment=first)
                case_decide(actor=moderator, case=case, action="hide", reason="Pub", rule="3")


def _amendments(rng: random.Random, workspaces, people, officials, superuser) -> None:
    """A sheet in consultation per workspace with a round opened by an official who sees it (or
    the superuser), amendments by several people, some withdrawn."""
    from amendments.services import amendment_submit, amendment_withdraw, round_open
    from projects.permissions import SHEET_POLICY

    now = timezone.now()
    for workspace in workspaces:
        sheet = SheetFactory(
            workspace=workspace, stage=Stage.CONSULTATION, is_public=rng.random() < 0.6
        )
        opener = next((o for o in officials if SHEET_POLICY.check(o, sheet)), superuser)
        round_open(
            actor=opener,
            sheet=sheet,
            submission_ends=now + timedelta(days=3),
            judgment_ends=now + timedelta(days=6),
        )
        for author in [superuser, *[p for p in people if SHEET_POLICY.check(p, sheet)][:2]]:
            amendment = amendment_submit(
                actor=author,
                sheet=sheet,
                field="summary",
                text=f"Résumé de {author.pk}.",
                base_version=1,
            )
            if rng.random() < 0.3:
                amendment_withdraw(actor=author, amendment=amendment)


def _officials(rng: random.Random, people, officials, staff, moderator) -> None:
    """Verified officials (with a delegate among the people), requests of every visibility from
    several people, moved to every state; public questions approved or refused."""
    from officials.models import OfficialProfile
    from officials.services import (
        official_profile_set,
        request_answer,
        request_clarify,
        request_inadmissible,
        request_publication_decide,
        request_redirect,
        request_send,
    )

    profiles = [
        official_profile_set(
            actor=staff, user=o, commitment_days=10, delegates=[rng.choice(people)]
        )
        for o in officials
    ]
    for person in people[:4]:
        for profile in profiles:
            request = request_send(
                actor=person,
                official=profile,
                subject="Une question",
                body="Le texte de la question.",
                public=rng.random() < 0.5,
            )
            step = rng.choice(["none", "answer", "clarify", "inadmissible", "redirect"])
            if step == "answer":
                request_answer(actor=profile.user, request=request, body="La réponse.")
            elif step == "clarify":
                request_clarify(actor=profile.user, request=request, question="Où ?")
            elif step == "inadmissible":
                request_inadmissible(actor=profile.user, request=request, reason="duplicate")
            elif step == "redirect":
                other = OfficialProfile.objects.exclude(pk=profile.pk).first()
                request_redirect(actor=profile.user, request=request, official=other)
            if request.public and rng.random() < 0.7:
                request_publication_decide(
                    actor=moderator, request=request, approve=rng.random() < 0.7
                )


def _meetings(rng: random.Random, people, organiser) -> None:
    """Meetings of sheets in every workspace (and of a territory), with registrations of
    people signed in or not."""
    from meetings.permissions import MEETING_POLICY
    from meetings.services import registration_create
    from territories.models import Territory
    from tests.meetings.factories import meeting

    places = [{"sheet": s} for s in rng.sample(list(ProjectSheet.objects.all()), 4)]
    places.append({"territory": Territory.objects.filter(kind="commune").first()})
    for index, where in enumerate(places):
        m = meeting(actor=organiser, capacity=rng.choice([None, 1, 2]), **where)
        for person in people:
            if MEETING_POLICY.check(person, m) and rng.random() < 0.6:
                registration_create(actor=person, meeting=m)
        if MEETING_POLICY.check(None, m):
            registration_create(actor=None, meeting=m, name="Ana", email=f"ana{index}@x.org")


def _workflow(rng: random.Random, workspaces, staff, superuser, gone_staff) -> None:
    """Institutions granted by staff who stay or leave; transitions and attestations run by the
    superuser (who sees every sheet), some attestations withdrawn."""
    for workspace, grantor in zip(workspaces, [staff, gone_staff, None], strict=True):
        if grantor is not None and rng.random() < 0.8:
            workspace_set_institution(actor=grantor, workspace=workspace, granted=True)
    User.objects.filter(pk=gone_staff.pk).update(is_active=False)
    for sheet in ProjectSheet.objects.filter(stage__in=STAGE_ORDER):
        if rng.random() < 0.5:
            attestation_create(actor=superuser, sheet=sheet, code="plain_language")
            if rng.random() < 0.5:
                attestation_withdraw(actor=superuser, sheet=sheet, code="plain_language")
        if rng.random() < 0.4:
            sheet_transition(actor=superuser, sheet=sheet, name="abandon", note="Pour voir.")


def _notifications(rng: random.Random, people) -> None:
    """People follow sheets and workspaces; the world's events are fanned out as the worker
    would (notifications of every kind: replies, decisions, requests, follows)."""
    from notifications.fanout import fan_out_pending
    from notifications.models import Level
    from notifications.services import subscription_follow

    for person in people:
        for sheet in rng.sample(list(ProjectSheet.objects.all()), 3):
            try:
                subscription_follow(
                    actor=person,
                    target_type="sheet",
                    target=sheet.pk,
                    level=rng.choice(Level.values),
                    update=True,
                )
            except Exception:  # a sheet this person may not see: refused, as it should be
                continue
    while fan_out_pending():
        pass


def test_every_model_with_private_rows_has_a_registered_policy():
    expected = {Workspace, ProjectSheet, SheetVersion, FramingNote, Document, DocumentRevision}
    expected |= {ShareLink, TransitionLog, Attestation}
    assert expected <= set(POLICIES)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", SEEDS)
def test_object_check_and_list_filter_agree(seed, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    users = _world(seed)
    disagreements = []
    for model, policy in POLICIES.items():
        objects = list(model._default_manager.all())
        assert objects, f"the generated world has no {model.__name__}"
        for user in users:
            for action in policy.actions:
                by_check = {obj.pk for obj in objects if policy.check(user, obj, action)}
                by_filter = set(
                    model._default_manager.filter(policy.q(user, action)).values_list(
                        "pk", flat=True
                    )
                )
                if by_check != by_filter:
                    disagreements.append(
                        f"{model.__name__}.{action} for {user!r}: "
                        f"check only {sorted(by_check - by_filter)}, "
                        f"filter only {sorted(by_filter - by_check)}"
                    )
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.django_db
def test_the_agreement_test_sees_a_disagreement(tmp_path, settings):
    """GIVEN a policy whose list filter forgets one branch of its object check
    WHEN the same comparison runs THEN it reports the rows only the check accepts."""
    from policies import Policy, field_is
    from workspace.permissions import IN_PUBLIC_WORKSPACE, role_perm

    settings.MEDIA_ROOT = tmp_path
    users = _world(0)
    honest = IN_PUBLIC_WORKSPACE | role_perm("projects.view_projectsheet")
    broken = field_is("is_public", True) | honest
    leaky = Policy(
        ProjectSheet,
        workspace_path="workspace",
        rules={"view": type(broken)(broken.name, broken.test, honest.q)},
    )
    sheets = list(ProjectSheet.objects.all())
    differs = 0
    for user in users:
        by_check = {s.pk for s in sheets if leaky.check(user, s)}
        by_filter = set(
            ProjectSheet.objects.filter(leaky.visible_q(user)).values_list("pk", flat=True)
        )
        differs += by_check != by_filter
    assert differs
