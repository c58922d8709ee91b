"""The activity verbs of sheets and framing notes (the stage transitions are workflow's)."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register

verbs_register(
    Verb("sheet.created", _("a créé la fiche")),
    Verb("sheet.updated", _("a modifié la fiche")),
    Verb("sheet.restored", _("a rétabli une version de la fiche")),
    Verb("sheet.amended", _("a intégré un amendement à la fiche")),
    Verb("sheet.participation_changed", _("a changé le niveau de participation promis")),
    Verb("framing_note.published", _("a publié une note de cadrage")),
    # Drafts stay private to their author: these entries are never listed to others.
    Verb("framing_note.drafted", private=True),
    Verb("framing_note.updated", private=True),
)
