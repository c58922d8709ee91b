"""Template filters for sheets: sanitised Markdown."""

from django import template
from django.utils.safestring import SafeString

from ..markdown import render_markdown as _render_markdown

register = template.Library()


@register.filter
def render_markdown(text: str | None) -> SafeString:
    return _render_markdown(text)
