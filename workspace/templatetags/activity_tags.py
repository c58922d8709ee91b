"""`activity_label`: an activity verb as people read it."""

from django import template

from events.selectors import activity_label

register = template.Library()
register.filter("activity_label", activity_label)
