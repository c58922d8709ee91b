"""The activity verbs of amendments (the round's and the amendment's transitions come from
their tables)."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register
from machines import machine_verbs_register

from .machine import AMENDMENT_STATES, ROUND_STATES

verbs_register(
    Verb("amendment_round.opened", _("a ouvert un tour d'amendements")),
    Verb("amendment.submitted", _("a proposé un amendement")),
    Verb("amendment.rebased", _("a reporté l'amendement sur la nouvelle version")),
    # Said by the platform once per window, FABRIQUE_CLOSING_SOON_HOURS before its end.
    Verb("amendment_round.closing_soon", _("clôture bientôt")),
    # Who judged is nobody else's business: never listed.
    Verb("ballot.cast", private=True),
    # A mediator's typing of a paper ballot, and the agreeing second entry that counts it.
    Verb("ballot.paper_entered", private=True),
    Verb("ballot.paper_counted", private=True),
    Verb("ballot.paper_withdrawn", private=True),
)
machine_verbs_register(ROUND_STATES)
machine_verbs_register(AMENDMENT_STATES)
