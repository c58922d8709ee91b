from django.apps import AppConfig
from django.db import connection


class PortalConfig(AppConfig):
    """The top floor: what gathers several apps (the demo data, the sheet page, the public
    service pages, a person's data export). It may import every app; no app imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "Portail"

    def ready(self) -> None:
        from accounts.deletion import account_deletion_hook_register
        from events.generation import generation_part_register
        from search.models import IndexOutbox

        from .account_hooks import WORKSPACE_DELETION_HOOK

        account_deletion_hook_register(WORKSPACE_DELETION_HOOK)

        # The home territory: "territory" in /api/v1/me/, and the visitor's cookie that the
        # home page reads (so a page showing it is never shared from the page cache).
        from accounts.api import MeField, me_field_register
        from interface.page_cache import personal_cookie_register

        from .territory.memory import COOKIE_NAME, me_territory_get, me_territory_set

        me_field_register("territory", MeField(read=me_territory_get, write=me_territory_set))
        personal_cookie_register(COOKIE_NAME)
        # The search index lags its events (the worker drains the outbox after commit): pages
        # showing search results change again when it does. (A model's own table name.)
        outbox = connection.ops.quote_name(IndexOutbox._meta.db_table)
        generation_part_register(f"SELECT COUNT(*) FROM {outbox}")  # noqa: S608
        generation_part_register(f"SELECT MAX(id) FROM {outbox}")  # noqa: S608
        # Staff's edits in the admin (a workspace made private, a sheet unpublished) go through
        # no service and record no event, but the admin logs each one: a kept page must not
        # outlive them, not even for the cache's lifetime.
        from django.contrib.admin.models import LogEntry

        admin_log = connection.ops.quote_name(LogEntry._meta.db_table)
        generation_part_register(f"SELECT MAX(id) FROM {admin_log}")  # noqa: S608
