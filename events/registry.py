"""The verbs every app declares for its own services, and the subscribers that react to events.

Apps fill both at start-up (`AppConfig.ready`): the verbs in `<app>/verbs.py`, next to the
services that record them; the subscribers in `<app>/subscribers.py`. Nothing here knows the
apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import Activity


class UnknownVerb(LookupError):
    """A service recorded a verb no app declared: a programming error, never user input."""


@dataclass(frozen=True)
class Verb:
    name: str
    # What the verb reads like after its actor's name; None for private entries nobody reads.
    label: str | Promise | None = None
    # Private entries (drafts) are never listed to others.
    private: bool = False


@dataclass(frozen=True)
class Event:
    """What subscribers receive: the row just written and the live objects it was made from."""

    activity: Activity
    verb: Verb
    actor: Any
    target: Model | None
    workspace: Any
    data: dict

    @property
    def fields(self) -> set[str]:
        """The fields an update event says it changed."""
        return set(self.data.get("fields") or ())


Subscriber = Callable[[Event], None]

_verbs: dict[str, Verb] = {}
_subscribers: list[Subscriber] = []


def verbs_register(*verbs: Verb) -> None:
    for verb in verbs:
        known = _verbs.get(verb.name)
        if known is not None and known != verb:
            raise ImproperlyConfigured(f"Activity verb {verb.name!r} is declared twice.")
        _verbs[verb.name] = verb


def verb_get(name: str) -> Verb:
    try:
        return _verbs[name]
    except KeyError:
        raise UnknownVerb(f"No app declared the activity verb {name!r}.") from None


def verb_list() -> list[Verb]:
    return sorted(_verbs.values(), key=lambda v: v.name)


def verb_label(name: str) -> str:
    """The verb as people read it; its name when it has no label (or is unknown: old rows)."""
    verb = _verbs.get(name)
    return str(verb.label) if verb is not None and verb.label is not None else name


def private_verbs() -> tuple[str, ...]:
    return tuple(sorted(v.name for v in _verbs.values() if v.private))


def subscriber_register(subscriber: Subscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def subscriber_list() -> tuple[Subscriber, ...]:
    return tuple(_subscribers)
