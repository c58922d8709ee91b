"""Admin for accounts: every change goes through the accounts services, and staff can change
only the accounts they may manage (citizens and officials); privileged accounts are the
superusers' (see accounts.permissions). Third-party admins registered here are read-only."""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm as BaseCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin_site import ReadOnlyAdmin, admin_batch
from .forms import UserPasswordSetForm, admin_actor
from .models import MediatorGrant, PlatformRole, User
from .permissions import PRIVILEGED_ROLES, can_manage_mediators, can_manage_user
from .services import (
    AccountError,
    user_create,
    user_set_active,
    user_set_email,
    user_set_platform_role,
    user_update_profile,
)
from .services.mediation import MediationError, mediator_grant, mediator_revoke

PROFILE_FIELDS = ("display_name", "commune", "bio", "mandate", "response_delay_days")


class UserCreationForm(BaseCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    change_password_form = UserPasswordSetForm
    ordering = ["email"]
    list_display = ["email", "display_name", "platform_role", "commune", "is_active"]
    list_filter = ["platform_role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (gettext_lazy("Profil"), {"fields": list(PROFILE_FIELDS)}),
        (gettext_lazy("Rôle sur la plateforme"), {"fields": ["platform_role"]}),
        (gettext_lazy("Accès"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (
            gettext_lazy("Dates"),
            {"fields": ["last_login", "date_joined", "email_confirmed_at", "deactivated_at"]},
        ),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})
    ]
    # Admin groups follow the platform role; superuser status is granted by `createsuperuser`.
    readonly_fields = [
        "last_login",
        "date_joined",
        "email_confirmed_at",
        "deactivated_at",
        "is_staff",
        "is_superuser",
        "groups",
    ]
    filter_horizontal: list[str] = []
    actions = ["deactivate_users", "activate_users"]

    def has_add_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_manage_user(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # No deletion service: removing an account would orphan workspaces (last owner) and
        # the public record. Deactivate instead.
        return False

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "platform_role" and not request.user.is_superuser:
            kwargs["choices"] = [
                (value, label)
                for value, label in PlatformRole.choices
                if value not in PRIVILEGED_ROLES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        token = admin_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            admin_actor.reset(token)

    def save_model(self, request, obj, form, change):
        actor = request.user
        try:
            if not change:
                created = user_create(
                    actor=actor,
                    email=form.cleaned_data["email"],
                    display_name=form.cleaned_data["display_name"],
                    password=form.cleaned_data["password1"],
                )
                obj.pk = created.pk
                obj._state.adding = False
                obj._state.db = created._state.db
                return
            user = User.objects.get(pk=obj.pk)
            changed = set(form.changed_data)
            if "email" in changed:
                user_set_email(actor=actor, user=user, email=form.cleaned_data["email"])
            profile = {name: form.cleaned_data[name] for name in PROFILE_FIELDS if name in changed}
            if profile:
                user_update_profile(actor=actor, user=user, **profile)
            if "platform_role" in changed:
                user_set_platform_role(
                    actor=actor, user=user, role=form.cleaned_data["platform_role"]
                )
            if "is_active" in changed:
                user_set_active(actor=actor, user=user, active=form.cleaned_data["is_active"])
        except (AccountError, ValidationError) as error:
            # The change view runs in one transaction: refusing here rolls everything back.
            raise PermissionDenied(getattr(error, "message", str(error))) from error

    def save_related(self, request, form, formsets, change):
        # Groups follow the platform role (user_sync_admin_groups); nothing else is related.
        return None

    def _set_active(self, request, queryset, active: bool) -> None:
        admin_batch(
            self,
            request,
            queryset,
            lambda user: user_set_active(actor=request.user, user=user, active=active),
            errors=AccountError,
            done=_("Comptes mis à jour."),
        )

    @admin.action(
        description=gettext_lazy("Désactiver les comptes sélectionnés"), permissions=["change"]
    )
    def deactivate_users(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(
        description=gettext_lazy("Réactiver les comptes sélectionnés"), permissions=["change"]
    )
    def activate_users(self, request, queryset):
        self._set_active(request, queryset, True)


# Admin groups are kept in step with platform roles by code (accounts.signals and
# user_sync_admin_groups): editing them by hand would grant admin rights outside any service.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin, BaseGroupAdmin):
    pass


if apps.is_installed("rest_framework.authtoken"):
    from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
    from rest_framework.authtoken.models import TokenProxy

    if admin.site.is_registered(TokenProxy):
        admin.site.unregister(TokenProxy)

        @admin.register(TokenProxy)
        class TokenAdmin(ReadOnlyAdmin, BaseTokenAdmin):
            """Who holds a token and since when; never the key (a credential), never a write."""

            list_display = ("user", "created")
            fields = ("user", "created")
            readonly_fields = ("user", "created")


@admin.register(MediatorGrant)
class MediatorGrantAdmin(admin.ModelAdmin):
    """The mediator trail: staff grant here or on /comptes/mediation/ (through the service);
    withdrawing is an action, and no row is ever edited or deleted."""

    list_display = ["user", "granted_by", "granted_at", "revoked_by", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__display_name"]
    fields = ["user"]
    raw_id_fields = ["user"]
    actions = ["revoke_grants"]

    def has_module_permission(self, request) -> bool:
        return can_manage_mediators(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_manage_mediators(request.user)

    def has_add_permission(self, request) -> bool:
        return can_manage_mediators(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and can_manage_mediators(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        try:
            created = mediator_grant(actor=request.user, user=form.cleaned_data["user"])
        except MediationError as error:
            raise PermissionDenied(error.message) from error
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

    @admin.action(description=gettext_lazy("Retirer le rôle de médiation"), permissions=["change"])
    def revoke_grants(self, request, queryset):
        admin_batch(
            self,
            request,
            queryset.filter(revoked_at__isnull=True),
            lambda grant: mediator_revoke(actor=request.user, user=grant.user),
            errors=MediationError,
            done=_("Rôles de médiation retirés."),
        )
