"""The activity verbs of the workflow: one per stage transition (from the stage table, with
its label there), and checklist attestations."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register
from machines import machine_verbs_register

from .machine import SHEET_STAGES

machine_verbs_register(SHEET_STAGES)
verbs_register(
    Verb("checklist.attested", _("a attesté un élément de la démarche qualité")),
    Verb("checklist.withdrawn", _("a retiré une attestation de la démarche qualité")),
)
