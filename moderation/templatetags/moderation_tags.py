"""What every page's header shows of moderation: the signed-in person's unread notices."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import notice_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_unread(context: Any) -> int:
    """Unread moderation notices of the signed-in reader (one query; none for a visitor)."""
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return notice_unread_count(user=user)
