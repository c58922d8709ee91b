"""The verbs of meetings. Registrations are private (who registers is the organisers' business
alone); scheduling, cancelling and the restitution are public, heard by the sheet's and the
territory's followers (notifications.rules)."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register

verbs_register(
    Verb("meeting.scheduled", _("a annoncé une réunion")),
    Verb("meeting.updated", _("a modifié une réunion")),
    Verb("meeting.cancelled", _("a annulé une réunion")),
    Verb("meeting.restitution_published", _("a publié la restitution d'une réunion")),
    Verb("meeting.registration_created", private=True),
    Verb("meeting.registration_confirmed", private=True),
    Verb("meeting.registration_cancelled", private=True),
    Verb("meeting.waiting_list_promoted", private=True),
    Verb("meeting.registrations_expired", private=True),
    Verb("meeting.reminded", private=True),
)
