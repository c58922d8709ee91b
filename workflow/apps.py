from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Étapes et qualité")

    def ready(self) -> None:
        from . import verbs  # noqa: F401 - declares this app's activity verbs

        _install_stage_machine()
        _show_checklist_on_sheet_detail()


def _install_stage_machine() -> None:
    # ProjectSheet.stage moves only by the methods built from this app's stage table: attached
    # from here because projects sits below workflow and does not import it.
    from machines import machine_install

    from .machine import SHEET_STAGES

    machine_install(SHEET_STAGES)


def _show_checklist_on_sheet_detail() -> None:
    # The sheet detail (projects' API) shows this app's checklist summary: registered from here
    # because projects sits below workflow and does not import it.
    from projects.api import sheet_detail_field_register

    from .api import SheetChecklistSummaryField

    sheet_detail_field_register("checklist", SheetChecklistSummaryField)
