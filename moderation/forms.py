"""Forms of the moderation pages: report a message, appeal, decide a case or an appeal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import APPEAL_MAX_CHARS, REASON_MAX_CHARS, REPORT_DETAILS_MAX_CHARS, ReportReason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif du signalement"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Précisions (facultatif)"),
        max_length=REPORT_DETAILS_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Lues par la modération seulement ; votre nom n'est jamais montré."),
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Pourquoi la décision devrait-elle être revue ?"),
        max_length=APPEAL_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Une autre personne de la modération que celle qui a masqué le message lira "
            "votre recours et rendra une décision motivée."
        ),
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            ("hide", _("Masquer le message")),
            ("dismiss", _("Écarter le signalement (le message reste visible)")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif (publié)"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Masquer : publié à la place du message. Écarter : dit aux personnes qui ont signalé."
        ),
    )
    rule = forms.ChoiceField(label=_("Article de la charte appliqué"), required=False)

    def __init__(self, *args, charter=None, **kwargs):
        super().__init__(*args, **kwargs)
        articles = charter.articles if charter is not None else []
        self.fields["rule"].choices = [
            ("", _("— aucun (obligatoire pour masquer) —")),
            *[
                (
                    str(a["number"]),
                    _("Article %(n)s — %(title)s")
                    % {"n": a["number"], "title": a.get("title", "")},
                )
                for a in articles
            ],
        ]


class AppealDecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Décision sur le recours"),
        choices=[
            ("uphold", _("Confirmer le masquage")),
            ("reverse", _("Rétablir le message")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif (dit à l'auteur)"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
