"""Forms of the amendment pages: the ballot (a native form, one group of seven radios per
candidate named by a legend), opening a round, proposing an amendment, rejecting one.

They check the shape of what is typed; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.forms import AssistedContributionForm

from .models import MOTIVATION_MAX_CHARS, RATIONALE_MAX_CHARS, TEXT_MAX_CHARS, Grade


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


# --- opening a round, proposing, rejecting ---

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _moment_field(label: str, help_text: str) -> forms.DateTimeField:
    """A day and an hour typed in the platform's time zone (Europe/Paris): the browser's
    native picker, or "30/11/2026 18:00" typed by hand where it has none."""
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        input_formats=[DATETIME_INPUT, "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={
            "required": _("Indiquez le jour et l'heure."),
            "invalid": _("Indiquez le jour et l'heure, par exemple 30/11/2026 18:00."),
        },
    )


class RoundOpenForm(forms.Form):
    submission_ends = _moment_field(
        _("Fin du dépôt des amendements"),
        _("Heure de Paris. Le dépôt s'ouvre dès maintenant et se termine à ce moment."),
    )
    judgment_ends = _moment_field(
        _("Fin du jugement"),
        _("Heure de Paris. Le jugement s'ouvre à la fin du dépôt ; les résultats à sa fin."),
    )
    min_grade = forms.TypedChoiceField(
        label=_("Mention minimale pour qu'un amendement soit retenu"),
        choices=Grade.choices,
        coerce=int,
        initial=Grade.FAIR,
    )
    quorum = forms.IntegerField(
        label=_("Quorum : nombre minimal de votant·es"),
        min_value=1,
        max_value=1_000_000,
        initial=10,
        help_text=_("En dessous, aucun amendement n'est retenu."),
    )


class AmendmentForm(forms.Form):
    """The text a proposer rewrites (prefilled with the field's text in the version they read)
    and why. The field and the base version travel in the address and a hidden input."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    text = forms.CharField(
        label=_("Texte proposé"),
        max_length=TEXT_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Réécrivez le texte tel que vous le proposez : seules vos modifications "
                    "seront soumises au jugement, montrées mot à mot."),
    )  # fmt: skip
    rationale = forms.CharField(
        label=_("Motivation"),
        max_length=RATIONALE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pourquoi ce changement ? 1 000 caractères au plus ; elle est publique."),
    )


class AssistedAmendmentForm(AssistedContributionForm, AmendmentForm):
    """A mediator records the amendment of a person without an account (the same fields as an
    assisted message in a debate, then the text and its motivation)."""

    consent_label = _(
        "La personne accepte que son amendement soit publié sous ce pseudonyme, avec la "
        "mention « recueilli par un·e médiateur·rice »."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Le texte qu'elle propose")
        self.fields["text"].help_text = _(
            "Réécrivez le texte tel que la personne le propose : seules ses modifications seront "
            "soumises au jugement, montrées mot à mot."
        )
        self.fields["rationale"].label = _("Sa motivation (facultatif)")


class RejectForm(forms.Form):
    motivation = forms.CharField(
        label=_("Motivation du rejet"),
        max_length=MOTIVATION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Publiée avec l'amendement : son auteur et les votant·es la liront."),
        error_messages={"required": _("Un rejet se motive publiquement : écrivez la motivation.")},
    )


class PaperBallotForm(BallotForm):
    """A mediator's typing of one paper ballot: the paper's number, where and when the person
    voted, a pseudonym or initials, the declaration, then a grade per candidate."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grades = dict(self.fields)
        self.fields.clear()
        self.fields["identifier"] = forms.CharField(
            label=_("Numéro écrit sur le bulletin"),
            max_length=40,
            help_text=_("Par exemple B-012. Deux médiateur·rices saisissent chaque bulletin."),
        )
        self.fields["place"] = forms.CharField(
            label=_("Lieu du vote"),
            max_length=200,
            help_text=_("Par exemple : mairie annexe, médiathèque, réunion publique."),
        )
        self.fields["voted_on"] = forms.DateField(
            label=_("Date du vote"),
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        self.fields["voter_label"] = forms.CharField(
            label=_("Pseudonyme ou initiales de la personne"),
            max_length=40,
            help_text=_("Rien de plus : ni nom complet, ni adresse."),
        )
        self.fields["declared_no_online_ballot"] = forms.BooleanField(
            label=_(
                "La personne déclare ne pas avoir de bulletin en ligne sur ce tour et ne pas "
                "en déposer un."
            ),
            error_messages={"required": _("Cette déclaration est requise.")},
        )
        self.fields.update(grades)

    def grades(self) -> dict[str, int]:
        return {
            candidate: self.cleaned_data[name] for name, candidate in self.candidate_fields.items()
        }
