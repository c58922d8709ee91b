"""Forms for sign-up and the profile page."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from territories.selectors import commune_list

from .models import User


class SignupForm(forms.Form):
    display_name = forms.CharField(label=_("Nom affiché"), max_length=120)
    email = forms.EmailField(label=_("Adresse électronique"))
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=commune_list(), required=False, empty_label=_("— aucune —")
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Un compte utilise déjà cette adresse."))
        return email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(email=data.get("email", ""), display_name=data.get("display_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "commune", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_list()
        user = self.instance
        if user.is_official:
            self.fields["mandate"] = forms.CharField(
                label=_("Mandat"), required=False, max_length=200, initial=user.mandate
            )
            self.fields["response_delay_days"] = forms.IntegerField(
                label=_("Délai de réponse (jours)"),
                required=False,
                min_value=1,
                max_value=90,
                initial=user.response_delay_days,
            )
