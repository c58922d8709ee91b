"""The ballot as a native form: one group of seven radios per candidate, named by a legend."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import Grade


def candidate_label(candidate: dict[str, Any], field_labels: dict[str, Any]) -> str:
    field = field_labels.get(candidate["field"], candidate["field"])
    if candidate["amendment"] is None:
        return _("Texte actuel · %(field)s") % {"field": field}
    return _("Amendement n° %(n)s · %(field)s") % {"n": candidate["amendment"].pk, "field": field}


class BallotForm(forms.Form):
    """A field per candidate, `grade-<candidate id>`; every one is required (a ballot is
    complete or refused)."""

    def __init__(
        self,
        *args: Any,
        candidates: list[dict[str, Any]],
        field_labels: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.candidate_fields: dict[str, str] = {}
        for candidate in candidates:
            name = f"grade-{candidate['id'].replace(':', '-')}"
            self.candidate_fields[name] = candidate["id"]
            self.fields[name] = forms.TypedChoiceField(
                label=candidate_label(candidate, field_labels),
                choices=Grade.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Donnez une mention à ce candidat.")},
                help_text=format_html(
                    '<a href="#candidat-{}">{}</a>',
                    candidate["id"].replace(":", "-"),
                    _("Relire ce texte"),
                ),
            )

    def grades(self) -> dict[str, int]:
        return {self.candidate_fields[name]: value for name, value in self.cleaned_data.items()}
