from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Évaluation des concertations")

    def ready(self) -> None:
        from workflow.checklist import checklist_condition_register

        from . import permissions, verbs  # noqa: F401 - registers the policy action and verbs
        from .rules import (
            indicators_computed_q,
            no_flag_q,
            participants_answered_q,
        )

        # The checklist (workflow, a lower floor) reads the evaluation's figures through its hook.
        checklist_condition_register("indicators", indicators_computed_q)
        checklist_condition_register("participants_evaluation", participants_answered_q)
        checklist_condition_register("promised_vs_delivered", no_flag_q)
