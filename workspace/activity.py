"""Writing and reading the append-only activity log that every app's services feed."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Activity, Workspace
from .permissions import workspace_of

# What each verb reads like after its actor's name, for every page that shows the log.
VERB_LABELS = {
    "workspace.created": _("a créé l'espace"),
    "workspace.updated": _("a modifié l'espace"),
    "membership.added": _("a ajouté un·e membre"),
    "membership.role_changed": _("a changé le rôle d'un·e membre"),
    "membership.removed": _("a retiré un·e membre"),
    "membership.invited": _("a invité une personne"),
    "membership.joined": _("a rejoint l'espace sur invitation"),
    "workspace.institution_granted": _("a accordé le statut d'institution"),
    "workspace.institution_withdrawn": _("a retiré le statut d'institution"),
    # Platform-level entries (no workspace): who changed whose account, for the admin's log.
    "user.created": _("a créé le compte"),
    "user.role_changed": _("a changé le rôle sur la plateforme"),
    "user.activated": _("a réactivé le compte"),
    "user.deactivated": _("a désactivé le compte"),
    "user.password_set": _("a changé le mot de passe"),
    "user.email_changed": _("a changé l'adresse électronique"),
    "document.uploaded": _("a déposé le document"),
    "document.revision_added": _("a déposé une nouvelle version"),
    "document.revision_restored": _("a rétabli une ancienne version"),
    "document.visibility_changed": _("a changé la visibilité"),
    "document.updated": _("a modifié la description"),
    "document.share_link_created": _("a créé un lien de partage"),
    "document.share_link_revoked": _("a révoqué un lien de partage"),
    "document.trashed": _("a mis le document à la corbeille"),
    "document.restored": _("a restauré le document"),
    "document.purged": _("a supprimé définitivement le document"),
    "document.shared_with_user": _("a partagé le document avec une personne"),
    "document.unshared_with_user": _("a retiré un partage"),
    "document.files_missing": _("fichiers introuvables signalés par la vérification"),
    "sheet.created": _("a créé la fiche"),
    "sheet.updated": _("a modifié la fiche"),
    "sheet.restored": _("a rétabli une version de la fiche"),
    "sheet.open_consultation": _("a ouvert la concertation"),
    "sheet.start_realisation": _("a fait passer le projet en réalisation"),
    "sheet.start_evaluation": _("a fait passer le projet en évaluation"),
    "sheet.archive": _("a archivé le projet"),
    "sheet.abandon": _("a abandonné le projet"),
    "sheet.step_back": _("a ramené le projet à l'étape précédente"),
    "framing_note.published": _("a publié une note de cadrage"),
    "checklist.attested": _("a attesté un élément de la démarche qualité"),
    "checklist.withdrawn": _("a retiré une attestation de la démarche qualité"),
}
# Drafts stay private to their author: these entries are never listed to others.
PRIVATE_VERBS = ("framing_note.drafted", "framing_note.updated")


def activity_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))


def activity_record(
    *,
    actor: Any,
    verb: str,
    target: Model | None = None,
    workspace: Workspace | None = None,
    data: dict | None = None,
) -> Activity:
    """Append one entry; called by services inside their transaction so it commits with them."""
    if workspace is None and target is not None:
        workspace = workspace_of(target)
    activity = Activity(
        workspace=workspace,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_repr=str(target)[:255] if target is not None else "",
        data=data or {},
    )
    activity.save()
    return activity


def activity_list_for_target(*, target: Model) -> QuerySet[Activity]:
    return Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("actor")


def activity_list_for_workspace(*, workspace: Workspace) -> QuerySet[Activity]:
    """The workspace's log as its members read it (drafts left out), with what each entry is about."""
    return (
        Activity.objects.filter(workspace=workspace)
        .exclude(verb__in=PRIVATE_VERBS)
        .select_related("actor", "target_type")
    )


def activity_list_for_targets(
    *, targets: list[Model], verbs: tuple[str, ...]
) -> QuerySet[Activity]:
    """Entries with these verbs about any of these objects (all of one model), newest first."""
    if not targets:
        return Activity.objects.none()
    return Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(targets[0]),
        target_id__in=[t.pk for t in targets],
        verb__in=verbs,
    ).select_related("actor")
