"""Pages of notifications: the centre, the settings with the subscriptions, the "Suivre"
button's target, and the unsubscribe links of e-mails (no login needed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from interface.confirm import safe_back
from interface.views import attempt, posted, service_call

from .forms import FollowForm, FollowPlaceForm, LevelForm, SettingsForm
from .models import TargetType
from .selectors import (
    mask_withdrawn,
    notification_find,
    notification_label,
    notification_list,
    notification_why,
    subscription_find,
    subscription_list,
    unread_count,
)
from .services import (
    notifications_mark_read,
    notifications_sync,
    recipient_email_enable,
    recipient_for,
    recipient_settings_set,
    subscription_follow,
    subscription_set_level,
    subscription_unfollow,
    unsubscribe_apply,
)
from .tokens import unsubscribe_read

PAGE_SIZE = 30


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("non-lues") == "1"
    notifications_sync(actor=request.user)
    page = Paginator(notification_list(request.user, unread=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"n": n, "label": notification_label(n), "why": notification_why(n)}
        for n in mask_withdrawn(request.user, list(page.object_list))
    ]
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "rows": rows,
            "unread_only": unread_only,
            "unread": unread_count(request.user),
            "query_string": "non-lues=1" if unread_only else "",
        },
    )


@login_required
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link: it is read once opened (the person's own only)."""
    notification = notification_find(request.user, pk)
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notifications_mark_read(actor=request.user, ids=[notification.pk])
    target = mask_withdrawn(request.user, [notification])[0].url
    if not target.startswith("/") or target.startswith("//"):
        target = reverse("notifications:list")
    return redirect(target)


@login_required
@require_POST
def mark_read_view(request: HttpRequest) -> HttpResponse:
    every = request.POST.get("all") == "1"
    try:
        notifications_mark_read(actor=request.user, ids=request.POST.getlist("id"), every=every)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(safe_back(request, "notifications:list"))
    if every:
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect(safe_back(request, "notifications:list"))


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    recipient = recipient_for(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    form = SettingsForm(
        posted(request) if action == "settings" else None,
        initial={
            "frequency": recipient.frequency,
            "email_direct": recipient.email_direct,
            "language": recipient.language,
        },
    )
    place = FollowPlaceForm(posted(request) if action == "place" else None)
    status = 200
    if action == "settings" and form.is_valid():
        values = form.cleaned_data
        _value, status = service_call(
            request,
            form,
            lambda: recipient_settings_set(
                actor=request.user,
                frequency=values["frequency"],
                email_direct=values["email_direct"],
                language=values["language"],
            ),
            rename={"digest": "frequency"},
        )
        if status == 200:
            messages.success(request, _("Réglages enregistrés."))
            return redirect("notifications:settings")
    elif action == "place" and place.is_valid():
        territory, theme = place.cleaned_data["territory"], place.cleaned_data["theme"]
        target_type = TargetType.TERRITORY if territory else TargetType.THEME
        target = (territory or theme).slug
        _value, status = service_call(
            request,
            place,
            lambda: subscription_follow(
                actor=request.user,
                target_type=target_type,
                target=target,
                level=place.cleaned_data["level"],
                update=True,
            ),
        )
        if status == 200:
            messages.success(request, _("Vous suivez « %(name)s ».") % {"name": territory or theme})
            return redirect("notifications:settings")
    elif action == "email":
        recipient_email_enable(actor=request.user)
        messages.success(request, _("Les courriels reprennent vers votre adresse."))
        return redirect("notifications:settings")
    elif action in ("settings", "place"):
        status = 400
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "place": place,
            "recipient": recipient,
            "followed": subscription_list(request.user),
            "level_form": LevelForm(),
        },
        status=status,
    )


@login_required
@require_POST
def follow_view(request: HttpRequest) -> HttpResponse:
    form = FollowForm(request.POST)
    back = safe_back(request, "notifications:settings")
    if not form.is_valid():
        messages.error(request, _("Ce suivi n'a pas pu être enregistré : choisissez un niveau."))
        return redirect(back)
    values = form.cleaned_data
    done = attempt(
        request,
        lambda: subscription_follow(
            actor=request.user,
            target_type=values["target_type"],
            target=values["target"],
            level=values["level"],
            update=True,
        ),
    )
    if done.ok:
        messages.success(
            request,
            _("Vous suivez ceci (niveau %(level)s).") % {"level": done.value.get_level_display()},
        )
    return redirect(back)


@login_required
@require_POST
def subscription_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a subscription's level, or stop it (`action=unfollow`)."""
    back = safe_back(request, "notifications:settings")
    subscription = subscription_find(request.user, pk)
    if subscription is None:
        messages.error(request, _("Abonnement introuvable."))
        return redirect(back)
    if request.POST.get("action") == "unfollow":
        done = attempt(
            request, lambda: subscription_unfollow(actor=request.user, subscription=subscription)
        )
        if done.ok:
            messages.success(request, _("Vous ne suivez plus ceci."))
        return redirect(back)
    form = LevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Niveau inconnu : choisissez essentiel, standard ou tout."))
        return redirect(back)
    done = attempt(
        request,
        lambda: subscription_set_level(
            actor=request.user, subscription=subscription, level=form.cleaned_data["level"]
        ),
    )
    if done.ok:
        messages.success(request, _("Niveau enregistré."))
    return redirect(back)


@csrf_exempt  # one-click unsubscribe (RFC 8058): mail clients POST without a session or token
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: say what the link stops and ask; POST: stop it (no login: the link is signed)."""
    what = unsubscribe_read(token)
    if what is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    done = None
    if request.method == "POST":
        done = unsubscribe_apply(
            user_id=what.user_id, target_type=what.target_type, target_id=what.target_id
        )
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return render(
        request,
        "notifications/unsubscribe.html",
        {"what": what, "done": done, "posted": request.method == "POST"},
    )
