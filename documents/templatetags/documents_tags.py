"""Display helpers for document pages: type labels and activity verbs."""

from django import template
from django.utils.translation import gettext_lazy as _

from ..validation import file_type_label

register = template.Library()

ACTIVITY_LABELS = {
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
}


@register.filter
def file_type(mime_type: str | None) -> str:
    return file_type_label(mime_type) if mime_type else "—"


@register.filter
def activity_label(verb: str) -> str:
    return str(ACTIVITY_LABELS.get(verb, verb))
