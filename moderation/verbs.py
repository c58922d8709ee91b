"""The activity verbs of moderation (the case's transitions come from its table)."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register
from machines import machine_verbs_register

from .machine import MODERATION

verbs_register(
    # Who reported what is never listed: the reporters' identities stay with the moderators.
    Verb("comment.reported", private=True),
    Verb("charter.published", _("a publié une nouvelle version de la charte")),
)
machine_verbs_register(MODERATION)
