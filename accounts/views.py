"""Pages for accounts: sign-up and confirmation, profile (password, e-mail, deletion), officials
directory."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .deletion import account_deletion_blockers
from .forms import (
    AccountDeleteForm,
    EmailChangeForm,
    LoginForm,
    MediatorGrantForm,
    OwnPasswordForm,
    ProfileForm,
    ResendConfirmationForm,
    SignupForm,
)
from .models import User
from .permissions import can_manage_mediators
from .selectors import mediator_grant_list
from .services import (
    AccountError,
    user_confirm_email,
    user_confirm_email_change,
    user_delete_account,
    user_request_email_change,
    user_signup,
    user_update_profile,
)
from .services.confirmation import user_resend_confirmation
from .services.mediation import MediationError, mediator_grant, mediator_revoke


def _next_path(request) -> str:
    """Where the person was going (an invitation, a page that asked to sign in), if it is a
    path of this site; else nothing."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    next_path = _next_path(request)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
            commune=form.cleaned_data["commune"],
            base_url=request.build_absolute_uri("/"),
            next_path=next_path,
        )
        return render(request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/signup.html", {"form": form, "next": next_path})


def confirm(request, uidb64: str, token: str):
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
        user_confirm_email(user=user, token=token)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError, AccountError):
        return render(request, "accounts/confirm_invalid.html", status=400)
    messages.success(request, _("Votre adresse est confirmée : vous pouvez vous connecter."))
    next_path = _next_path(request)
    login = reverse("accounts:login")
    return redirect(login + "?" + urlencode({"next": next_path}) if next_path else login)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        # ModelForm already copied the values onto request.user; the service saves them.
        user_update_profile(actor=request.user, user=request.user, **fields)
        messages.success(request, _("Profil enregistré."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def mediators(request):
    """Staff tools: who may record ballots and contributions for people without an account;
    grant by address, withdraw, and the trail of earlier grants."""
    if not can_manage_mediators(request.user):
        raise PermissionDenied
    form = MediatorGrantForm(request.POST if "grant" in request.POST else None)
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                target = User.objects.filter(pk=_int_or_none(request.POST.get("revoke"))).first()
                if target is None:
                    raise MediationError(_("Ce compte n'a pas le rôle de médiation."))
                mediator_revoke(actor=request.user, user=target)
                messages.success(
                    request, _("Rôle de médiation retiré à %(name)s.") % {"name": target}
                )
                return redirect("accounts:mediators")
            if form.is_valid():
                target = form.cleaned_data["email"]
                mediator_grant(actor=request.user, user=target)
                messages.success(
                    request, _("Rôle de médiation accordé à %(name)s.") % {"name": target}
                )
                return redirect("accounts:mediators")
        except MediationError as error:
            messages.error(request, error.message)
    return render(
        request,
        "accounts/mediators.html",
        {
            "form": form,
            "current": mediator_grant_list(current=True),
            "history": mediator_grant_list(current=False)[:50],
        },
        status=400 if request.method == "POST" else 200,
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def officials(request):
    """The first officials' list, now the directory (`officials` app): links out there keep
    working."""
    return redirect("officials:directory", permanent=True)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    # Tells the right password of a never-confirmed account apart, to offer a new link.
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page (it keeps this session signed in), saved through the service."""

    template_name = "accounts/password_change.html"
    form_class = OwnPasswordForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Mot de passe changé."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request):
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_request_email_change(
                actor=request.user,
                user=request.user,
                new_email=form.cleaned_data["email"],
                base_url=request.build_absolute_uri("/"),
            )
        except AccountError as error:
            form.add_error("email", error.message)
        else:
            # The same words whether or not the address is free: no account oracle.
            return render(
                request, "accounts/email_change_sent.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "accounts/email_change.html", {"form": form})


def email_confirm(request, token: str):
    try:
        user_confirm_email_change(token=token)
    except AccountError:
        return render(request, "accounts/email_change_invalid.html", status=400)
    messages.success(request, _("Votre nouvelle adresse est enregistrée."))
    return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    blockers = account_deletion_blockers(request.user)
    if request.method == "POST" and form.is_valid() and not blockers:
        try:
            user_delete_account(
                actor=request.user, user=request.user, password=form.cleaned_data["password"]
            )
        except AccountError as error:
            form.add_error("password", error.message)
        else:
            logout(request)
            return render(request, "accounts/account_deleted.html")
    return render(request, "accounts/account_delete.html", {"form": form, "blockers": blockers})


@require_http_methods(["GET", "POST"])
def resend_confirmation(request):
    """Ask for a new confirmation link. The same page answers every address (see
    user_resend_confirmation); the e-mails are capped per address and per hour."""
    form = ResendConfirmationForm(request.POST or None, initial={"email": request.GET.get("email")})
    if request.method == "POST" and form.is_valid():
        user_resend_confirmation(
            email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/")
        )
        return render(
            request,
            "accounts/confirmation_resent.html",
            {"email": form.cleaned_data["email"]},
        )
    return render(request, "accounts/confirmation_resend.html", {"form": form})
