"""The participants' answers to a sheet's evaluation questionnaire (one per account and sheet)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .questionnaire import Role


class Answer(models.Model):
    sheet = models.ForeignKey(
        "projects.ProjectSheet", on_delete=models.CASCADE, related_name="evaluation_answers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluation_answers"
    )
    role = models.CharField(_("vous répondez en tant que"), max_length=12, choices=Role.choices)
    # {question code: 1…4}, every question of questionnaire.QUESTIONS (checked by the service).
    scores = models.JSONField(_("réponses"))
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réponse au questionnaire d'évaluation")
        verbose_name_plural = _("réponses au questionnaire d'évaluation")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "user"], name="evaluation_one_answer"),
            models.CheckConstraint(
                condition=models.Q(role__in=["resident", "elected", "agent", "association"]),
                name="evaluation_answer_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id} · {self.user_id}"
