"""Pages of moderation: report a message, appeal a decision, the moderators' queue and a case
with its decision forms, the public charter and register, and a person's notices.

What a page shows of a message follows who reads it: the reported text only on the case page
(moderators and staff); everywhere else, never the text of a hidden message."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from debates.models import Comment
from debates.permissions import COMMENT_POLICY
from debates.selectors import comment_queryset, debate_participants
from debates.views import comment_url, posted, service_call
from errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from interface.views import policy_object
from workspace.models import Workspace
from workspace.permissions import WORKSPACE_POLICY

from .forms import AppealDecisionForm, AppealForm, DecisionForm, ReportForm
from .models import ModerationCase, ReportReason
from .permissions import CASE_POLICY
from .selectors import (
    case_get,
    case_of_comment,
    case_queue,
    charter_current,
    charter_versions,
    moderators,
    notice_list,
    register_month,
)
from .services import (
    appeal_create,
    appeal_decide,
    case_decide,
    notices_mark_read,
    report_create,
)

QUEUE_PAGE_SIZE = 30
NOTICES_PAGE_SIZE = 30


def _comment(request: HttpRequest, pk: int, action: str) -> Comment:
    return policy_object(request, COMMENT_POLICY, action, queryset=comment_queryset(), pk=pk)


# --- a reader reports, an author appeals ---


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk, "report")
    back = comment_url(comment)
    form = ReportForm(posted(request))
    status = 200
    own = comment.author_id == request.user.pk
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = service_call(
                request,
                form,
                lambda: report_create(actor=request.user, comment=comment, **form.cleaned_data),
            )
            if done is not None:
                messages.success(
                    request,
                    _(
                        "Merci : votre signalement est transmis à la modération. Vous serez "
                        "informé·e de sa décision dans « Mes avis de modération »."
                    ),
                )
                return HttpResponseRedirect(back)
    context = {
        "form": form,
        "comment": comment,
        "debate": comment.debate,
        "back": back,
        "own": own,
        "reportable": comment.state == Comment.State.VISIBLE and not own,
    }
    return render(request, "moderation/report.html", context, status=status)


def _appeal_situation(comment: Comment, case: ModerationCase | None) -> str:
    """What the author may do: "open" (the form), or why not."""
    if case is None or comment.state != Comment.State.HIDDEN:
        return "not_hidden"
    if comment.pending_review or case.state == ModerationCase.State.PENDING:
        return "pending_review"
    if case.state == ModerationCase.State.APPEALED:
        return "appealed"
    if case.state == ModerationCase.State.UPHELD:
        return "upheld"
    until = comment.appealable_until
    if until is None or timezone.now() > until:
        return "too_late"
    return "open"


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk, "appeal")
    case = case_of_comment(comment)
    situation = _appeal_situation(comment, case)
    form = AppealForm(posted(request))
    status = 200
    if request.method == "POST" and situation == "open":
        status = 400
        if form.is_valid():
            done, status = service_call(
                request,
                form,
                lambda: appeal_create(
                    actor=request.user, comment=comment, text=form.cleaned_data["text"]
                ),
            )
            if done is not None:
                messages.success(
                    request,
                    _(
                        "Recours enregistré : une autre personne de la modération l'examinera. "
                        "Sa décision vous sera dite dans « Mes avis de modération »."
                    ),
                )
                return HttpResponseRedirect(comment_url(comment))
    elif request.method == "POST":
        status = 409
    context = {
        "form": form,
        "comment": comment,
        "debate": comment.debate,
        "case": case,
        "situation": situation,
        "back": comment_url(comment),
    }
    return render(request, "moderation/appeal.html", context, status=status)


# --- the moderators' queue and a case ---


def _moderators_only(request: HttpRequest) -> None:
    if not CASE_POLICY.rule("view").test(request.user, None, CASE_POLICY):
        raise PermissionDenied


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _moderators_only(request)
    page = Paginator(case_queue(user=request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    labels = dict(ReportReason.choices)
    for case in page:
        counts = Counter(r.reason for r in case.reports.all())
        case.reasons = [(labels.get(reason, reason), n) for reason, n in counts.most_common()]
        case.overdue = case.is_open and now > case.due_at
    return render(request, "moderation/queue.html", {"page_obj": page})


def _case_context(request: HttpRequest, case: ModerationCase, **forms: Any) -> dict[str, Any]:
    user = request.user
    participant = user.pk in debate_participants(case.comment.debate)
    hid_it = case.decided_by_id == user.pk
    charter = charter_current()
    return {
        "case": case,
        "comment": case.comment,
        "debate": case.comment.debate,
        "reports": list(case.reports.order_by("created", "id")),
        "actions": list(case.actions.select_related("actor").order_by("created", "id")),
        "charter": charter,
        "participant": participant,
        "hid_it": hid_it,
        "can_decide": case.state == ModerationCase.State.PENDING and not participant,
        "can_judge_appeal": case.state == ModerationCase.State.APPEALED
        and not participant
        and not hid_it,
        "decision_form": forms.get("decision_form") or DecisionForm(charter=charter),
        "appeal_form": forms.get("appeal_form") or AppealDecisionForm(),
        "overdue": case.is_open and timezone.now() > case.due_at,
        "conflict": forms.get("conflict"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _moderators_only(request)
    case = case_get(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "moderation/case.html", _case_context(request, case))
    which = request.POST.get("form")
    if which == "appeal":
        form: Any = AppealDecisionForm(request.POST)
        key = "appeal_form"
        service = appeal_decide
    else:
        form = DecisionForm(request.POST, charter=charter_current())
        key = "decision_form"
        service = case_decide
    status = 400
    if form.is_valid():
        try:
            service(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except (ForbiddenError, NotFoundError) as error:
            raise PermissionDenied(error.message) from error
        except ConflictError as error:
            # Someone decided first: say so, and show the case as it is now.
            fresh = case_get(user=request.user, pk=pk)
            context = _case_context(request, fresh, conflict=error.message)
            return render(request, "moderation/case.html", context, status=409)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Décision enregistrée et publiée."))
            return redirect("moderation:case", pk=case.pk)
    context = _case_context(request, case, **{key: form})
    return render(request, "moderation/case.html", context, status=status)


# --- public: the charter and the register ---


def charter(request: HttpRequest) -> HttpResponse:
    versions = list(charter_versions())
    context = {
        "current": versions[0] if versions else None,
        "versions": versions,
        "moderators": list(moderators()),
    }
    return render(request, "moderation/charter.html", context)


MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _month(value: str) -> datetime.date:
    """`YYYY-MM` → the month's first day; the current month when absent or malformed."""
    this_month = timezone.localdate().replace(day=1)
    match = MONTH.match(value or "")
    if match is None or not 2000 <= int(match.group(1)) <= 9999:
        return this_month
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


def register(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("month", ""))
    workspace = None
    slug = request.GET.get("espace", "")
    if slug:
        workspace = policy_object(
            request, WORKSPACE_POLICY, queryset=Workspace.objects.all(), slug=slug
        )
    figures = register_month(user=request.user, month=month, workspace=workspace)
    labels = dict(ReportReason.choices)
    extra = {"espace": workspace.slug} if workspace is not None else {}

    def link(when: datetime.date) -> str:
        query = urlencode({"month": f"{when.year:04d}-{when.month:02d}", **extra})
        return f"{reverse('moderation:register')}?{query}"

    this_month = timezone.localdate().replace(day=1)
    following = _shift(month, 1)
    context = {
        "month": month,
        "workspace": workspace,
        "figures": figures,
        "reports": [(labels[k], v) for k, v in figures["reports"].items()],
        "previous_url": link(_shift(month, -1)),
        "next_url": link(following) if following <= this_month else "",
    }
    return render(request, "moderation/register.html", context)


# --- a person's notices ---


@login_required
@require_http_methods(["GET"])
def notices(request: HttpRequest) -> HttpResponse:
    page = Paginator(notice_list(user=request.user), NOTICES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for notice in page:
        case = notice.case
        comment = case.comment
        notice.appealable = (
            notice.kind == "hidden"
            and case.state == ModerationCase.State.HIDDEN
            and comment.state == Comment.State.HIDDEN
            and comment.appealable_until is not None
            and now <= comment.appealable_until
        )
    unread = any(n.read_at is None for n in page)
    return render(request, "moderation/notices.html", {"page_obj": page, "unread": unread})


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    marked = notices_mark_read(actor=request.user)
    if marked:
        messages.success(request, _("Avis marqués comme lus."))
    return redirect("moderation:notices")
