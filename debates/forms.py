"""Forms of the debate pages: open a debate, write or edit a message, close with a synthesis.

They check the shape of what is typed (lengths, choices); the services decide the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import AssistedContributionForm
from territories.models import Territory, Theme

from .models import (
    COMMENT_BODY_MAX_CHARS,
    DEBATE_BODY_MAX_CHARS,
    SYNTHESIS_MAX_CHARS,
    SYNTHESIS_MIN_CHARS,
    Comment,
)

MARKDOWN_HELP = _(
    "Mise en forme Markdown : *italique*, **gras**, listes avec « - », liens [texte](adresse)."
)


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Territory) -> str:
        if obj.kind == Territory.Kind.QUARTIER and obj.parent is not None:
            return f"{obj.parent.name} — {obj.name}"
        return obj.name


def territory_choices_queryset():
    """Communes and their quartiers, each quartier under its commune's name."""
    return Territory.objects.filter(
        kind__in=[Territory.Kind.COMMUNE, Territory.Kind.QUARTIER]
    ).select_related("parent")


def territory_options() -> list[tuple[str, str]]:
    """(slug, label) of communes, each followed by its quartiers, for the list's filter."""
    rows = list(territory_choices_queryset())
    label = TerritoryChoiceField(queryset=Territory.objects.none()).label_from_instance

    def key(t: Territory) -> tuple[str, int, str]:
        commune = t.parent.name if t.kind == Territory.Kind.QUARTIER and t.parent else t.name
        return (commune, 0 if t.kind == Territory.Kind.COMMUNE else 1, t.name)

    return [(t.slug, label(t)) for t in sorted(rows, key=key)]


class DebateForm(forms.Form):
    title = forms.CharField(label=_("Titre du débat"), max_length=200)
    body = forms.CharField(
        label=_("Présentation"),
        max_length=DEBATE_BODY_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    territory = TerritoryChoiceField(
        label=_("Territoire"),
        queryset=territory_choices_queryset(),
        required=False,
        empty_label=_("— aucun —"),
        help_text=_(
            "Un débat qui n'est rattaché ni à une fiche ni à un espace nomme un "
            "territoire ou un thème."
        ),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
    )
    closes_on = forms.DateField(
        label=_("Fin des contributions"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Facultatif. Après ce jour, le débat ne reçoit plus de message."),
    )

    def __init__(self, *args, territory_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if territory_queryset is not None:
            self.fields["territory"].queryset = territory_queryset


STANCE_CHOICES = [("", _("sans position")), *Comment.Stance.choices]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message"),
        max_length=COMMENT_BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    stance = forms.ChoiceField(
        label=_("Votre position (facultatif)"),
        choices=STANCE_CHOICES,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )


class CloseForm(forms.Form):
    synthesis = forms.CharField(
        label=_("Synthèse publique"),
        min_length=SYNTHESIS_MIN_CHARS,
        max_length=SYNTHESIS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Ce qui ressort du débat et ce qui sera retenu pour le projet (au moins "
            "50 caractères). Elle est publiée en tête du débat."
        ),
    )


class AssistedCommentForm(AssistedContributionForm, CommentForm):
    """A mediator records the message of a person without an account."""

    consent_label = _(
        "La personne accepte que son message soit publié sous ce pseudonyme, avec la "
        "mention « recueilli par un·e médiateur·rice »."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Son message")
        self.fields["stance"].label = _("Sa position (facultatif)")
