from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import AccountPasswordResetForm, ResetSetPasswordForm
from .tokens import password_reset_token

app_name = "accounts"

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("confirmer/<str:uidb64>/<str:token>/", views.confirm, name="confirm"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("confirmation/renvoyer/", views.resend_confirmation, name="resend_confirmation"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("profil/", views.profile, name="profile"),
    path("profil/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profil/adresse/", views.email_change, name="email_change"),
    path("profil/adresse/<str:token>/", views.email_confirm, name="email_confirm"),
    path("profil/supprimer/", views.account_delete, name="delete"),
    path("elus/", views.officials, name="officials"),
    path("mediation/", views.mediators, name="mediators"),
    path(
        "mot-de-passe/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            token_generator=password_reset_token,
            form_class=AccountPasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            token_generator=password_reset_token,
            form_class=ResetSetPasswordForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
