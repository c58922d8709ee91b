"""The questionnaire as a form: the role, then one 1–4 choice per question."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .questionnaire import QUESTIONS, SCALE, Role


class AnswerForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Vous répondez en tant que"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez à quel titre vous répondez.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[f"q-{question.code}"] = forms.TypedChoiceField(
                label=question.text,
                choices=list(SCALE.items()),
                coerce=int,
                widget=forms.RadioSelect,
                help_text=question.pillar.label,
                error_messages={"required": _("Répondez à cette question.")},
            )

    def scores(self) -> dict[str, int]:
        return {q.code: self.cleaned_data[f"q-{q.code}"] for q in QUESTIONS}
