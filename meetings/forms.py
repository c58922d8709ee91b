"""Forms of the meeting pages: registration without an account, the restitution, an
organiser's meeting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DESCRIPTION_MAX, MINUTES_MAX, Meeting
from .services import EDITABLE


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Votre nom"), max_length=120)
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("Un lien vous sera envoyé pour confirmer l'inscription."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class RestitutionForm(forms.Form):
    minutes = forms.CharField(
        label=_("Compte rendu"),
        max_length=MINUTES_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown : titres, listes, liens."),
    )
    attendance = forms.IntegerField(
        label=_("Nombre de personnes présentes"), min_value=0, max_value=100_000, required=False
    )
    presentation = forms.CharField(
        label=_("Présentation"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents de la fiche"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents


class MeetingForm(forms.ModelForm):
    """An organiser's meeting: what, when, where, how accessible, how many. Bound to no
    instance: the services write (`meeting_create`, `meeting_update`)."""

    DATETIME = "%Y-%m-%dT%H:%M"
    online_url = forms.URLField(
        label=_("Lien pour suivre en ligne"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Une adresse https, si la réunion se suit aussi en ligne."),
    )

    class Meta:
        model = Meeting
        fields = list(EDITABLE)
        widgets = {
            "starts": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "capacity": _("Laissez vide s'il n'y a pas de limite."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts", "ends"):
            self.fields[name].input_formats = [self.DATETIME, "%Y-%m-%d %H:%M"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("La fin doit suivre le début."))
        return data

    def _post_clean(self) -> None:
        # No instance validation here: the services check the meeting they write.
        pass
