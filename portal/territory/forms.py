"""Staff's quartier form: a name, the commune it belongs to, an optional GeoJSON outline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from territories.geojson import BOUNDARY_MAX_BYTES
from territories.selectors import commune_list


class QuartierForm(forms.Form):
    name = forms.CharField(label=_("Nom du quartier"), max_length=120)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=commune_list(), empty_label=None)
    boundary = forms.CharField(
        label=_("Contour (GeoJSON, facultatif)"),
        required=False,
        # Characters, not bytes: the service checks the bytes too.
        max_length=BOUNDARY_MAX_BYTES,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "Un objet Polygon ou MultiPolygon (longitude puis latitude, WGS 84), ou une Feature "
            "qui en contient un. Laissez vide : aucune fonction du site n'en a besoin."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_list()
