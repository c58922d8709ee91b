"""Forms for sheets (with their stage sections) and framing notes."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from territories.models import Territory, Theme

from .models import FramingNote, ParticipationLevel
from .participation import LEVEL_EXPLANATIONS, LOWERING_NOTE_MAX
from .sections import FIELDS, SectionField, editable_fields


def _section_form_field(field: SectionField) -> forms.Field:
    common = {"label": field.label, "required": False, "help_text": field.help_text}
    if field.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if field.kind == "amount":
        return forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), strip=False, **common)


class SheetForm(forms.Form):
    """Create and edit a sheet; the stage sections reached by the sheet are added as fields."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(
        label=_("Résumé"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Quelques phrases claires : au moins 300 caractères pour passer en concertation."
        ),
    )
    body = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=100_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Markdown : **gras**, *italique*, listes avec « - », liens [texte](https://…)."
        ),
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.all(),
        required=False,
        empty_label=_("— aucun —"),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(
        label=_("Fiche publique"),
        required=False,
        initial=True,
        help_text=_("Décochée, seul·es les membres de l'espace la voient."),
    )
    participation_level = forms.ChoiceField(
        label=_("Niveau de participation promis"),
        choices=ParticipationLevel.choices,
        initial=ParticipationLevel.CONSULT,
        widget=forms.RadioSelect,
        # Checked from the start (the current level): a post without it keeps the level.
        required=False,
    )
    participation_decided = forms.CharField(
        label=_("Ce qui est décidé et par qui"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : à préciser si l'explication du niveau ne suffit pas."),
    )
    participation_changeable = forms.CharField(
        label=_("Ce que les participant·es peuvent changer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : à préciser si l'explication du niveau ne suffit pas."),
    )
    participation_note = forms.CharField(
        label=_("Note publique sur le changement de niveau"),
        required=False,
        max_length=LOWERING_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Obligatoire pour abaisser le niveau une fois la concertation commencée ; "
            "elle est publiée dans l'historique de la fiche."
        ),
    )
    change_note = forms.CharField(
        label=_("Note de modification"),
        max_length=500,
        required=False,
        help_text=_("Ce que vous avez changé, en une phrase."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, stage: str, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_codes = [f.code for f in editable_fields(stage)]
        for field in editable_fields(stage):
            self.fields[field.code] = _section_form_field(field)
        # field.html renders help_text as HTML: every piece is escaped by format_html_join.
        self.fields["participation_level"].help_text = format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((t,) for t in LEVEL_EXPLANATIONS.values())),
        )
        if creating:  # a new sheet has no promise yet to lower
            del self.fields["participation_note"]

    def section_groups(self) -> list:
        return [self[code] for code in self.section_codes]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("base_version", None)
        sections = {}
        for code in self.section_codes:
            value = data.pop(code, None)
            sections[code] = "" if value is None else value
        data["sections"] = sections
        data["themes"] = list(data.get("themes") or [])
        if not data.get("participation_level"):
            data.pop("participation_level", None)
        return data


def sheet_initial(sheet) -> dict:
    version = sheet.current_version
    initial = {
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "territory": sheet.territory,
        "themes": list(sheet.themes.all()),
        "is_public": sheet.is_public,
        "participation_level": sheet.participation_level,
        "participation_decided": sheet.participation_decided,
        "participation_changeable": sheet.participation_changeable,
        "base_version": version.number,
    }
    for code in FIELDS:
        if code in version.sections:
            initial[code] = version.sections[code]
    return initial


class FramingNoteForm(forms.ModelForm):
    class Meta:
        model = FramingNote
        fields = list(FramingNote.CONTENT_FIELDS)
        widgets = {
            "political_intent": forms.Textarea(attrs={"rows": 5}),
            "participation_level": forms.RadioSelect,
            "legal_constraints": forms.Textarea(attrs={"rows": 3}),
            "budget_constraints": forms.Textarea(attrs={"rows": 3}),
            "use_of_contributions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio group has no "empty" option: the level is required and chosen explicitly.
        self.fields["participation_level"].choices = ParticipationLevel.choices
        # field.html renders help_text as HTML: every piece is escaped by format_html_join.
        self.fields["participation_level"].help_text = format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((t,) for t in LEVEL_EXPLANATIONS.values())),
        )
