from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Every app declares its policies in its permissions module: import them all at start-up
        # so that the registry (core.policies.POLICIES) is complete whatever was imported first.
        autodiscover_modules("permissions")
