from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmendmentsConfig(AppConfig):
    name = "amendments"
    verbose_name = _("Amendements")

    def ready(self) -> None:
        from machines import machine_install

        from . import periodic, permissions, verbs  # noqa: F401 - registers policies, verbs, jobs
        from .machine import AMENDMENT_STATES, ROUND_STATES

        machine_install(ROUND_STATES)
        machine_install(AMENDMENT_STATES)
        _show_merged_amendments_in_history()


def _show_merged_amendments_in_history() -> None:
    # A version's history names the amendments it merged: projects offers the hook (it sits
    # below amendments and does not import it).
    from projects.api import sheet_version_field_register
    from projects.selectors import sheet_version_prefetch_register

    from .api import MergedAmendmentsField

    sheet_version_field_register("amendments", MergedAmendmentsField)
    sheet_version_prefetch_register("merged_amendments")
