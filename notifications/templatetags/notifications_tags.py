"""What pages show of notifications: the header's bell, and the "Suivre" button of every
followable page (a plain form: it works without script)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string

from ..forms import LEVEL_HELP
from ..models import Level, Recipient, Subscription
from ..selectors import subscription_of, unread_count
from ..targets import target_of

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_unread(context: Any) -> int:
    """Unread notifications of the signed-in reader (one query; none for a visitor)."""
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return unread_count(user)


@register.simple_tag(takes_context=True)
def follow_button(context: Any, obj: Any) -> str:
    """The follow form for `obj` (nothing for a visitor: the page offers to sign in)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    target = target_of(obj) if obj is not None else None
    if target is None or user is None:
        return ""
    if not user.is_authenticated:
        return render_to_string(
            "notifications/follow_sign_in.html", {"next": request.get_full_path()}
        )
    subscription = subscription_of(user, obj)
    return render_to_string(
        "notifications/follow_button.html",
        {
            "target_type": target[0],
            "target_id": target[1],
            "subscription": subscription,
            "current": subscription.level if subscription else Level.STANDARD,
            "levels": Level.choices,
            "help": LEVEL_HELP,
            "next": request.get_full_path(),
        },
        request=request,
    )


@register.simple_tag(takes_context=True)
def notification_settings_summary(context: Any) -> str:
    """The profile's card: e-mail frequency, direct e-mails, how many follows, a suspended
    address said plainly, and the way to the settings."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    recipient = Recipient.objects.filter(user_id=user.pk).first()
    return render_to_string(
        "notifications/profile_summary.html",
        {
            "frequency": (recipient or Recipient()).get_frequency_display(),
            "email_direct": recipient.email_direct if recipient else True,
            "disabled_at": recipient.email_disabled_at if recipient else None,
            "follows": Subscription.objects.filter(user_id=user.pk).count(),
        },
        request=request,
    )
