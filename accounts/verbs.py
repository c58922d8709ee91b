"""The activity verbs of accounts: platform-level entries (no workspace), for the admin's log of
who changed whose account."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register

verbs_register(
    Verb("user.created", _("a créé le compte")),
    Verb("user.role_changed", _("a changé le rôle sur la plateforme")),
    Verb("user.activated", _("a réactivé le compte")),
    Verb("user.deactivated", _("a désactivé le compte")),
    Verb("user.password_set", _("a changé le mot de passe")),
    Verb("user.email_changed", _("a changé l'adresse électronique")),
    Verb("user.profile_updated", _("a modifié le profil")),
    Verb("user.account_deleted", _("a supprimé son compte")),
    Verb("user.mediator_granted", _("a accordé le rôle de médiation")),
    Verb("user.mediator_revoked", _("a retiré le rôle de médiation")),
)
