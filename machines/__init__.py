"""State machines declared as data, and the one runner that moves any of them.

A machine is a table of transitions over a model's django-fsm-2 state field: for each, where it
may start, where it leads, who may run it, what must hold first (its gate), whether it needs a
note, and how people read it (a button label, an activity verb). Everything else is derived from
that one table: the FSM methods (`Machine.methods`, attached to the model by `machine_install`),
the permission check (`Machine.may`), the options offered to a user (`Machine.available`), the
activity verbs (`machine_verbs_register`). `machine_run` is the only way a transition runs: lock,
refuse, move, validate, save, log, record the event.

Nothing here knows an app: the app that declares a machine gives its rules, its error classes
and messages (`Refusals`), and its hooks (lock, context, log, event data).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.functional import Promise
from django_fsm import GET_STATE, ConcurrentTransition, FSMFieldMixin, can_proceed
from django_fsm import TransitionNotAllowed as FSMTransitionNotAllowed
from django_fsm import transition as fsm_transition

from errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from events.registry import Verb, verbs_register
from events.services import event_record

ANY_STATE: Literal["*"] = "*"
Text = str | Promise


class Missing(Protocol):
    """What a gate reports as not yet satisfied: a stable code and a label for people."""

    @property
    def code(self) -> str: ...

    @property
    def label(self) -> Any: ...


# who may run it: (user, object) -> bool, judged on the locked row.
Rule = Callable[[Any, Any], bool]
# what still stands in the way: (object, machine context) -> missing items (empty: open).
Gate = Callable[[Any, Any], Sequence[Missing]]


@dataclass(frozen=True)
class Transition:
    """One row of a machine's table."""

    name: str
    source: tuple[str, ...] | Literal["*"]
    # A state, or a function of the state being left (e.g. one place back along a path).
    target: str | Callable[[str], str]
    label: Text  # the button; may use %(target)s, the target state's label
    verb: Text  # how the activity log reads it after the actor's name
    may: Rule
    gate: Gate | None = None
    note_required: bool = False
    # A note is offered (optional) even when not required.
    note_offered: bool = False
    # What the transition writes besides the state (validated and saved), and how.
    writes: tuple[str, ...] = ()
    effect: Callable[..., None] | None = None

    @property
    def asks_note(self) -> bool:
        return self.note_required or self.note_offered

    def target_from(self, state: str) -> str:
        return str(self.target if isinstance(self.target, str) else self.target(state))


@dataclass(frozen=True)
class Refusal:
    """A domain error class and its message; the message may use `%(name)s` (the transition)
    and `%(<state_field>)s` (the label of the object's state, e.g. `%(stage)s`)."""

    error: type[DomainError]
    message: Text


@dataclass(frozen=True)
class Refusals:
    """Why a transition does not run, each a kind that fixes its HTTP status (`config.api`)."""

    unknown: Refusal  # NotFoundError: no such transition
    forbidden: Refusal  # ForbiddenError: the actor may not
    note_required: Refusal  # DomainError (400): the note is empty
    unavailable: Refusal  # ConflictError: not from the current state
    gated: Refusal  # ConflictError: the gate reports missing items (`missing=[{code, label}]`)
    stale: Refusal  # ConflictError: the state moved since the caller decided
    concurrent: Refusal  # ConflictError: the UPDATE found the state moved despite the lock

    def __post_init__(self) -> None:
        kinds: dict[str, type[DomainError]] = {
            "unknown": NotFoundError,
            "forbidden": ForbiddenError,
            "unavailable": ConflictError,
            "gated": ConflictError,
            "stale": ConflictError,
            "concurrent": ConflictError,
        }
        for attr, kind in kinds.items():
            if not issubclass(getattr(self, attr).error, kind):
                raise ImproperlyConfigured(f"Refusal {attr!r} must be a {kind.__name__}.")
        bad_request = (NotFoundError, ForbiddenError, ConflictError)
        if issubclass(self.note_required.error, bad_request):
            raise ImproperlyConfigured("Refusal 'note_required' must be a plain DomainError.")


@dataclass(frozen=True)
class Step:
    """One transition being run, as the machine's hooks see it (after the move)."""

    machine: Machine
    transition: Transition
    actor: Any
    obj: Any
    source: str
    target: str
    note: str
    context: Any


def _lock_for_update(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    return queryset.select_for_update()


@dataclass(frozen=True)
class Machine:
    """A model's state field and its table of transitions, with the app's hooks.

    `verb` names are `<name>.<transition>`. `context(obj)` is computed once per run on the
    locked row (before the move) and given to the gates and the log; `effect(obj)` runs in
    every transition (e.g. a timestamp it `writes`); `log(step)` writes the app's own record;
    `event_data(step)` adds to the event's `from`, `to` and `note`.
    """

    name: str
    model: type[models.Model]
    state_field: str
    transitions: tuple[Transition, ...]
    refusals: Refusals
    state_label: Callable[[str], Text] = str
    lock: Callable[[models.QuerySet[Any]], models.QuerySet[Any]] = _lock_for_update
    context: Callable[[Any], Any] | None = None
    effect: Callable[[Any], None] | None = None
    writes: tuple[str, ...] = ()
    log: Callable[[Step], None] | None = None
    event_data: Callable[[Step], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        if len(self.by_name) != len(self.transitions):
            raise ImproperlyConfigured(f"Machine {self.name!r} declares a transition twice.")
        states = set(self.states)
        for source, name, target in self.edges():
            if not {source, target} <= states:
                raise ImproperlyConfigured(
                    f"{self.name}.{name}: {source} → {target} leaves the field's choices."
                )

    # --- derived from the table ---

    @cached_property
    def by_name(self) -> dict[str, Transition]:
        return {t.name: t for t in self.transitions}

    @property
    def fsm_field(self) -> FSMFieldMixin:
        found = self.model._meta.get_field(self.state_field)
        if not isinstance(found, FSMFieldMixin):
            raise ImproperlyConfigured(f"{self.model.__name__}.{self.state_field} is no FSMField.")
        return found

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.transitions)

    def verb_name(self, name: str) -> str:
        return f"{self.name}.{name}"

    def verbs(self) -> tuple[Verb, ...]:
        return tuple(Verb(self.verb_name(t.name), t.verb) for t in self.transitions)

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(str(value) for value, _label in self.fsm_field.flatchoices)

    def sources(self, t: Transition) -> tuple[str, ...]:
        return self.states if t.source == ANY_STATE else tuple(str(s) for s in t.source)

    def edges(self) -> list[tuple[str, str, str]]:
        """(source, transition, target) for every edge of the graph."""
        return [(s, t.name, t.target_from(s)) for t in self.transitions for s in self.sources(t)]

    @cached_property
    def methods(self) -> dict[str, Callable[..., Any]]:
        """The django-fsm-2 transition methods, built from the table (see `machine_install`)."""
        return {t.name: _fsm_method(self, t) for t in self.transitions}

    def bound(self, obj: Any, name: str) -> Callable[..., Any]:
        return self.methods[name].__get__(obj, type(obj))

    def state(self, obj: Any) -> str:
        return str(getattr(obj, self.state_field))

    def may(self, user: Any, obj: Any, name: str) -> bool:
        t = self.by_name.get(name)
        return t is not None and bool(t.may(user, obj))

    def target(self, obj: Any, name: str) -> str | None:
        """Where `name` would take `obj` from its current state (django-fsm decides); None if
        the transition is unknown or not available from there."""
        t = self.by_name.get(name)
        if t is None or not can_proceed(self.bound(obj, name)):
            return None
        return t.target_from(self.state(obj))

    def is_final(self, state: str) -> bool:
        """No transition leaves `state`: reaching it cannot be undone, so a page asks to confirm."""
        return not any(t.source == "*" or state in t.source for t in self.transitions)

    def missing(self, obj: Any, name: str, context: Any = None) -> list[Missing]:
        t = self.by_name[name]
        if t.gate is None:
            return []
        return list(t.gate(obj, self._context(obj) if context is None else context))

    def available(self, user: Any, obj: Any, context: Any = None) -> list[dict[str, Any]]:
        """The transitions available from `obj`'s state, with whether `user` may run each now;
        `missing` (codes) is what the gate still lacks, whoever asks."""
        context = self._context(obj) if context is None else context
        options = []
        for t in self.transitions:
            target = self.target(obj, t.name)
            if target is None:
                continue
            missing = [item.code for item in self.missing(obj, t.name, context)]
            permitted = bool(t.may(user, obj))
            options.append(
                {
                    "name": t.name,
                    "label": str(t.label) % {"target": self.state_label(target)},
                    "target": target,
                    "allowed": permitted and not missing,
                    "permitted": permitted,
                    "note_required": t.note_required,
                    "note_offered": t.asks_note,
                    "missing": missing,
                    "final": self.is_final(target),
                }
            )
        return options

    def _context(self, obj: Any) -> Any:
        return self.context(obj) if self.context is not None else None

    def refuse(
        self, refusal: Refusal, obj: Any = None, name: str = "", **extra: Any
    ) -> DomainError:
        params: dict[str, Any] = {"name": name}
        if obj is not None:
            params[self.state_field] = self.state_label(self.state(obj))
        return refusal.error(str(refusal.message) % params, **extra)


def _fsm_method(machine: Machine, t: Transition) -> Callable[..., Any]:
    """One transition method, decorated by django-fsm-2 as if written on the model."""

    def method(instance: Any, *, note: str = "", **kwargs: Any) -> None:
        if machine.effect is not None:
            machine.effect(instance)
        if t.effect is not None:
            t.effect(instance, note=note, **kwargs)

    method.__name__ = t.name
    method.__qualname__ = f"{machine.model.__name__}.{t.name}"
    method.__doc__ = f"{machine.name} transition {t.name!r} (declared in a machines table)."
    target: Any = t.target
    if not isinstance(t.target, str):
        results = sorted({t.target_from(s) for s in machine.sources(t)})
        target = GET_STATE(
            lambda instance, *a, **kw: t.target_from(machine.state(instance)), results
        )
    source: Any = t.source if t.source == ANY_STATE else list(t.source)
    return fsm_transition(field=machine.fsm_field, source=source, target=target)(method)


def machine_install(machine: Machine) -> None:
    """Attach the machine's FSM methods to its model, as django-fsm-2 collects them.

    Called once from the declaring app's `ready()`: the model's app sits below it and does not
    know the table. django-fsm-2 collects a model's transitions when its class is prepared, so
    the field's own registry is completed here for `get_available_<field>_transitions` & co.
    An attribute the model already has is never replaced (a transition named `save`…).
    """
    model, fsm_field = machine.model, machine.fsm_field
    registry = fsm_field.transitions.setdefault(model, {})
    for name, method in machine.methods.items():
        current = model.__dict__.get(name)
        if current is not method:
            if hasattr(model, name):
                raise ImproperlyConfigured(f"{model.__name__}.{name} exists already.")
            setattr(model, name, method)
        registry[name] = method


def machine_verbs_register(machine: Machine) -> None:
    """Declare the activity verb of every transition of the table."""
    verbs_register(*machine.verbs())


@transaction.atomic
def machine_run(
    machine: Machine,
    *,
    actor: Any,
    obj: Any,
    name: str,
    note: str = "",
    expected_state: str | None = None,
    **kwargs: Any,
) -> Any:
    """Run transition `name` on `obj` for `actor`, or raise the machine's refusal that says why.

    The row is locked and re-read, so the rule, the gate and the move are judged on the state
    the transition actually changes; a concurrent run waits for the lock, then finds the state
    moved. `expected_state` (default: the state of the caller's `obj`) is the state the caller
    decided on, e.g. the one shown on the page where the button was pressed.
    Returns the locked, moved object.
    """
    refusals = machine.refusals
    t = machine.by_name.get(name)
    if t is None:
        raise machine.refuse(refusals.unknown, name=name)
    locked = machine.lock(machine.model._default_manager.all()).get(pk=obj.pk)
    if machine.state(locked) != (expected_state or machine.state(obj)):
        # Running the request on the new state would do something nobody asked for.
        raise machine.refuse(refusals.stale, locked, name)
    if not t.may(actor, locked):
        raise machine.refuse(refusals.forbidden, locked, name)
    note = (note or "").strip()
    if t.note_required and not note:
        raise machine.refuse(refusals.note_required, locked, name)
    if machine.target(locked, name) is None:
        raise machine.refuse(refusals.unavailable, locked, name)
    source = machine.state(locked)
    context = machine._context(locked)
    missing = machine.missing(locked, name, context)
    if missing:
        listed = [{"code": item.code, "label": str(item.label)} for item in missing]
        raise machine.refuse(refusals.gated, locked, name, missing=listed)
    try:
        machine.bound(locked, name)(note=note, **kwargs)
    except FSMTransitionNotAllowed as error:
        raise machine.refuse(refusals.unavailable, locked, name) from error
    _save(machine, t, locked)
    step = Step(machine, t, actor, locked, source, machine.state(locked), note, context)
    if machine.log is not None:
        machine.log(step)
    data = {"from": step.source, "to": step.target, "note": note}
    if machine.event_data is not None:
        data.update(machine.event_data(step))
    event_record(actor=actor, verb=machine.verb_name(name), target=locked, data=data)
    return locked


def _save(machine: Machine, t: Transition, obj: Any) -> None:
    """Validate what the transition wrote, save only that (and the row's auto-now stamps)."""
    written = {*machine.writes, *t.writes}
    # The state field is protected (set only by the FSM): full_clean would write it back.
    obj.full_clean(
        exclude=[f.name for f in machine.model._meta.fields if f.name not in written],
        validate_unique=False,
    )
    stamps = [f.name for f in machine.model._meta.fields if getattr(f, "auto_now", False)]
    try:
        obj.save(update_fields=[machine.state_field, *sorted(written), *stamps])
    except ConcurrentTransition as error:  # another process moved it despite the lock
        raise machine.refuse(machine.refusals.concurrent, None, t.name) from error
