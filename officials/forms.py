"""Forms of the officials' pages: writing to an official, and the steps of a request (answer,
question, reply, redirection, closing as inadmissible). They check the shape of what is typed;
the services decide the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from territories.models import Territory, Theme

from .models import ANSWER_MAX_CHARS, BODY_MAX_CHARS, NOTE_MAX_CHARS, SUBJECT_MAX_CHARS, Request


class RequestForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=SUBJECT_MAX_CHARS)
    body = forms.CharField(
        label=_("Votre message"),
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("5 000 caractères au plus. Restez courtois : la charte s'applique."),
    )
    public = forms.TypedChoiceField(
        label=_("Qui pourra lire votre demande ?"),
        choices=[
            ("0", _("Privée : vous, l'élu·e, les personnes qui répondent en son nom, les agents")),
            (
                "1",
                _(
                    "Publique : publiée avec la réponse, après relecture de la question par un·e "
                    "modérateur·rice ; votre nom n'est pas publié"
                ),
            ),
        ],  # fmt: skip
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Réponse"), max_length=ANSWER_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 8})
    )


class ClarifyForm(forms.Form):
    question = forms.CharField(
        label=_("Votre question"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Le délai s'arrête jusqu'à la réponse de la personne."),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Votre précision"),
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RedirectForm(forms.Form):
    official = forms.TypedChoiceField(label=_("Transmettre à"), coerce=int, choices=[])
    note = forms.CharField(
        label=_("Note (publique avec la demande)"),
        max_length=NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("La date d'échéance reste la même."),
    )

    def __init__(self, *args, officials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].choices = [(p.user_id, p.user.display_name) for p in officials]


class InadmissibleForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"), choices=Request.Inadmissible.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Explication (facultative)"),
        max_length=NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProfileForm(forms.Form):
    """Staff describe a verified official (never the official themselves)."""

    email = forms.EmailField(
        label=_("Compte de l'élu·e (adresse électronique)"),
        help_text=_(
            "Le compte doit exister : la personne s'inscrit d'abord, les services vérifient."
        ),
    )
    commitment_days = forms.IntegerField(
        label=_("Délai de réponse promis (jours ouvrés)"), min_value=1, max_value=60, initial=15
    )
    presentation = forms.CharField(
        label=_("Présentation"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Délégations (thèmes)"),
        queryset=Theme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    territories = forms.ModelMultipleChoiceField(
        label=_("Territoires"),
        queryset=Territory.objects.filter(kind__in=["metropole", "commune"]).order_by(
            "kind", "name"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delegates = forms.CharField(
        label=_("Répondent en son nom (adresses, séparées par des virgules)"),
        max_length=2000,
        required=False,
    )


class MandateForm(forms.Form):
    title = forms.CharField(label=_("Mandat"), max_length=200)
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Territory.objects.filter(kind="commune").order_by("name"),
        required=False,
        empty_label=_("— l'Eurométropole —"),
    )
    starts = forms.DateField(
        label=_("Début"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends = forms.DateField(
        label=_("Fin (facultative)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
