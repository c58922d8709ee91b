"""The suite's one set of factories: users, workspaces and memberships as rows; sheets and
documents through their services, so tests build them the way users do."""

import factory
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import PlatformRole, User
from documents.demo import tiny_pdf
from documents.models import Document
from documents.services import document_create
from projects.models import FramingNote, ProjectSheet, SheetVersion, Stage
from projects.services import sheet_create
from workspace.models import Membership, Role, Workspace

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"User {n}")
    platform_role = PlatformRole.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Espace {n}")
    slug = factory.Sequence(lambda n: f"espace-{n}")
    kind = Workspace.Kind.CITIZEN_GROUP
    visibility = Workspace.Visibility.PUBLIC


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.READER


def member(workspace: Workspace, role: str = Role.CONTRIBUTOR) -> User:
    """A fresh user holding `role` in `workspace`: the default author of what factories write
    through the services (which check that the actor may write there)."""
    return MembershipFactory(workspace=workspace, role=role).user


class SheetFactory(factory.django.DjangoModelFactory):
    """A sheet and its version 1, written by `sheet_create` (by default as a fresh contributor of
    the workspace; `author=None` is an anonymous actor, which the service refuses).

    What no service does in one step is then placed directly, in the same transaction: a later
    `stage` (the FSM field is protected: tests jump to a stage with an UPDATE) and
    `placed_sections`, version 1's sections written as they are, whatever the stage reached.
    """

    class Meta:
        model = ProjectSheet

    workspace = factory.SubFactory(WorkspaceFactory)
    author = factory.LazyAttribute(lambda o: member(o.workspace))
    slug = factory.Sequence(lambda n: f"fiche-{n}")
    title = factory.Sequence(lambda n: f"Fiche {n}")
    summary = "Court."
    body = ""
    territory = None
    themes: tuple = ()
    is_public = True
    stage = Stage.INITIATIVE
    placed_sections = None

    @classmethod
    def _create(cls, model_class, *, author, stage, placed_sections, **fields):
        with transaction.atomic():
            sheet = sheet_create(actor=author, **fields)
            if placed_sections is not None:
                SheetVersion.objects.filter(pk=sheet.current_version_id).update(
                    sections=placed_sections
                )
            if stage != Stage.INITIATIVE:
                model_class.objects.filter(pk=sheet.pk).update(stage=stage)
        return model_class.objects.select_related("workspace", "current_version").get(pk=sheet.pk)


class FramingNoteFactory(factory.django.DjangoModelFactory):
    """A framing note by an official, published unless `status` says draft. Written as a row:
    the service refuses officials who cannot see the sheet, and tests frame sheets anywhere."""

    class Meta:
        model = FramingNote

    sheet = factory.SubFactory(SheetFactory)
    author = factory.SubFactory(UserFactory, platform_role=PlatformRole.OFFICIAL)
    political_intent = "Sécuriser les trajets."
    participation_level = "concert"
    use_of_contributions = "Chaque avis reçoit une réponse."
    status = FramingNote.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == FramingNote.Status.PUBLISHED else None
    )


class DocumentFactory(factory.django.DjangoModelFactory):
    """A document with a real file as revision 1, uploaded by `document_create` (stored under
    MEDIA_ROOT, checked, counted in the quota) by a contributor of the workspace."""

    class Meta:
        model = Document

    sheet = None
    workspace = factory.LazyAttribute(
        lambda o: o.sheet.workspace if o.sheet is not None else WorkspaceFactory()
    )
    uploader = factory.LazyAttribute(lambda o: member(o.workspace))
    title = factory.Sequence(lambda n: f"Document {n}")
    description = ""
    visibility = "public"
    name = factory.Sequence(lambda n: f"fichier-{n}.pdf")
    content = factory.LazyAttribute(lambda o: tiny_pdf(o.title))

    @classmethod
    def _create(cls, model_class, *, workspace, uploader, name, content, **fields):
        return document_create(
            actor=uploader,
            workspace=workspace,
            file=ContentFile(content, name=name),
            name=name,
            **fields,
        )
