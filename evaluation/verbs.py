"""The activity verbs of the evaluation."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register

verbs_register(
    # The answer itself is never shown; the entry only says that one was given.
    Verb("evaluation.answered", _("a répondu au questionnaire d'évaluation"), private=True),
)
