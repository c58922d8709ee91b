"""The verbs of officials' requests: private, every one (a request is its parties' business;
what is published is read from the request itself, never from an activity list)."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register

from .machine import REQUEST_STATES

verbs_register(
    Verb("official.verified", _("a vérifié le profil d'un·e élu·e")),
    Verb("official.photo_set", _("a changé la photo d'un·e élu·e")),
    Verb("official.photo_removed", _("a retiré la photo d'un·e élu·e")),
    Verb("official.mandate_added", _("a ajouté un mandat au profil d'un·e élu·e")),
    Verb("official.mandate_removed", _("a retiré un mandat du profil d'un·e élu·e")),
    Verb("official_request.sent", private=True),
    Verb("official_request.published", private=True),
    Verb("official_request.flagged", private=True),
    # A reminder at 50 %, 80 % of the delay and on the due day (data: {"step"}).
    Verb("official_request.reminded", private=True),
    *(Verb(REQUEST_STATES.verb_name(t.name), private=True) for t in REQUEST_STATES.transitions),
)
