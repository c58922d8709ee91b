"""Pages for accounts: home, sign-up and confirmation, profile, officials directory."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm, SignupForm
from .models import User
from .selectors import official_list
from .services import AccountError, user_confirm_email, user_signup, user_update_profile


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
            commune=form.cleaned_data["commune"],
            base_url=request.build_absolute_uri("/"),
        )
        return render(request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/signup.html", {"form": form})


def confirm(request, uidb64: str, token: str):
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
        user_confirm_email(user=user, token=token)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError, AccountError):
        return render(request, "accounts/confirm_invalid.html", status=400)
    messages.success(request, _("Votre adresse est confirmée : vous pouvez vous connecter."))
    return redirect("accounts:login")


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


def officials(request):
    return render(request, "accounts/officials.html", {"officials": official_list()})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
