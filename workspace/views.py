"""Pages for workspaces: list, create, detail, settings, members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.selectors import activity_list_for_workspace
from interface.confirm import Confirmation, confirmation_page, confirmed
from interface.views import attempt, policy_object, policy_require

from .errors import InvitationInvalid, WorkspaceError
from .forms import MemberAddForm, MemberRoleForm, WorkspaceForm
from .models import Membership, Role
from .permissions import MEMBERSHIP_POLICY, WORKSPACE_POLICY, workspace_role
from .selectors import membership_get, membership_list, workspace_list_visible, workspace_queryset
from .services import (
    invitation_read,
    membership_accept_invitation,
    membership_change_role,
    membership_invite,
    membership_remove,
    workspace_create,
    workspace_update,
)


def _workspace(request, slug: str, action: str = "view"):
    """The workspace if the user may see it (404) and do `action` to it (403)."""
    return policy_object(
        request, WORKSPACE_POLICY, action, queryset=workspace_queryset(), slug=slug
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
        done = attempt(
            request, lambda: workspace_create(actor=request.user, **form.cleaned_data), form=form
        )
        if done.ok:
            messages.success(request, _("Espace créé : vous en êtes propriétaire."))
            return redirect(done.value)
    return render(request, "workspace/form.html", {"form": form, "creating": True})


# Sections that upper apps add to a workspace's page (debates registers its list there): each
# a callable (request, workspace) → a dict with the "template" to include and its context, or
# None to add nothing.
WORKSPACE_SECTIONS: list = []


def workspace_section_register(section) -> None:
    if section not in WORKSPACE_SECTIONS:
        WORKSPACE_SECTIONS.append(section)


def workspace_detail(request, slug: str):
    workspace = _workspace(request, slug)
    role = workspace_role(request.user, workspace)
    context = {
        "workspace": workspace,
        "role": role,
        "role_label": Role(role).label if role else "",
        "can_change": WORKSPACE_POLICY.check(request.user, workspace, "change"),
        "can_manage_members": WORKSPACE_POLICY.check(request.user, workspace, "manage_members"),
        "activities": activity_list_for_workspace(workspace=workspace)[:10] if role else [],
        "extra_sections": [
            part for part in (add(request, workspace) for add in WORKSPACE_SECTIONS) if part
        ],
    }
    return render(request, "workspace/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def workspace_edit(request, slug: str):
    workspace = _workspace(request, slug, "change")
    form = WorkspaceForm(request.POST or None, instance=workspace, user=request.user)
    if request.method == "POST" and form.is_valid():
        workspace.refresh_from_db()  # the form wrote its values on the instance: start afresh
        done = attempt(
            request,
            lambda: workspace_update(actor=request.user, workspace=workspace, **form.cleaned_data),
            form=form,
        )
        if done.ok:
            messages.success(request, _("Espace mis à jour."))
            return redirect(workspace)
    return render(request, "workspace/form.html", {"form": form, "workspace": workspace})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_members(request, slug: str):
    workspace = _workspace(request, slug, "view_members")
    manage = WORKSPACE_POLICY.check(request.user, workspace, "manage_members")
    form = MemberAddForm(request.POST or None)
    status = None
    if request.method == "POST":
        policy_require(request, WORKSPACE_POLICY, workspace, "manage_members")
        if form.is_valid():
            # The same answer for every address (account or not): the e-mail does the rest.
            done = attempt(
                request,
                lambda: membership_invite(
                    actor=request.user,
                    workspace=workspace,
                    base_url=request.build_absolute_uri("/"),
                    **form.cleaned_data,
                ),
                form=form,
            )
            if done.ok:
                messages.success(
                    request,
                    _(
                        "Invitation envoyée à %(email)s : la personne rejoindra l'espace en "
                        "l'acceptant."
                    )
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("workspace:members", slug=workspace.slug)
            status = done.status  # 429 when the day's invitations are spent
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


def _member(request, slug: str, user_id: int, action: str) -> Membership:
    """The same checks in the same order as the API (workspace.api.MemberDetail): who may not
    see the member list learns nothing about who is in it (403 before any 404), then the
    action on the member (403)."""
    workspace = _workspace(request, slug, "view_members")
    membership = membership_get(workspace=workspace, user_id=user_id)
    policy_require(request, MEMBERSHIP_POLICY, membership, action)
    return membership


@login_required
@require_POST
def member_role(request, slug: str, user_id: int):
    membership = _member(request, slug, user_id, "change")
    form = MemberRoleForm(request.POST, prefix=f"m{user_id}")
    if not form.is_valid():
        messages.error(request, _("Rôle inconnu."))
    elif attempt(
        request,
        lambda: membership_change_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        ),
    ).ok:
        messages.success(request, _("Rôle modifié."))
    return redirect("workspace:members", slug=slug)


@login_required
@require_POST
def member_remove(request, slug: str, user_id: int):
    membership = _member(request, slug, user_id, "delete")
    if not confirmed(request):
        leaving = membership.user_id == request.user.pk
        return confirmation_page(
            request,
            Confirmation(
                title=(
                    _("Quitter l'espace « %(space)s » ?")
                    if leaving
                    else _("Retirer %(name)s de l'espace « %(space)s » ?")
                )
                % {"name": membership.user.display_name, "space": membership.workspace.name},
                consequence=_(
                    "L'accès aux documents et aux fiches réservés aux membres cesse aussitôt ; "
                    "les contributions déjà faites restent. Revenir demandera une nouvelle "
                    "invitation."
                ),
                action_label=_("Oui, quitter l'espace") if leaving else _("Oui, retirer"),
                cancel_url=reverse("workspace:members", kwargs={"slug": slug}),
            ),
        )
    if attempt(request, lambda: membership_remove(actor=request.user, membership=membership)).ok:
        messages.success(request, _("Membre retiré·e."))
    if membership.user_id == request.user.pk:
        return redirect("home")
    return redirect("workspace:members", slug=slug)


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
