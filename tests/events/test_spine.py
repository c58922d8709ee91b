"""The event spine: every service that changes something visible records a declared event, and
search reacts to the events that change what it holds (its outbox rows, same transaction).

The services are found by introspection (every public function of every app's `services`
module or package), so a new service fails `test_every_service_is_in_the_table` until it is
given a case here (or a reason why it changes nothing anyone sees).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import PlatformRole
from accounts.services import mediation as mediator_services
from documents import services as documents_services
from documents.demo import tiny_pdf
from documents.models import Document
from events.models import Activity
from events.registry import UnknownVerb, Verb, verb_get, verbs_register
from events.services import event_record
from projects import services as projects_services
from projects.models import FramingNote, ProjectSheet
from search.models import IndexOutbox
from tests.factories import PASSWORD, DocumentFactory, SheetFactory, UserFactory
from workflow import services as workflow_services
from workflow.checklist import ITEMS_BY_CODE
from workspace import services as workspace_services
from workspace.models import Membership, Role, Workspace

from . import participation_cases

pytestmark = pytest.mark.django_db

# Public functions of a services module that change nothing anyone else sees, with the reason.
NO_EVENT = {
    "accounts.user_send_confirmation": "sends an e-mail, changes no row",
    "accounts.user_signup": "an unconfirmed account is inactive: nobody sees it",
    "accounts.user_confirm_email": "the person's own confirmation; what they do next is logged",
    "accounts.user_resend_confirmation": "sends an e-mail, changes no row",
    "accounts.account_awaiting_confirmation": "a read",
    "accounts.user_sync_admin_groups": "admin groups follow the platform role already logged",
    "accounts.user_request_email_change": "sends a link to the new address, changes no row",
    "workspace.invitation_read": "a read",
    "documents.schedule_extraction": "an after-commit hook of the upload services",
    "documents.schedule_file_delete": "an after-commit hook of the purge service",
    "documents.storage_orphan_delete": "deletes a stored file no row points to",
    "documents.token_hash": "a pure function",
    "documents.share_link_password_validate": "a check",
    "documents.share_link_resolve": "a read",
    "documents.share_link_check_password": "counts attempts, shows nothing",
    "workflow.transition_target": "a read",
    "search.search_query": "a read",
    "events.event_record": "the spine itself",
    "events.activity_target_relabel": "erases a deleted account's old name from the log",
    # The worker's own bookkeeping: heartbeats and requeued tasks, seen by operators only.
    "background.worker_heartbeat_record": "worker bookkeeping",
    "background.worker_heartbeat_remove": "worker bookkeeping",
    "background.worker_heartbeats_prune": "worker bookkeeping",
    "background.workers_alive": "a read",
    "background.tasks_requeue_orphaned": "worker bookkeeping",
    # Reference data edited by staff in the admin (no actor to log); the index keeps only their
    # slugs, which never change, and pages read names from the database.
    "territories.territory_slug": "a pure function",
    "territories.territory_create": "reference data, not indexed",
    "territories.territory_update": "reference data, slug unchanged",
    "territories.territories_load_reference": "reference data, not indexed",
    "territories.theme_create": "reference data, not indexed",
    "territories.theme_update": "reference data, slug unchanged",
    "territories.themes_load_defaults": "reference data, not indexed",
}


def discovered_services() -> set[str]:
    found = set()
    for config in apps.get_app_configs():
        name = f"{config.name}.services"
        if find_spec(config.name) is None or find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [
                importlib.import_module(f"{name}.{info.name}")
                for info in pkgutil.iter_modules(module.__path__)
            ]
        for mod in modules:
            for attr, value in vars(mod).items():
                public = inspect.isfunction(value) and not attr.startswith("_")
                if public and value.__module__ == mod.__name__:
                    found.add(f"{config.label}.{attr}")
    return found


@dataclass
class World:
    workspace: Workspace
    owner: object
    reader: object
    outsider: object
    staff: object
    official: object
    superuser: object
    sheet: ProjectSheet
    document: Document


@dataclass
class Expect:
    verbs: list[str]
    # (model name, primary key, action) of the outbox rows search must write.
    indexed: set[tuple[str, int, str]] = field(default_factory=set)


def whole_workspace(world: World) -> set[tuple[str, int, str]]:
    """What a workspace-wide re-index enqueues: every sheet, published note and document."""
    rows = {
        ("projectsheet", pk, "update") for pk in world.workspace.sheets.values_list("pk", flat=True)
    }
    rows |= {
        ("framingnote", pk, "update")
        for pk in FramingNote.objects.filter(
            sheet__workspace=world.workspace, status=FramingNote.Status.PUBLISHED
        ).values_list("pk", flat=True)
    }
    rows |= {
        ("document", pk, "update")
        for pk in Document.objects.filter(workspace=world.workspace).values_list("pk", flat=True)
    }
    return rows


def pdf(name: str = "annexe.pdf") -> ContentFile:
    return ContentFile(tiny_pdf("Annexe"), name=name)


def sheet_row(world: World, action: str = "update") -> tuple[str, int, str]:
    return ("projectsheet", world.sheet.pk, action)


def document_row(world: World, action: str = "update") -> tuple[str, int, str]:
    return ("document", world.document.pk, action)


def prepare(step: Callable[[], object]) -> None:
    """A step a case needs before the call it checks; its events and outbox rows are ignored."""
    step()
    IndexOutbox.objects.all().delete()
    _mark.append(Activity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)


_mark: list[int] = []


# --- one or more cases per service: each calls it with valid arguments, says what it expects ---


def _role_membership(world: World) -> Membership:
    return Membership.objects.get(workspace=world.workspace, user=world.reader)


def _draft(world: World) -> FramingNote:
    return projects_services.framing_note_create(
        actor=world.official,
        sheet=world.sheet,
        political_intent="Sécuriser les trajets.",
        participation_level="consult",
        use_of_contributions="Une réponse écrite.",
    )


def _attestable_code() -> str:
    return next(code for code, item in ITEMS_BY_CODE.items() if item.can_be_attested)


def _invitation_token(world: World, email: str) -> str:
    return signing.dumps(
        {"w": world.workspace.pk, "e": email, "r": Role.READER, "by": world.owner.pk},
        salt=workspace_services.INVITATION_SALT,
    )


def case_user_update_profile(w: World) -> Expect:
    accounts_services.user_update_profile(actor=w.outsider, user=w.outsider, display_name="Nom")
    return Expect(["user.profile_updated"])


def case_user_set_platform_role(w: World) -> Expect:
    accounts_services.user_set_platform_role(
        actor=w.superuser, user=w.outsider, role=PlatformRole.OFFICIAL
    )
    return Expect(["user.role_changed"])


def case_user_set_active(w: World) -> Expect:
    accounts_services.user_set_active(actor=w.superuser, user=w.outsider, active=False)
    return Expect(["user.deactivated"])


def case_user_set_password(w: World) -> Expect:
    accounts_services.user_set_password(
        actor=w.superuser, user=w.outsider, password=PASSWORD + "-nouveau"
    )
    return Expect(["user.password_set"])


def case_user_set_email(w: World) -> Expect:
    accounts_services.user_set_email(actor=w.superuser, user=w.outsider, email="neuf@example.org")
    return Expect(["user.email_changed"])


def case_user_confirm_email_change(w: World) -> Expect:
    token = signing.dumps(
        {"u": w.outsider.pk, "old": w.outsider.email, "new": "neuve@example.org"},
        salt="fabrique.accounts.email_change",
    )
    accounts_services.user_confirm_email_change(token=token)
    return Expect(["user.email_changed"])


def case_user_delete_account(w: World) -> Expect:
    accounts_services.user_delete_account(actor=w.reader, user=w.reader, password=PASSWORD)
    return Expect(["membership.removed", "user.account_deleted"])


def case_mediator_grant(w: World) -> Expect:
    mediator_services.mediator_grant(actor=w.staff, user=w.outsider)
    return Expect(["user.mediator_granted"])


def case_mediator_revoke(w: World) -> Expect:
    prepare(lambda: mediator_services.mediator_grant(actor=w.staff, user=w.outsider))
    mediator_services.mediator_revoke(actor=w.staff, user=w.outsider)
    return Expect(["user.mediator_revoked"])


def _paper_round(w: World):
    """A round of the world's sheet in its judgment, with one amendment (as preparation)."""
    from amendments import services as amendments_services
    from amendments.models import AmendmentRound

    box: dict = {}

    def steps() -> None:
        ProjectSheet.objects.filter(pk=w.sheet.pk).update(stage="consultation")
        w.sheet.refresh_from_db()
        now = timezone.now()
        box["round"] = amendments_services.round_open(
            actor=w.staff,
            sheet=w.sheet,
            submission_ends=now + timedelta(days=2),
            judgment_ends=now + timedelta(days=4),
        )
        box["amendment"] = amendments_services.amendment_submit(
            actor=w.reader, sheet=w.sheet, field="summary", text="Autre.", base_version=1
        )
        AmendmentRound.objects.filter(pk=box["round"].pk).update(
            submission_ends=now - timedelta(seconds=1)
        )
        box["round"].refresh_from_db()

    prepare(steps)
    return box["round"], box["amendment"]


def _paper_entry(w: World, actor, round_, amendment) -> None:
    from amendments import services as amendments_services

    amendments_services.paper_ballot_enter(
        actor=actor,
        round_=round_,
        identifier="P-1",
        place="Mairie",
        voted_on=timezone.localdate(),
        voter_label="A. B.",
        grades={"status_quo:summary": 2, str(amendment.pk): 5},
        declared_no_online_ballot=True,
    )


def case_paper_ballot_first_entry(w: World) -> Expect:
    round_, amendment = _paper_round(w)
    _paper_entry(w, w.staff, round_, amendment)
    return Expect(["ballot.paper_entered"])


def case_paper_ballot_agreeing_entry(w: World) -> Expect:
    round_, amendment = _paper_round(w)
    prepare(lambda: _paper_entry(w, w.staff, round_, amendment))
    _paper_entry(w, w.superuser, round_, amendment)
    return Expect(["ballot.paper_counted"])


def case_comment_create_assisted(w: World) -> Expect:
    from debates import services as debates_services

    box: dict = {}
    prepare(lambda: box.setdefault("debate", participation_cases._debate(w)))
    debates_services.comment_create_assisted(
        actor=w.staff,
        debate=box["debate"],
        body="Un avis recueilli.",
        pseudonym="R. K.",
        place="Mairie",
        collected_on=timezone.localdate(),
        consent=True,
    )
    return Expect(["comment.created"])


def case_paper_ballot_entry_withdraw(w: World) -> Expect:
    from amendments import services as amendments_services
    from amendments.models import PaperBallotEntry

    round_, amendment = _paper_round(w)
    prepare(lambda: _paper_entry(w, w.staff, round_, amendment))
    amendments_services.paper_ballot_entry_withdraw(
        actor=w.staff, entry=PaperBallotEntry.objects.get(round=round_)
    )
    return Expect(["ballot.paper_withdrawn"])


def case_user_create(w: World) -> Expect:
    accounts_services.user_create(
        actor=w.superuser, email="cree@example.org", display_name="Créé", password=PASSWORD
    )
    return Expect(["user.created"])


def case_workspace_create(w: World) -> Expect:
    workspace_services.workspace_create(actor=w.outsider, name="Nouveau", kind="citizen_group")
    return Expect(["workspace.created"])


def case_workspace_set_institution(w: World) -> Expect:
    workspace_services.workspace_set_institution(actor=w.staff, workspace=w.workspace, granted=True)
    return Expect(["workspace.institution_granted"], whole_workspace(w))


def case_workspace_update_visibility(w: World) -> Expect:
    workspace_services.workspace_update(actor=w.owner, workspace=w.workspace, visibility="private")
    return Expect(["workspace.updated"], whole_workspace(w))


def case_workspace_update_kind(w: World) -> Expect:
    prepare(
        lambda: workspace_services.workspace_set_institution(
            actor=w.staff, workspace=w.workspace, granted=True
        )
    )
    workspace_services.workspace_update(
        actor=w.owner, workspace=w.workspace, kind=Workspace.Kind.CITIZEN_GROUP
    )
    return Expect(["workspace.updated"], whole_workspace(w))


def case_workspace_update_description(w: World) -> Expect:
    workspace_services.workspace_update(actor=w.owner, workspace=w.workspace, description="Autre")
    return Expect(["workspace.updated"])  # nothing indexed copies the description


def case_membership_add(w: World) -> Expect:
    workspace_services.membership_add(
        actor=w.owner, workspace=w.workspace, email=w.outsider.email, role=Role.READER
    )
    return Expect(["membership.added"])


def case_membership_invite(w: World) -> Expect:
    workspace_services.membership_invite(
        actor=w.owner,
        workspace=w.workspace,
        email="invite@example.org",
        role=Role.READER,
        base_url="http://testserver",
    )
    return Expect(["membership.invited"])


def case_membership_accept_invitation(w: World) -> Expect:
    token = _invitation_token(w, w.outsider.email)
    workspace_services.membership_accept_invitation(actor=w.outsider, token=token)
    return Expect(["membership.joined"])


def case_membership_change_role(w: World) -> Expect:
    workspace_services.membership_change_role(
        actor=w.owner, membership=_role_membership(w), role=Role.EDITOR
    )
    return Expect(["membership.role_changed"])


def case_membership_remove(w: World) -> Expect:
    workspace_services.membership_remove(actor=w.owner, membership=_role_membership(w))
    return Expect(["membership.removed"])


def case_sheet_create(w: World) -> Expect:
    sheet = projects_services.sheet_create(
        actor=w.owner, workspace=w.workspace, title="Autre fiche", summary="Court."
    )
    return Expect(["sheet.created"], {("projectsheet", sheet.pk, "update")})


def case_sheet_update(w: World) -> Expect:
    projects_services.sheet_update(actor=w.owner, sheet=w.sheet, base_version=1, summary="Neuf.")
    return Expect(["sheet.updated"], {sheet_row(w)})


def case_sheet_update_members_only(w: World) -> Expect:
    projects_services.sheet_update(actor=w.owner, sheet=w.sheet, base_version=1, is_public=False)
    return Expect(["sheet.updated"], {sheet_row(w)})


def case_sheet_update_participation_lowered(w: World) -> Expect:
    """A lower promise once the consultation has started, with its public note."""
    prepare(lambda: ProjectSheet.objects.filter(pk=w.sheet.pk).update(stage="consultation"))
    w.sheet.refresh_from_db()
    projects_services.sheet_update(
        actor=w.owner,
        sheet=w.sheet,
        base_version=1,
        participation_level="inform",
        participation_note="Le conseil a déjà tranché : nous vous informons.",
    )
    return Expect(["sheet.updated", "sheet.participation_changed"], {sheet_row(w)})


def case_sheet_create_with_level(w: World) -> Expect:
    sheet = projects_services.sheet_create(
        actor=w.owner,
        workspace=w.workspace,
        title="Budget participatif",
        summary="Court.",
        participation_level="co_decide",
    )
    return Expect(["sheet.created"], {("projectsheet", sheet.pk, "update")})


def case_sheet_version_restore(w: World) -> Expect:
    prepare(
        lambda: projects_services.sheet_update(
            actor=w.owner, sheet=w.sheet, base_version=1, summary="Neuf."
        )
    )
    projects_services.sheet_version_restore(actor=w.owner, sheet=w.sheet, number=1)
    return Expect(["sheet.restored"], {sheet_row(w)})


def case_framing_note_create_draft(w: World) -> Expect:
    _draft(w)
    return Expect(["framing_note.drafted"])  # a draft is never indexed


def case_framing_note_create_published(w: World) -> Expect:
    note = projects_services.framing_note_create(
        actor=w.official,
        sheet=w.sheet,
        political_intent="Sécuriser les trajets.",
        participation_level="consult",
        use_of_contributions="Une réponse écrite.",
        publish=True,
    )
    return Expect(
        ["framing_note.drafted", "framing_note.published"],
        {("framingnote", note.pk, "update"), sheet_row(w)},
    )


def case_framing_note_update(w: World) -> Expect:
    notes: list[FramingNote] = []
    prepare(lambda: notes.append(_draft(w)))
    projects_services.framing_note_update(actor=w.official, note=notes[0], legal_constraints="Loi")
    return Expect(["framing_note.updated"])


def case_framing_note_publish(w: World) -> Expect:
    notes: list[FramingNote] = []
    prepare(lambda: notes.append(_draft(w)))
    projects_services.framing_note_publish(actor=w.official, note=notes[0])
    return Expect(
        ["framing_note.published"], {("framingnote", notes[0].pk, "update"), sheet_row(w)}
    )


def case_document_create(w: World) -> Expect:
    document = documents_services.document_create(
        actor=w.owner, workspace=w.workspace, file=pdf(), name="annexe.pdf", visibility="public"
    )
    return Expect(["document.uploaded"], {("document", document.pk, "update")})


def case_document_revision_add(w: World) -> Expect:
    documents_services.document_revision_add(
        actor=w.owner, document=w.document, file=pdf(), name="annexe.pdf"
    )
    return Expect(["document.revision_added"], {document_row(w)})


def case_document_revision_restore(w: World) -> Expect:
    prepare(
        lambda: documents_services.document_revision_add(
            actor=w.owner, document=w.document, file=pdf(), name="annexe.pdf"
        )
    )
    documents_services.document_revision_restore(actor=w.owner, document=w.document, number=1)
    return Expect(["document.revision_restored"], {document_row(w)})


def case_document_update_visibility(w: World) -> Expect:
    documents_services.document_update(actor=w.owner, document=w.document, visibility="members")
    return Expect(["document.visibility_changed"], {document_row(w)})


def case_document_update_attach(w: World) -> Expect:
    documents_services.document_update(actor=w.owner, document=w.document, sheet=w.sheet)
    return Expect(["document.updated"], {document_row(w)})


def case_document_trash(w: World) -> Expect:
    documents_services.document_trash(actor=w.owner, document=w.document)
    return Expect(["document.trashed"], {document_row(w, "delete")})


def case_document_restore(w: World) -> Expect:
    prepare(lambda: documents_services.document_trash(actor=w.owner, document=w.document))
    documents_services.document_restore(actor=w.owner, document=w.document)
    return Expect(["document.restored"], {document_row(w)})


def case_document_purge(w: World) -> Expect:
    prepare(lambda: documents_services.document_trash(actor=w.owner, document=w.document))
    row = document_row(w, "delete")
    documents_services.document_purge(actor=w.owner, document=w.document)
    return Expect(["document.purged"], {row})


def case_document_trash_purge_expired(w: World) -> Expect:
    def trash_long_ago() -> None:
        documents_services.document_trash(actor=w.owner, document=w.document)
        Document.objects.filter(pk=w.document.pk).update(
            trashed_at=timezone.now() - timedelta(days=3650)
        )

    prepare(trash_long_ago)
    row = document_row(w, "delete")
    assert documents_services.document_trash_purge_expired() == 1
    return Expect(["document.purged"], {row})


def case_share_link_create(w: World) -> Expect:
    documents_services.share_link_create(
        actor=w.owner, document=w.document, expires_at=timezone.now() + timedelta(days=3)
    )
    return Expect(["document.share_link_created"])  # a link grants at query time


def case_share_link_revoke(w: World) -> Expect:
    links: list = []
    prepare(
        lambda: links.append(
            documents_services.share_link_create(
                actor=w.owner, document=w.document, expires_at=timezone.now() + timedelta(days=3)
            )[0]
        )
    )
    documents_services.share_link_revoke(actor=w.owner, link=links[0])
    return Expect(["document.share_link_revoked"])


def case_document_grant_view(w: World) -> Expect:
    documents_services.document_grant_view(actor=w.owner, document=w.document, user=w.outsider)
    return Expect(["document.shared_with_user"])  # grants apply at query time


def case_document_revoke_view(w: World) -> Expect:
    prepare(
        lambda: documents_services.document_grant_view(
            actor=w.owner, document=w.document, user=w.outsider
        )
    )
    documents_services.document_revoke_view(actor=w.owner, document=w.document, user=w.outsider)
    return Expect(["document.unshared_with_user"])


def case_sheet_transition(w: World) -> Expect:
    workflow_services.sheet_transition(
        actor=w.staff, sheet=w.sheet, name="abandon", note="Le projet est repris ailleurs."
    )
    return Expect(["sheet.abandon"], {sheet_row(w)})


def case_attestation_create(w: World) -> Expect:
    workflow_services.attestation_create(actor=w.staff, sheet=w.sheet, code=_attestable_code())
    return Expect(["checklist.attested"])  # the checklist is not indexed


def case_attestation_withdraw(w: World) -> Expect:
    code = _attestable_code()
    prepare(lambda: workflow_services.attestation_create(actor=w.staff, sheet=w.sheet, code=code))
    workflow_services.attestation_withdraw(actor=w.staff, sheet=w.sheet, code=code)
    return Expect(["checklist.withdrawn"])


CASES: dict[str, list[Callable[[World], Expect]]] = {
    "accounts.user_update_profile": [case_user_update_profile],
    "accounts.user_set_platform_role": [case_user_set_platform_role],
    "accounts.user_set_active": [case_user_set_active],
    "accounts.user_set_password": [case_user_set_password],
    "accounts.user_set_email": [case_user_set_email],
    "accounts.user_create": [case_user_create],
    "accounts.user_confirm_email_change": [case_user_confirm_email_change],
    "accounts.user_delete_account": [case_user_delete_account],
    "accounts.mediator_grant": [case_mediator_grant],
    "accounts.mediator_revoke": [case_mediator_revoke],
    "workspace.workspace_create": [case_workspace_create],
    "workspace.workspace_set_institution": [case_workspace_set_institution],
    "workspace.workspace_update": [
        case_workspace_update_visibility,
        case_workspace_update_kind,
        case_workspace_update_description,
    ],
    "workspace.membership_add": [case_membership_add],
    "workspace.membership_invite": [case_membership_invite],
    "workspace.membership_accept_invitation": [case_membership_accept_invitation],
    "workspace.membership_change_role": [case_membership_change_role],
    "workspace.membership_remove": [case_membership_remove],
    "projects.sheet_create": [case_sheet_create, case_sheet_create_with_level],
    "projects.sheet_update": [
        case_sheet_update,
        case_sheet_update_members_only,
        case_sheet_update_participation_lowered,
    ],
    "projects.sheet_version_restore": [case_sheet_version_restore],
    "projects.framing_note_create": [
        case_framing_note_create_draft,
        case_framing_note_create_published,
    ],
    "projects.framing_note_update": [case_framing_note_update],
    "projects.framing_note_publish": [case_framing_note_publish],
    "documents.document_create": [case_document_create],
    "documents.document_revision_add": [case_document_revision_add],
    "documents.document_revision_restore": [case_document_revision_restore],
    "documents.document_update": [case_document_update_visibility, case_document_update_attach],
    "documents.document_trash": [case_document_trash],
    "documents.document_restore": [case_document_restore],
    "documents.document_purge": [case_document_purge],
    "documents.document_trash_purge_expired": [case_document_trash_purge_expired],
    "documents.share_link_create": [case_share_link_create],
    "documents.share_link_revoke": [case_share_link_revoke],
    "documents.document_grant_view": [case_document_grant_view],
    "documents.document_revoke_view": [case_document_revoke_view],
    "workflow.sheet_transition": [case_sheet_transition],
    "workflow.attestation_create": [case_attestation_create],
    "workflow.attestation_withdraw": [case_attestation_withdraw],
}
CASES.update(participation_cases.cases(prepare, sheet_row))
NO_EVENT.update(participation_cases.PARTICIPATION_NO_EVENT)
CASES["debates.comment_create_assisted"] = [case_comment_create_assisted]
CASES["amendments.paper_ballot_entry_withdraw"] = [case_paper_ballot_entry_withdraw]
CASES["amendments.paper_ballot_enter"] = [
    case_paper_ballot_first_entry,
    case_paper_ballot_agreeing_entry,
]


def test_every_service_is_in_the_table():
    """A service nobody listed here may change something without an event: list it (with a case
    that calls it) or say in NO_EVENT why it changes nothing anyone sees."""
    discovered = discovered_services()
    assert discovered - set(CASES) - set(NO_EVENT) == set(), "services without a case"
    assert set(CASES) & set(NO_EVENT) == set()
    assert set(CASES) | set(NO_EVENT) <= discovered, "cases for services that no longer exist"


@pytest.fixture
def world(make_workspace) -> World:
    workspace, actors = make_workspace(visibility="public")
    sheet = SheetFactory(workspace=workspace, author=actors["owner"])
    document = DocumentFactory(workspace=workspace, uploader=actors["owner"])
    IndexOutbox.objects.all().delete()
    _mark.clear()
    _mark.append(Activity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    return World(
        workspace=workspace,
        owner=actors["owner"],
        reader=actors["reader"],
        outsider=actors["outsider"],
        staff=actors["staff"],
        official=actors["official"],
        superuser=UserFactory(is_superuser=True, is_staff=True),
        sheet=sheet,
        document=document,
    )


ALL_CASES = [case for cases in CASES.values() for case in cases]


@pytest.mark.parametrize(
    "case", ALL_CASES, ids=[c.__name__.removeprefix("case_") for c in ALL_CASES]
)
def test_the_service_records_its_event_and_search_follows(world, case):
    expected = case(world)
    recorded = list(Activity.objects.filter(pk__gt=_mark[-1]).order_by("pk"))
    assert [a.verb for a in recorded] == expected.verbs
    for activity in recorded:
        verb = verb_get(activity.verb)  # declared by its app
        assert activity.private == verb.private
        assert verb.private or verb.label, f"{verb.name} has no label"
    outbox = {
        (row.content_type.model, int(row.object_id), row.action)
        for row in IndexOutbox.objects.select_related("content_type")
    }
    assert outbox == expected.indexed


def test_text_extraction_reindexes_through_a_private_event(world):
    """The worker's extraction is no service, yet what the document is searched by changed."""
    from documents.tasks import revision_extract_text

    revision_extract_text.call(world.document.current_revision_id)
    entry = Activity.objects.filter(pk__gt=_mark[-1]).get()
    assert (entry.verb, entry.private, entry.target_id) == (
        "document.text_extracted",
        True,
        world.document.pk,
    )
    assert set(IndexOutbox.objects.values_list("object_id", "action")) == {
        (str(world.document.pk), "update")
    }


def test_an_undeclared_verb_is_refused_and_writes_nothing(world):
    with pytest.raises(UnknownVerb):
        event_record(actor=world.owner, verb="sheet.teleported", target=world.sheet)
    assert not Activity.objects.filter(pk__gt=_mark[-1]).exists()


def test_a_verb_declared_twice_differently_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    verbs_register(Verb("sheet.created", verb_get("sheet.created").label))  # same: harmless
    with pytest.raises(ImproperlyConfigured):
        verbs_register(Verb("sheet.created", "autre chose"))


def test_subscribers_write_in_the_event_transaction(world):
    """A service that fails after its event leaves neither the entry nor the outbox row."""
    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(actor=world.owner, verb="sheet.updated", target=world.sheet)
        assert IndexOutbox.objects.exists()
        raise RuntimeError
    assert not Activity.objects.filter(pk__gt=_mark[-1]).exists()
    assert not IndexOutbox.objects.exists()


def test_an_entry_recorded_private_stays_out_of_the_logs(world):
    """`private=True` hides one entry of a public verb from every listing, like a draft."""
    from events.selectors import activity_list_for_target, activity_list_for_workspace

    entry = event_record(actor=world.owner, verb="sheet.updated", target=world.sheet, private=True)
    assert entry.private
    assert entry not in activity_list_for_workspace(workspace=world.workspace)
    assert entry not in activity_list_for_target(target=world.sheet)
