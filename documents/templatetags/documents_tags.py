"""Display helpers for document pages: type labels and activity verbs."""

from django import template

from events.selectors import activity_label

from ..validation import file_type_label

register = template.Library()


@register.filter
def file_type(mime_type: str | None) -> str:
    return file_type_label(mime_type) if mime_type else "—"


register.filter("activity_label", activity_label)
