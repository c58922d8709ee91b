"""The activity verbs of territories: staff creating, renaming or moving a quartier (public
reference data: everyone may read who changed it)."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register

verbs_register(
    Verb("territory.quartier_created", _("a créé le quartier")),
    Verb("territory.quartier_updated", _("a modifié le quartier")),
)
