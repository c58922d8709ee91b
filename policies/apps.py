from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Policies"

    def ready(self) -> None:
        # Every app declares its policies in its permissions module: import them all at start-up
        # so that the registry (policies.POLICIES) is complete whatever was imported first.
        autodiscover_modules("permissions")
