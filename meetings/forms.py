"""Forms of the meeting pages: registration without an account, the restitution."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DESCRIPTION_MAX, MINUTES_MAX


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
