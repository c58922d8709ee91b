"""The activity verbs of documents, as their pages read them."""

from django.utils.translation import gettext_lazy as _

from events.registry import Verb, verbs_register

verbs_register(
    Verb("document.uploaded", _("a déposé le document")),
    Verb("document.revision_added", _("a déposé une nouvelle version")),
    Verb("document.revision_restored", _("a rétabli une ancienne version")),
    Verb("document.visibility_changed", _("a changé la visibilité")),
    Verb("document.updated", _("a modifié la description")),
    Verb("document.share_link_created", _("a créé un lien de partage")),
    Verb("document.share_link_revoked", _("a révoqué un lien de partage")),
    Verb("document.trashed", _("a mis le document à la corbeille")),
    Verb("document.restored", _("a restauré le document")),
    Verb("document.purged", _("a supprimé définitivement le document")),
    Verb("document.shared_with_user", _("a partagé le document avec une personne")),
    Verb("document.unshared_with_user", _("a retiré un partage")),
    Verb("document.files_missing", _("fichiers introuvables signalés par la vérification")),
    # The worker's text extraction finished: what the document is searched by changed. Nobody
    # reads it in a log (it follows every upload), hence private.
    Verb("document.text_extracted", private=True),
)
