"""The activity verbs of the workflow: one per stage transition, and checklist attestations."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register

verbs_register(
    Verb("sheet.open_consultation", _("a ouvert la concertation")),
    Verb("sheet.start_realisation", _("a fait passer le projet en réalisation")),
    Verb("sheet.start_evaluation", _("a fait passer le projet en évaluation")),
    Verb("sheet.archive", _("a archivé le projet")),
    Verb("sheet.abandon", _("a abandonné le projet")),
    Verb("sheet.step_back", _("a ramené le projet à l'étape précédente")),
    Verb("checklist.attested", _("a attesté un élément de la démarche qualité")),
    Verb("checklist.withdrawn", _("a retiré une attestation de la démarche qualité")),
)
