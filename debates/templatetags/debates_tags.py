"""Template filters of the debate pages: the badge beside an author's name."""

from django import template
from django.utils.translation import gettext as _

from ..permissions import author_badge

register = template.Library()


@register.filter
def badge_label(user) -> str:
    """ "élu·e" or "agent" (said in words, never by a colour alone); "" for anyone else."""
    return {"official": _("élu·e"), "staff": _("agent")}.get(author_badge(user) or "", "")
