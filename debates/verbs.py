"""The activity verbs of debates and comments (the debate's transitions come from its table)."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register
from machines import machine_verbs_register

from .machine import DEBATE_STATES

verbs_register(
    Verb("debate.opened", _("a ouvert un débat")),
    Verb("comment.created", _("a publié un message dans un débat")),
    Verb("comment.edited", _("a modifié son message")),
    Verb("comment.deleted", _("a supprimé son message")),
    # Said by the platform once, the day before the last day of contributions.
    Verb("debate.closing_soon", _("clôture bientôt")),
)
machine_verbs_register(DEBATE_STATES)
