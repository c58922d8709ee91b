"""The staff board's filter form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Stage
from territories.models import Territory, Theme


class BoardFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Étape"), required=False, choices=[("", _("Toutes"))] + list(Stage.choices)
    )
    territory = forms.ChoiceField(label=_("Territoire"), required=False)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    workspace = forms.SlugField(
        label=_("Espace (identifiant)"),
        required=False,
        help_text=_("Ou cliquez sur le nom d'un espace dans le tableau."),
    )
    completeness_below = forms.IntegerField(
        label=_("Complétude inférieure à (%)"), required=False, min_value=0, max_value=101
    )
    completeness_at_least = forms.IntegerField(
        label=_("Complétude d'au moins (%)"), required=False, min_value=0, max_value=100
    )
    stalled_days = forms.IntegerField(
        label=_("Sans changement d'étape depuis plus de (jours)"),
        required=False,
        min_value=0,
        max_value=3650,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [("", _("Tous"))] + list(
            Territory.objects.order_by("name").values_list("slug", "name")
        )
        self.fields["theme"].choices = [("", _("Tous"))] + list(
            Theme.objects.order_by("name").values_list("slug", "name")
        )
