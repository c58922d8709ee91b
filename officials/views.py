"""Pages of officials and requests: the directory (filterable), "Qui contacter ?", an
official's page with statistics and public answers, the method behind the figures, writing a
request, my requests, the inbox of an official or a delegate, and a request's page with its
history and the steps its parties may take.

Three steps each — load (visible-or-404, action-or-403), call the service, answer — and a
service's refusal becomes an error on the form, with the API's status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from debates.forms import territory_options
from interface.confirm import Confirmation
from interface.views import confirmed_form_call, posted, service_call
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY
from territories.models import Territory, Theme

from .forms import (
    AnswerForm,
    ClarifyForm,
    InadmissibleForm,
    MandateForm,
    ProfileForm,
    RedirectForm,
    ReplyForm,
    RequestForm,
)
from .models import Request
from .permissions import REQUEST_POLICY
from .selectors import (
    STATS_MIN_REQUESTS,
    official_get,
    official_list,
    official_stats,
    public_answers,
    request_flags,
    request_get_visible,
    request_notices,
    requests_awaiting_publication,
    requests_inbox,
    requests_sent,
)
from .services import (
    mandate_add,
    mandate_remove,
    official_photo_remove,
    official_photo_set,
    official_profile_set,
    request_answer,
    request_clarify,
    request_flag_boilerplate,
    request_inadmissible,
    request_notices_mark_read,
    request_publication_decide,
    request_redirect,
    request_reply,
    request_send,
)

PAGE_SIZE = 20


def _filters(request: HttpRequest) -> tuple[dict[str, str], Territory | None, Theme | None]:
    values = {k: request.GET.get(k, "")[:100] for k in ("territory", "theme")}
    territory = (
        Territory.objects.select_related("parent__parent").filter(slug=values["territory"]).first()
        if values["territory"]
        else None
    )
    theme = Theme.objects.filter(slug=values["theme"]).first() if values["theme"] else None
    return values, territory, theme


def _directory_page(request: HttpRequest, template: str, extra: dict[str, Any]) -> HttpResponse:
    values, territory, theme = _filters(request)
    unknown = (values["territory"] and territory is None) or (values["theme"] and theme is None)
    page = Paginator(official_list(territory=territory, theme=theme), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    stats = official_stats([p.pk for p in page])
    for profile in page:
        profile.stats = stats[profile.pk]
    context = {
        "page_obj": page,
        "filters": values,
        "territory": territory,
        "theme": theme,
        "territories": territory_options(),
        "themes": Theme.objects.order_by("name"),
        "unknown_filter": unknown,
        "min_requests": STATS_MIN_REQUESTS,
        **extra,
    }
    return render(request, template, context, status=400 if unknown else 200)


def directory(request: HttpRequest) -> HttpResponse:
    return _directory_page(request, "officials/directory.html", {})


def finder(request: HttpRequest) -> HttpResponse:
    """ "Qui contacter ?": from a territory and a theme, the officials in charge."""
    asked = bool(request.GET.get("territory") or request.GET.get("theme"))
    fiche = request.GET.get("fiche", "")
    fiche = fiche if fiche.isdigit() and len(fiche) < 19 else ""
    return _directory_page(request, "officials/finder.html", {"asked": asked, "fiche": fiche})


def method(request: HttpRequest) -> HttpResponse:
    return render(request, "officials/method.html", {"min_requests": STATS_MIN_REQUESTS})


def official_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = official_get(user_id=pk)
    page = Paginator(public_answers(profile=profile), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "officials/official_detail.html",
        {
            "profile": profile,
            "stats": official_stats([profile.pk])[profile.pk],
            "page_obj": page,
            "min_requests": STATS_MIN_REQUESTS,
            "delegates": list(profile.delegates.all()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_write(request: HttpRequest, pk: int) -> HttpResponse:
    profile = official_get(user_id=pk)
    sheet = None
    sheet_id = request.GET.get("fiche", "")
    if sheet_id.isdigit() and len(sheet_id) < 19:
        found = ProjectSheet.objects.select_related("workspace").filter(pk=int(sheet_id)).first()
        sheet = found if found is not None and SHEET_POLICY.check(request.user, found) else None
    form = RequestForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.cleaned_data
            sent, status = service_call(
                request,
                form,
                lambda: request_send(
                    actor=request.user,
                    official=profile,
                    subject=values["subject"],
                    body=values["body"],
                    public=values["public"],
                    sheet=sheet,
                ),
            )
            if sent is not None:
                messages.success(
                    request,
                    _(
                        "Demande envoyée, référence %(ref)s : réponse attendue au plus tard le %(day)s."
                    )
                    % {"ref": sent.reference, "day": _local_day(sent.due_at)},
                )
                return redirect(sent)
    context = {"form": form, "profile": profile, "sheet": sheet}
    return render(request, "officials/request_write.html", context, status=status)


def _local_day(moment: Any) -> str:
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(moment).date(), "DATE_FORMAT")


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    page = Paginator(requests_sent(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.flags = request_flags(item)
    context = {"page_obj": page, "notices": _notices(request)}
    return render(request, "officials/my_requests.html", context)


def _notices(request: HttpRequest) -> list[Any]:
    """The latest notices, shown once as new then marked read."""
    notices = request_notices(user=request.user, limit=10)
    request_notices_mark_read(user=request.user)
    return notices


INBOX_FLAGS = ("", "overdue", "very_overdue", "closed", "all")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    flag = request.GET.get("flag", "")
    if flag not in INBOX_FLAGS:
        flag = ""
    page = Paginator(requests_inbox(user=request.user, flag=flag), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for item in page:
        item.flags = request_flags(item)
    awaiting = []
    if getattr(request.user, "is_moderator", False):
        awaiting = list(requests_awaiting_publication()[:PAGE_SIZE])
    filters = [
        ("", _("À traiter")),
        ("overdue", _("En retard")),
        ("very_overdue", _("En grand retard")),
        ("closed", _("Closes")),
        ("all", _("Toutes")),
    ]
    context = {
        "page_obj": page,
        "flag": flag,
        "awaiting": awaiting,
        "filters": filters,
        "notices": _notices(request),
    }
    return render(request, "officials/inbox.html", context)


# --- a request and its steps ---

STEPS: dict[str, tuple[str, Any]] = {
    "answer": ("answer", AnswerForm),
    "clarify": ("clarify", ClarifyForm),
    "reply": ("reply", ReplyForm),
    "redirect": ("redirect", RedirectForm),
    "inadmissible": ("inadmissible", InadmissibleForm),
}
SUCCESS = {
    "answer": gettext_lazy("Réponse envoyée."),
    "clarify": gettext_lazy("Question envoyée : le délai est suspendu jusqu'à la réponse."),
    "reply": gettext_lazy("Précision envoyée : le délai reprend."),
    "redirect": gettext_lazy("Demande transmise ; la date d'échéance reste la même."),
    "inadmissible": gettext_lazy("Demande close comme irrecevable."),
}


def _step_forms(req: Request, user: Any, bound: tuple[str, Any] | None) -> dict[str, Any]:
    """The forms of the steps this person may take from the request's state."""
    from .machine import REQUEST_STATES

    forms: dict[str, Any] = {}
    for option in REQUEST_STATES.available(user, req):
        name = option["name"]
        if not option["allowed"] or name not in STEPS:
            continue
        if bound is not None and bound[0] == name:
            forms[name] = bound[1]
            continue
        form_class = STEPS[name][1]
        if form_class is RedirectForm:
            others = [p for p in official_list() if p.pk != req.official_id]
            forms[name] = RedirectForm(officials=others, prefix=name)
        else:
            forms[name] = form_class(prefix=name)
    return forms


@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    req = request_get_visible(user=request.user, reference=reference[:20])
    status, bound = 200, None
    if request.method == "POST":
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(req.get_absolute_url())
        step = request.POST.get("step", "")
        if step in {"publish", "unpublish", "boilerplate", "not_boilerplate"}:
            return _moderate(request, req, step)
        if step not in STEPS:
            status = 400
        else:
            done, status, bound = _run_step(request, req, step)
            if done is not None:
                return done
    flags = request_flags(req)
    party = any(
        REQUEST_POLICY.check(request.user, req, a) for a in ("answer", "reply", "inadmissible")
    )
    entries = [
        e
        for e in req.entries.select_related("author").all()
        if party or e.kind in {"sent", "redirect", "answer"}
    ]
    context = {
        "req": req,
        "flags": flags,
        "party": party,
        "entries": entries,
        "forms": _step_forms(req, request.user, bound),
        "may_moderate": REQUEST_POLICY.check(request.user, req, "moderate"),
    }
    return render(request, "officials/request_detail.html", context, status=status)


def _run_step(request: HttpRequest, req: Request, step: str) -> tuple[Any, int, Any]:
    action, form_class = STEPS[step]
    if not REQUEST_POLICY.check(request.user, req, action):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if form_class is RedirectForm:
        others = [p for p in official_list() if p.pk != req.official_id]
        form = RedirectForm(request.POST, officials=others, prefix=step)
    else:
        form = form_class(request.POST, prefix=step)
    back = req.get_absolute_url()
    if step == "inadmissible":
        page, done, status = confirmed_form_call(
            request,
            form,
            confirmation=lambda values: Confirmation(
                title=_("Clore la demande %(ref)s comme irrecevable ?") % {"ref": req.reference},
                consequence=_(
                    "La demande sera close et comptée à part dans les statistiques ; la "
                    "personne en sera informée, avec le motif. Cela ne peut pas être annulé."
                ),
                action_label=_("Oui, clore comme irrecevable"),
                cancel_url=back,
                quote=values.get("note", ""),
            ),
            call=lambda values: request_inadmissible(
                actor=request.user, request=req, reason=values["reason"], note=values["note"]
            ),
        )
        if page is not None:
            return page, 200, None
    else:
        status = 400
        done = None
        if form.is_valid():
            values = form.cleaned_data
            calls = {
                "answer": lambda: request_answer(
                    actor=request.user, request=req, body=values["body"]
                ),
                "clarify": lambda: request_clarify(
                    actor=request.user, request=req, question=values["question"]
                ),
                "reply": lambda: request_reply(
                    actor=request.user, request=req, body=values["body"]
                ),
                "redirect": lambda: request_redirect(
                    actor=request.user,
                    request=req,
                    official=next(
                        (p for p in official_list() if p.user_id == values["official"]), None
                    ),
                    note=values["note"],
                ),
            }
            done, status = service_call(request, form, calls[step])
    if done is not None:
        messages.success(request, SUCCESS[step])
        return redirect(back), 302, None
    return None, status, (step, form)


def _moderate(request: HttpRequest, req: Request, step: str) -> HttpResponse:
    from interface.views import attempt

    if not REQUEST_POLICY.check(request.user, req, "moderate"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if step in {"publish", "unpublish"}:
        done = attempt(
            request,
            lambda: request_publication_decide(
                actor=request.user, request=req, approve=step == "publish"
            ),
        )
        text = _("Question publiée.") if step == "publish" else _("Question non publiée.")
    else:
        done = attempt(
            request,
            lambda: request_flag_boilerplate(
                actor=request.user, request=req, boilerplate=step == "boilerplate"
            ),
        )
        text = _("Réponse signalée comme de pure forme : elle ne compte pas comme répondue.")
        if step != "boilerplate":
            text = _("Signalement retiré : la réponse compte de nouveau.")
    if done.ok:
        messages.success(request, text)
    return redirect(req)


# --- staff: verifying and describing officials ---


def _staff_only(request: HttpRequest) -> None:
    from django.core.exceptions import PermissionDenied

    if not getattr(request.user, "is_platform_staff", False):
        raise PermissionDenied


def _delegate_accounts(form: ProfileForm, text: str) -> list[Any] | None:
    """The accounts named by their addresses, or None after an error on the form."""
    from accounts.models import User

    emails = [e.strip().lower() for e in text.replace(";", ",").split(",") if e.strip()]
    found = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
    missing = [e for e in emails if e not in found]
    if missing:
        form.add_error(
            "delegates",
            _("Aucun compte actif pour : %(emails)s.") % {"emails": ", ".join(missing[:5])},
        )
        return None
    return list(found.values())


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Staff verify an account as an official (pk None) or describe one (commitment,
    delegations, territories, delegates, mandates)."""
    from accounts.models import User

    _staff_only(request)
    profile = official_get(user_id=pk) if pk is not None else None
    initial: dict[str, Any] = {}
    if profile is not None:
        initial = {
            "email": profile.user.email,
            "commitment_days": profile.commitment_days,
            "presentation": profile.presentation,
            "themes": list(profile.themes.all()),
            "territories": list(profile.territories.all()),
            "delegates": ", ".join(d.email for d in profile.delegates.all()),
        }
    form = ProfileForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST" and request.POST.get("form") != "mandate":
        status = 400
        if form.is_valid():
            values = form.cleaned_data
            user = User.objects.filter(email__iexact=values["email"], is_active=True).first()
            delegates = _delegate_accounts(form, values["delegates"])
            if user is None:
                form.add_error("email", _("Aucun compte actif avec cette adresse."))
            elif profile is not None and user.pk != profile.user_id:
                form.add_error("email", _("On ne change pas le compte d'un profil vérifié."))
            elif delegates is not None:
                saved, status = service_call(
                    request,
                    form,
                    lambda: official_profile_set(
                        actor=request.user,
                        user=user,
                        commitment_days=values["commitment_days"],
                        presentation=values["presentation"],
                        themes=values["themes"],
                        territories=values["territories"],
                        delegates=delegates,
                    ),
                )
                if saved is not None:
                    messages.success(request, _("Profil vérifié et enregistré."))
                    return redirect("officials:edit", pk=saved.user_id)
    mandate_form = MandateForm(request.POST if request.POST.get("form") == "mandate" else None)
    if profile is not None and request.POST.get("form") == "mandate":
        status = 400
        if mandate_form.is_valid():
            values = mandate_form.cleaned_data
            done, status = service_call(
                request,
                mandate_form,
                lambda: mandate_add(actor=request.user, profile=profile, **values),
            )
            if done is not None:
                messages.success(request, _("Mandat ajouté."))
                return redirect("officials:edit", pk=profile.user_id)
    context = {"form": form, "profile": profile, "mandate_form": mandate_form}
    return render(request, "officials/profile_edit.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def mandate_delete(request: HttpRequest, pk: int, mandate: int) -> HttpResponse:
    from django.http import Http404

    from .models import Mandate

    _staff_only(request)
    profile = official_get(user_id=pk)
    found = Mandate.objects.filter(pk=mandate, official=profile).select_related("official").first()
    if found is None:
        raise Http404("No such mandate.")
    mandate_remove(actor=request.user, mandate=found)
    messages.success(request, _("Mandat retiré."))
    return redirect("officials:edit", pk=profile.user_id)


def official_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The official's photo, from the storage, with the documents' hardened headers (public,
    so it may be cached a day)."""
    from django.http import FileResponse, Http404

    from documents.storage import document_storage, harden

    profile = official_get(user_id=pk)
    if not profile.photo_key:
        raise Http404("No photo.")
    try:
        handle = document_storage().open(profile.photo_key, "rb")
    except FileNotFoundError as error:
        raise Http404("No photo.") from error
    response = harden(FileResponse(handle, content_type=profile.photo_type), inline=True)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
@require_http_methods(["POST"])
def photo_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    _staff_only(request)
    profile = official_get(user_id=pk)
    try:
        if request.POST.get("remove"):
            official_photo_remove(actor=request.user, profile=profile)
            messages.success(request, _("Photo retirée."))
        else:
            upload = request.FILES.get("photo")
            if upload is None:
                messages.error(request, _("Choisissez une photo."))
            else:
                official_photo_set(
                    actor=request.user, profile=profile, file=upload, name=upload.name
                )
                messages.success(request, _("Photo enregistrée."))
    except ValidationError as error:
        for errors in error.message_dict.values():
            for text in errors:
                messages.error(request, text)
    return redirect("officials:edit", pk=profile.user_id)
