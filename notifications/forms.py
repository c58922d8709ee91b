from django import forms
from django.utils.translation import gettext_lazy as _

from territories.models import Territory, Theme

from .models import Frequency, Level, TargetType

LEVEL_HELP = _(
    "Essentiel : étapes, ouverture et clôture des consultations, résultats, réponses d'élu·es, "
    "synthèses. Standard : en plus, nouveaux amendements, débats, notes de cadrage, documents. "
    "Tout : en plus, chaque message et chaque modification."
)


class FollowForm(forms.Form):
    target_type = forms.ChoiceField(choices=TargetType.choices, widget=forms.HiddenInput)
    target = forms.CharField(max_length=200, widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Niveau"), choices=Level.choices, initial=Level.STANDARD)
    next = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Niveau"), choices=Level.choices, help_text=LEVEL_HELP)


class SettingsForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Courriels des abonnements"),
        choices=Frequency.choices,
        help_text=_(
            "Quotidien : un récapitulatif vers 7 h 30 ; hebdomadaire : le mardi. Tout reste "
            "dans le centre de notifications."
        ),
    )
    email_direct = forms.BooleanField(
        label=_("M'écrire aussitôt pour ce qui me concerne directement"),
        required=False,
        help_text=_(
            "Réponses à vos messages, décisions sur vos contributions, vos demandes aux élu·es, "
            "la modération, la sécurité de votre compte."
        ),
    )
    language = forms.ChoiceField(label=_("Langue des courriels"), choices=())

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(c, n) for c, n in settings.LANGUAGES]


class FollowPlaceForm(forms.Form):
    """Follow a territory or a theme from the settings page (their own pages come later)."""

    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.all().order_by("kind", "name"),
        required=False,
        empty_label=_("— choisir —"),
        to_field_name="slug",
    )
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=_("— choisir —"),
        to_field_name="slug",
    )
    level = forms.ChoiceField(label=_("Niveau"), choices=Level.choices, initial=Level.STANDARD)

    def clean(self):
        data = super().clean()
        if not data.get("territory") and not data.get("theme"):
            raise forms.ValidationError(_("Choisissez un territoire ou un thème."))
        return data
