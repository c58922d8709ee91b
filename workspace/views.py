"""Pages for workspaces: list, create, detail, settings, members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.selectors import activity_list_for_workspace

from .errors import InvitationInvalid, InvitationsExhausted, WorkspaceError
from .forms import MemberAddForm, MemberRoleForm, WorkspaceForm
from .models import Role
from .permissions import can_change_workspace, can_manage_members, can_view_members, workspace_role
from .selectors import (
    membership_get,
    membership_list,
    workspace_get_visible,
    workspace_list_visible,
)
from .services import (
    invitation_read,
    membership_accept_invitation,
    membership_change_role,
    membership_invite,
    membership_remove,
    workspace_create,
    workspace_update,
)


def workspace_list(request):
    qs = workspace_list_visible(user=request.user).order_by("name")
    kind = request.GET.get("kind")
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 24).get_page(request.GET.get("page"))
    return render(request, "workspace/list.html", {"page_obj": page, "kind": kind})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_create_view(request):
    form = WorkspaceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = workspace_create(actor=request.user, **form.cleaned_data)
        except WorkspaceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Espace créé : vous en êtes propriétaire."))
            return redirect(workspace)
    return render(request, "workspace/form.html", {"form": form, "creating": True})


def workspace_detail(request, slug: str):
    workspace = workspace_get_visible(user=request.user, slug=slug)
    role = workspace_role(request.user, workspace)
    context = {
        "workspace": workspace,
        "role": role,
        "role_label": Role(role).label if role else "",
        "can_change": can_change_workspace(request.user, workspace),
        "can_manage_members": can_manage_members(request.user, workspace),
        "activities": activity_list_for_workspace(workspace=workspace)[:10] if role else [],
        "extra_sections": [],
    }
    return render(request, "workspace/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def workspace_edit(request, slug: str):
    workspace = workspace_get_visible(user=request.user, slug=slug)
    if not can_change_workspace(request.user, workspace):
        raise PermissionDenied
    form = WorkspaceForm(request.POST or None, instance=workspace, user=request.user)
    if request.method == "POST" and form.is_valid():
        workspace.refresh_from_db()
        try:
            workspace_update(actor=request.user, workspace=workspace, **form.cleaned_data)
        except WorkspaceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Espace mis à jour."))
            return redirect(workspace)
    return render(request, "workspace/form.html", {"form": form, "workspace": workspace})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_members(request, slug: str):
    workspace = workspace_get_visible(user=request.user, slug=slug)
    if not can_view_members(request.user, workspace):
        raise PermissionDenied
    manage = can_manage_members(request.user, workspace)
    form = MemberAddForm(request.POST or None)
    status = None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            # The same answer for every address (account or not): the e-mail does the rest.
            try:
                membership_invite(
                    actor=request.user,
                    workspace=workspace,
                    base_url=request.build_absolute_uri("/"),
                    **form.cleaned_data,
                )
            except InvitationsExhausted as error:
                form.add_error(None, error.message)
                status = 429
            else:
                messages.success(
                    request,
                    _(
                        "Invitation envoyée à %(email)s : la personne rejoindra l'espace en "
                        "l'acceptant."
                    )
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("workspace:members", slug=workspace.slug)
    members = [
        (m, MemberRoleForm(initial={"role": m.role}, prefix=f"m{m.user_id}"))
        for m in membership_list(workspace=workspace)
    ]
    return render(
        request,
        "workspace/members.html",
        {"workspace": workspace, "members": members, "form": form, "can_manage": manage},
        status=status,
    )


@login_required
@require_POST
def member_role(request, slug: str, user_id: int):
    # Same order as the API's PATCH: see the members (403), the member (404), then manage (403).
    workspace = workspace_get_visible(user=request.user, slug=slug)
    if not can_view_members(request.user, workspace):
        raise PermissionDenied
    membership = membership_get(workspace=workspace, user_id=user_id)
    if not can_manage_members(request.user, workspace):
        raise PermissionDenied
    form = MemberRoleForm(request.POST, prefix=f"m{user_id}")
    if form.is_valid():
        try:
            membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
            messages.success(request, _("Rôle modifié."))
        except WorkspaceError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Rôle inconnu."))
    return redirect("workspace:members", slug=workspace.slug)


@login_required
@require_POST
def member_remove(request, slug: str, user_id: int):
    # The same checks in the same order as the API (workspace.api.MemberDetail): who may not
    # see the member list learns nothing about who is in it (403 before any 404).
    workspace = workspace_get_visible(user=request.user, slug=slug)
    if not can_view_members(request.user, workspace):
        raise PermissionDenied
    membership = membership_get(workspace=workspace, user_id=user_id)
    if membership.user_id != request.user.pk and not can_manage_members(request.user, workspace):
        raise PermissionDenied
    try:
        membership_remove(actor=request.user, membership=membership)
        messages.success(request, _("Membre retiré·e."))
    except WorkspaceError as error:
        messages.error(request, error.message)
    if membership.user_id == request.user.pk:
        return redirect("home")
    return redirect("workspace:members", slug=workspace.slug)


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """Read an invitation (GET), accept it (POST): only the account with the invited address."""
    try:
        details = invitation_read(token=token)
    except InvitationInvalid as error:
        return render(request, "workspace/invitation.html", {"error": error.message}, status=400)
    if request.method == "POST":
        try:
            membership = membership_accept_invitation(actor=request.user, token=token)
        except WorkspaceError as error:
            return render(
                request,
                "workspace/invitation.html",
                {"error": error.message, **details},
                status=400,
            )
        messages.success(request, _("Vous avez rejoint l'espace."))
        return redirect(membership.workspace)
    return render(request, "workspace/invitation.html", details)
