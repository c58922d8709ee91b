"""Admin for workspaces: read-only (writes go through workspace.services), plus the one staff
decision that lives here, granting or withdrawing the institution status.

Deleting a workspace is not offered: no service removes its documents' files and index
entries yet, and a row deletion would leave them behind.
"""

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin_site import ReadOnlyAdmin, admin_batch

from .errors import WorkspaceError
from .models import Membership, Workspace
from .permissions import can_grant_institution
from .services import workspace_set_institution


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["user", "role", "created"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Workspace)
class WorkspaceAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "slug",
        "kind",
        "institution_granted_by",
        "visibility",
        "territory",
        "created",
    ]
    list_filter = ["kind", "visibility"]
    list_select_related = ["territory", "institution_granted_by"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]
    actions = ["grant_institution", "withdraw_institution"]

    def has_institution_permission(self, request) -> bool:
        return can_grant_institution(request.user)

    def _set_institution(self, request, queryset, granted: bool) -> None:
        admin_batch(
            self,
            request,
            queryset,
            lambda workspace: workspace_set_institution(
                actor=request.user, workspace=workspace, granted=granted
            ),
            errors=WorkspaceError,
            done=_("Statut d'institution mis à jour."),
        )

    @admin.action(
        description=gettext_lazy("Accorder le statut d'institution"), permissions=["institution"]
    )
    def grant_institution(self, request, queryset):
        self._set_institution(request, queryset, True)

    @admin.action(
        description=gettext_lazy("Retirer le statut d'institution"), permissions=["institution"]
    )
    def withdraw_institution(self, request, queryset):
        self._set_institution(request, queryset, False)
