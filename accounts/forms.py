"""Forms for sign-up, the profile page and every form that sets a password."""

import logging
from contextvars import ContextVar

from django import forms
from django.contrib.admin.forms import AdminPasswordChangeForm as AdminOwnPasswordChangeForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from territories.models import Territory
from territories.selectors import commune_list

from .models import User
from .services import user_set_password
from .services.confirmation import account_awaiting_confirmation
from .throttling import mail_to_address_allowed

logger = logging.getLogger(__name__)

# Who acts in the admin's "set this user's password" view: Django builds that form without the
# request, and the service must know the actor. Set by UserAdmin around the view.
admin_actor: ContextVar[User] = ContextVar("admin_actor")


class SignupForm(forms.Form):
    display_name = forms.CharField(
        label=_("Nom affiché"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label=_("Adresse électronique"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
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
        # No "address already used" error: sign-up must not reveal who has an account
        # (user_signup e-mails the owner of an existing address instead).
        return self.cleaned_data["email"].lower()

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
        fields = ["display_name", "commune", "home_territory", "bio"]
        help_texts = {
            "home_territory": _(
                "La commune ou le quartier dont la page d'accueil vous donne le lien."
            ),
        }
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "bio": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_list()
        self.fields["commune"].empty_label = _("— aucune —")
        home = self.fields["home_territory"]
        home.queryset = Territory.objects.filter(kind__in=["commune", "quartier"]).select_related(
            "parent"
        )
        home.empty_label = _("— aucun —")
        home.label_from_instance = lambda t: (
            f"{t.name} ({t.parent.name})" if t.kind == "quartier" and t.parent else t.name
        )
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


class ResetSetPasswordForm(SetPasswordForm):
    """The password-reset form, saved through the service (logged, tokens revoked)."""

    def save(self, commit: bool = True) -> User:
        return user_set_password(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )


class OwnPasswordChangeForm(AdminOwnPasswordChangeForm):
    """The admin's "change my password" form, saved through the service."""

    def save(self, commit: bool = True) -> User:
        return user_set_password(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )


class UserPasswordSetForm(AdminPasswordChangeForm):
    """The admin's "set this user's password" form, saved through the service as the admin."""

    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data.get("set_usable_password", True)
        return user_set_password(
            actor=admin_actor.get(),
            user=self.user,
            password=self.cleaned_data["password1"] if usable else None,
        )


class AccountPasswordResetForm(PasswordResetForm):
    """Django's reset form, plus an e-mail to an address without an active account, so that
    the page, the timing and the mailbox all tell the same story whether or not it exists."""

    unknown_email_template_name = "accounts/email/password_reset_unknown.txt"
    # Named as on every other form of the site (Django's own label reads "Courriel").
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs
    ) -> None:
        # Django's path for an address with an account: capped like every account e-mail.
        if mail_to_address_allowed(to_email):
            super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email, **kwargs
            )

    def save(self, *args, **kwargs) -> None:
        email = self.cleaned_data["email"]
        if any(True for _user in self.get_users(email)):
            return super().save(*args, **kwargs)
        if not mail_to_address_allowed(email):
            return None
        request = kwargs.get("request")
        site = get_current_site(request)
        context = {
            "email": email,
            "domain": kwargs.get("domain_override") or site.domain,
            "site_name": kwargs.get("domain_override") or site.name,
            "protocol": "https" if kwargs.get("use_https") else "http",
        }
        subject = render_to_string(
            kwargs.get("subject_template_name", "registration/password_reset_subject.txt"), context
        )
        body = render_to_string(self.unknown_email_template_name, context)
        try:
            send_mail("".join(subject.splitlines()), body, kwargs.get("from_email"), [email])
        except Exception:  # like Django's reset form: a mail failure is logged, not shown
            logger.exception("Failed to send the password-reset notice")
        return None


class OwnPasswordForm(PasswordChangeForm):
    """The profile's "change my password" form, saved through the service (logged, API tokens
    revoked)."""

    def save(self, commit: bool = True) -> User:
        return user_set_password(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Nouvelle adresse électronique"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Un lien de confirmation part à cette adresse ; rien ne change avant."),
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Pour confirmer que c'est bien vous."),
    )


class LoginForm(AuthenticationForm):
    """Django's sign-in form, plus one case: the right password for an account whose address
    was never confirmed. The backends refuse it like any wrong password; this form then tells
    the person so, and the page offers a new link. Only the right password reveals it: a wrong
    one gets the usual error, and every refusal costs one more password hash either way, so
    neither the page nor its timing says that an unconfirmed account exists."""

    unconfirmed_email: str | None = None

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if self._awaits_confirmation():
                self.unconfirmed_email = self.cleaned_data["username"].strip().lower()
                raise forms.ValidationError(
                    _(
                        "Votre adresse électronique n'est pas encore confirmée : ouvrez le lien "
                        "reçu par e-mail pour activer votre compte, ou demandez-en un nouveau."
                    ),
                    code="unconfirmed",
                ) from None
            raise

    def _awaits_confirmation(self) -> bool:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        # A locked-out sign-in is answered by axes' 429 page: no password is checked for it.
        if not username or not password or getattr(self.request, "axes_locked_out", False):
            return False
        user = User.objects.filter(email__iexact=username.strip()).first()
        if user is None or not account_awaiting_confirmation(user):
            make_password(password)  # the same cost as the check below
            return False
        return user.check_password(password)


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class MediatorGrantForm(forms.Form):
    """Staff name the account to make a mediator by its address."""

    email = forms.EmailField(
        label=_("Adresse électronique du compte"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None or user.is_deleted:
            raise forms.ValidationError(_("Aucun compte actif n'a cette adresse."))
        return user


class AssistedContributionForm(forms.Form):
    """What a mediator types, first, when recording the contribution of a person without an
    account (`models.AssistedContribution`); mixed in before the contribution's own form:
    `class AssistedCommentForm(AssistedContributionForm, CommentForm)`. The person's consent
    comes last, worded by `consent_label`; the services check the values."""

    consent_label: str = ""

    pseudonym = forms.CharField(
        label=_("Pseudonyme ou initiales de la personne"),
        max_length=40,
        help_text=_("Rien de plus : ni nom complet, ni adresse."),
    )
    place = forms.CharField(
        label=_("Lieu du recueil"),
        max_length=200,
        help_text=_("Par exemple : mairie annexe, médiathèque, réunion publique."),
    )
    collected_on = forms.DateField(
        label=_("Date du recueil"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Le consentement de la personne est requis.")},
    )
    # Then the contribution's own fields in their order, and the consent (declared last).
    field_order = ["pseudonym", "place", "collected_on"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = self.consent_label
