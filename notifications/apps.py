from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from accounts.api import MeField, me_field_register
        from events.registry import subscriber_register

        from . import periodic, permissions  # noqa: F401 - registers the jobs and policies
        from .fanout import notifications_on_event

        # Every event someone may be told of leaves a fan-out row in its own transaction.
        subscriber_register(notifications_on_event)

        from .api import me_digest_get, me_digest_set

        me_field_register("digest", MeField(read=me_digest_get, write=me_digest_set))
