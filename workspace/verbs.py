"""The activity verbs of workspaces and memberships, as their pages read them."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register

verbs_register(
    Verb("workspace.created", _("a créé l'espace")),
    Verb("workspace.updated", _("a modifié l'espace")),
    Verb("membership.added", _("a ajouté un·e membre")),
    Verb("membership.role_changed", _("a changé le rôle d'un·e membre")),
    Verb("membership.removed", _("a retiré un·e membre")),
    Verb("membership.invited", _("a invité une personne")),
    Verb("membership.joined", _("a rejoint l'espace sur invitation")),
    Verb("workspace.institution_granted", _("a accordé le statut d'institution")),
    Verb("workspace.institution_withdrawn", _("a retiré le statut d'institution")),
)
