"""Pages of debates: the list (filterable), opening a debate, a debate with its threads and
its message form, editing and deleting one's message, and closing with a synthesis.

Three steps each — load (visible-or-404, action-or-403), call the service, answer — and a
service's refusal becomes an error on the form, with its HTTP status (400, 409, 429…)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import is_mediator
from interface.confirm import Confirmation, confirmation_page, confirmed
from interface.views import attempt, confirmed_form_call, policy_object, posted, service_call
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY
from territories.models import Territory, Theme
from workspace.models import Workspace
from workspace.permissions import WORKSPACE_POLICY

from .forms import AssistedCommentForm, CloseForm, CommentForm, DebateForm, territory_options
from .models import Comment, Debate
from .permissions import COMMENT_POLICY, DEBATE_POLICY
from .selectors import (
    THREADS_PER_PAGE,
    comment_queryset,
    comment_threads,
    comments_open,
    debate_get_visible,
    debate_list_visible,
    stance_counts,
)
from .services import (
    comment_create,
    comment_create_assisted,
    comment_delete,
    comment_update,
    debate_close,
    debate_create,
)

LIST_PAGE_SIZE = 20
FILTERS = ("territory", "theme", "state")


# --- the list ---


def debate_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    if filters["state"] not in Debate.State.values:
        filters["state"] = ""
    debates = debate_list_visible(
        user=request.user,
        territory=filters["territory"] or None,
        theme=filters["theme"] or None,
        state=filters["state"] or None,
    )
    page = Paginator(debates, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filters": filters,
        "query_string": urlencode({k: v for k, v in filters.items() if v}),
        "territories": territory_options(),
        "themes": Theme.objects.only("slug", "name").order_by("name"),
        "states": Debate.State.choices,
    }
    return render(request, "debates/debate_list.html", context)


# --- opening a debate ---


def _place(request: HttpRequest) -> tuple[ProjectSheet | None, Workspace | None]:
    """The sheet (`?fiche=<id>`) or workspace (`?espace=<slug>`) the debate opens on: 404 for
    one the user may not see."""
    sheet = workspace = None
    fiche = request.GET.get("fiche", "")
    if fiche:
        if not fiche.isdigit():
            raise Http404("No such sheet.")
        sheet = policy_object(
            request,
            SHEET_POLICY,
            queryset=ProjectSheet.objects.select_related("workspace", "territory"),
            pk=int(fiche),
        )
    elif request.GET.get("espace"):
        workspace = policy_object(request, WORKSPACE_POLICY, slug=request.GET["espace"])
    return sheet, workspace


@login_required
@require_http_methods(["GET", "POST"])
def debate_create_view(request: HttpRequest) -> HttpResponse:
    sheet, workspace = _place(request)
    initial: dict[str, Any] = {}
    if sheet is not None:
        initial = {"territory": sheet.territory, "themes": list(sheet.themes.all())}
    elif workspace is not None and workspace.territory_id:
        initial = {"territory": workspace.territory}
    form = DebateForm(
        posted(request),
        initial=initial,
        territory_queryset=Territory.objects.select_related("parent").order_by("kind", "name"),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.cleaned_data
            debate, status = service_call(
                request,
                form,
                lambda: debate_create(
                    actor=request.user,
                    title=values["title"],
                    body=values["body"],
                    sheet=sheet,
                    workspace=workspace,
                    territory=values["territory"],
                    themes=values["themes"],
                    closes_on=values["closes_on"],
                ),
                rename={"closes": "closes_on"},
            )
            if debate is not None:
                messages.success(request, _("Débat ouvert : il reçoit maintenant les messages."))
                return redirect(debate)
    context = {"form": form, "sheet": sheet, "workspace": workspace}
    return render(request, "debates/debate_form.html", context, status=status)


# --- a debate and its threads ---


def _thread_page(debate: Debate, thread: Comment) -> int:
    """The page of threads on which `thread` (a top-level message) stands."""
    before = (
        comment_threads(debate)
        .filter(Q(created__lt=thread.created) | Q(created=thread.created, pk__lte=thread.pk))
        .count()
    )
    return max(1, (before - 1) // THREADS_PER_PAGE + 1)


def comment_url(comment: Comment) -> str:
    """The address of a message on its debate's page of threads (with its anchor)."""
    thread = comment.parent if comment.parent_id else comment
    page = _thread_page(comment.debate, thread)
    query = f"?page={page}" if page > 1 else ""
    return f"{comment.debate.get_absolute_url()}{query}#commentaire-{comment.pk}"


def _detail(
    request: HttpRequest,
    debate: Debate,
    *,
    form: CommentForm | None = None,
    reply: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    page = Paginator(comment_threads(debate), THREADS_PER_PAGE).get_page(request.GET.get("page"))
    takes = comments_open(debate)
    context = {
        "debate": debate,
        "themes": list(debate.themes.all()),
        "page_obj": page,
        "stances": stance_counts(debate),
        "accepts_comments": takes,
        "can_comment": takes and DEBATE_POLICY.check(user, debate, "comment"),
        "can_record": takes and is_mediator(user),
        "can_close": debate.state == Debate.State.OPEN
        and DEBATE_POLICY.check(user, debate, "close"),
        "form": form or CommentForm(),
        "reply": reply or {},
        "now": timezone.now(),
        "today": timezone.localdate(),
    }
    return render(request, "debates/debate_detail.html", context, status=status)


def debate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, debate_get_visible(user=request.user, pk=pk))


@require_POST
def comment_post(request: HttpRequest, pk: int) -> HttpResponse:
    """A message or a reply (`parent`), posted from the debate's page. Refused: the page again
    with the error above the form (and the text kept), nothing saved."""
    debate = debate_get_visible(user=request.user, pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(debate.get_absolute_url())
    parent = None
    parent_id = request.POST.get("parent", "")
    if parent_id:
        if not parent_id.isdigit():
            raise Http404("No such message.")
        parent = Comment.objects.filter(pk=int(parent_id), debate=debate).first()
        if parent is None:
            raise Http404("No such message.")
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        comment, status = service_call(
            request,
            form,
            lambda: comment_create(
                actor=request.user,
                debate=debate,
                body=form.cleaned_data["body"],
                stance=form.cleaned_data["stance"],
                parent=parent,
            ),
        )
        if comment is not None:
            messages.success(request, _("Message publié."))
            return HttpResponseRedirect(comment_url(comment))
    if parent is not None and parent.parent_id is None and parent.state == Comment.State.VISIBLE:
        # The error goes where the reply was typed: that message's reply form, opened.
        reply = {"parent": parent.pk, "form": form}
        return _detail(request, debate, reply=reply, status=status)
    return _detail(request, debate, form=form, status=status)


def comment_goto(request: HttpRequest, pk: int) -> HttpResponse:
    """A message's own address: its debate's page of threads, at its anchor (404 if the debate
    is not visible, or the message is gone without a trace)."""
    comment = policy_object(
        request,
        COMMENT_POLICY,
        queryset=Comment.objects.select_related(
            "debate__sheet__workspace", "debate__workspace", "parent"
        ),
        pk=pk,
    )
    return HttpResponseRedirect(comment_url(comment))


def _own_comment(request: HttpRequest, pk: int, action: str) -> Comment:
    return policy_object(request, COMMENT_POLICY, action, queryset=comment_queryset(), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk, "change")
    back = comment_url(comment)
    if comment.state != Comment.State.VISIBLE or not comments_open(comment.debate):
        # A hidden text stays as it was judged (and is never put back on a page); a closed
        # debate takes no more changes.
        messages.error(request, _("Ce message ne peut plus être modifié."))
        return HttpResponseRedirect(back)
    form = CommentForm(posted(request), initial={"body": comment.body, "stance": comment.stance})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = service_call(
                request,
                form,
                lambda: comment_update(
                    actor=request.user,
                    comment=comment,
                    body=form.cleaned_data["body"],
                    stance=form.cleaned_data["stance"],
                ),
            )
            if done is not None:
                messages.success(request, _("Message modifié."))
                return HttpResponseRedirect(back)
    context = {"form": form, "comment": comment, "debate": comment.debate, "back": back}
    return render(request, "debates/comment_edit.html", context, status=status)


@login_required
@require_POST
def comment_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk, "delete")
    back = comment_url(comment)
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Supprimer votre message ?"),
                consequence=_(
                    "Son texte sera effacé aussitôt. S'il a reçu des réponses, elles restent "
                    "visibles sous la mention « Message supprimé par son auteur »."
                ),
                action_label=_("Oui, supprimer mon message"),
                cancel_url=back,
            ),
        )
    done = attempt(request, lambda: comment_delete(actor=request.user, comment=comment))
    if done.ok:
        messages.success(request, _("Message supprimé."))
    return HttpResponseRedirect(comment.debate.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def comment_assisted(request: HttpRequest, pk: int) -> HttpResponse:
    """A mediator records, with consent, the message of a person without an account."""
    debate = policy_object(
        request,
        DEBATE_POLICY,
        "view",
        queryset=Debate.objects.select_related("sheet__workspace", "workspace", "territory"),
        pk=pk,
    )
    if not is_mediator(request.user):
        raise PermissionDenied
    form = AssistedCommentForm(posted(request), initial={"collected_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = service_call(
                request,
                form,
                lambda: comment_create_assisted(
                    actor=request.user,
                    debate=debate,
                    body=data["body"],
                    stance=data["stance"],
                    pseudonym=data["pseudonym"],
                    place=data["place"],
                    collected_on=data["collected_on"],
                    consent=data["consent"],
                ),
            )
            if done is not None:
                messages.success(request, _("Message recueilli et publié."))
                return HttpResponseRedirect(comment_url(done))
    context = {"form": form, "debate": debate, "back": debate.get_absolute_url()}
    return render(request, "debates/comment_assisted.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def debate_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    debate = policy_object(
        request,
        DEBATE_POLICY,
        "close",
        queryset=Debate.objects.select_related("sheet__workspace", "workspace", "territory"),
        pk=pk,
    )
    form = CloseForm(posted(request))
    page, done, status = confirmed_form_call(
        request,
        form,
        confirmation=lambda values: Confirmation(
            title=_("Clore le débat « %(title)s » ?") % {"title": debate.title},
            consequence=_(
                "Le débat ne recevra plus de message ; la synthèse sera publiée en tête du débat."
            ),
            action_label=_("Oui, clore le débat"),
            cancel_url=debate.get_absolute_url(),
            quote=values["synthesis"],
        ),
        call=lambda values: debate_close(
            actor=request.user, debate=debate, synthesis=values["synthesis"]
        ),
    )
    if page is not None:
        return page
    if done is not None:
        messages.success(request, _("Débat clos : la synthèse est publiée."))
        return redirect(debate)
    context = {"form": form, "debate": debate, "is_open": debate.state == Debate.State.OPEN}
    return render(request, "debates/debate_close.html", context, status=status)


# --- the debates of a workspace, on its page (registered into workspace's page in ready()) ---

SECTION_SIZE = 10


def workspace_debates_section(request: HttpRequest, workspace: Workspace) -> dict[str, Any]:
    debates = debate_list_visible(user=request.user, workspace=workspace.slug)
    return {
        "template": "debates/_workspace_section.html",
        "debates": list(debates[:SECTION_SIZE]),
        "can_open": WORKSPACE_POLICY.check(request.user, workspace, "add_debate"),
    }
