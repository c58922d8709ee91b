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
    from projects.views.versions import sheet_version_links_register

    from .api import MergedAmendmentsField

    sheet_version_field_register("amendments", MergedAmendmentsField)
    sheet_version_prefetch_register("merged_amendments")
    sheet_version_links_register(_merged_links)


def _merged_links(version) -> list[tuple[str, str]]:
    from django.utils.translation import gettext

    return [
        (gettext("voir l'amendement n° %(n)s") % {"n": a.pk}, a.get_absolute_url())
        for a in version.merged_amendments.all()
    ]
