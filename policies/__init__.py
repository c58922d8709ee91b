"""Policies: who may see and do what, declared once per model from a few shared predicates.

A `Predicate` answers the same question twice: about one object (`test`, for the object check)
and about a whole table (`q`, a filter for lists). A `Policy` names, for one model, the path
from that model to its workspace and one predicate per action; `check(user, obj, action)` and
`visible_q(user)` are both read from it, so the page that shows one object and the list that
shows many cannot disagree (tests/policies/test_policy_agreement.py checks it on generated data).

Predicates combine with `&`, `|` and `~`. The object side of `~` is plain negation; the list
side is SQL `NOT`, which differs where a column is NULL: negate only predicates over non-null
columns (the agreement test is the guard).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard

from django.db.models import Model, Q, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    Actor = User | AnonymousUser | None
else:
    Actor = Any

# Q() would vanish from an OR (hiding everything else): "every row" needs a real condition.
ALL_ROWS = Q(pk__isnull=False)
NO_ROWS = Q(pk__in=[])

ObjectTest = Callable[[Any, Any, "Policy"], bool]
RowsFilter = Callable[[Any, "Policy", str], Q]


def active(user: Actor) -> TypeGuard[User]:
    """A signed-in account that is still active: the start of every right."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


@dataclass(frozen=True)
class Predicate:
    """One rule, as an object test and as a row filter. `q` receives the policy (for the path
    to the workspace) and a prefix (the path from the queried model to the policy's model)."""

    name: str
    test: ObjectTest
    q: RowsFilter

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(
            f"({self.name} & {other.name})",
            lambda user, obj, policy: (
                self.test(user, obj, policy) and other.test(user, obj, policy)
            ),
            lambda user, policy, prefix: (
                self.q(user, policy, prefix) & other.q(user, policy, prefix)
            ),
        )

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(
            f"({self.name} | {other.name})",
            lambda user, obj, policy: self.test(user, obj, policy) or other.test(user, obj, policy),
            lambda user, policy, prefix: (
                self.q(user, policy, prefix) | other.q(user, policy, prefix)
            ),
        )

    def __invert__(self) -> Predicate:
        return Predicate(
            f"~{self.name}",
            lambda user, obj, policy: not self.test(user, obj, policy),
            lambda user, policy, prefix: ~self.q(user, policy, prefix),
        )

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def user_predicate(name: str, rule: Callable[[Any], bool]) -> Predicate:
    """A rule about the user alone (signed in, platform role): all rows or none."""
    return Predicate(
        name,
        lambda user, obj, policy: bool(rule(user)),
        lambda user, policy, prefix: ALL_ROWS if rule(user) else NO_ROWS,
    )


def _follow(obj: Any, path: str) -> Any:
    for part in path.split("__") if path else ():
        obj = getattr(obj, part)
        if obj is None:
            return None
    return obj


def field_in(path: str, values: Iterable[Any]) -> Predicate:
    """The object's field (a `__` path from the policy's model) holds one of `values`."""
    allowed = frozenset(values)

    def rows(user: Any, policy: Policy, prefix: str) -> Q:
        # One value is an equality: the plainer condition lets the database use its indexes.
        if len(allowed) == 1:
            return Q(**{f"{prefix}{path}": next(iter(allowed))})
        return Q(**{f"{prefix}{path}__in": sorted(allowed)})

    return Predicate(
        f"{path} in {sorted(map(str, allowed))}",
        lambda user, obj, policy: _follow(obj, path) in allowed,
        rows,
    )


def field_is(path: str, value: Any) -> Predicate:
    if value is None:
        return Predicate(
            f"{path} is None",
            lambda user, obj, policy: _follow(obj, path) is None,
            lambda user, policy, prefix: Q(**{f"{prefix}{path}__isnull": True}),
        )
    return field_in(path, [value])


def is_user(path: str) -> Predicate:
    """The user is the one the object's foreign key at `path` names (author, creator…)."""

    def test(user: Any, obj: Any, policy: Policy) -> bool:
        return active(user) and _follow(obj, f"{path}_id") == user.pk

    def rows(user: Any, policy: Policy, prefix: str) -> Q:
        return Q(**{f"{prefix}{path}": user.pk}) if active(user) else NO_ROWS

    return Predicate(f"user is {path}", test, rows)


def through(path: str, policy: Policy, action: str = "view") -> Predicate:
    """The rule of another model's policy, applied to the object reached by `path` (a note's
    sheet, a revision's document): a child is visible where its parent is."""

    def test(user: Any, obj: Any, _policy: Policy) -> bool:
        parent = _follow(obj, path)
        return parent is not None and policy.check(user, parent, action)

    def rows(user: Any, _policy: Policy, prefix: str) -> Q:
        return policy.q(user, action, prefix=f"{prefix}{path}__")

    return Predicate(f"{path}:{policy.model.__name__}.{action}", test, rows)


ACTIVE = user_predicate("active", active)
SUPERUSER = user_predicate("superuser", lambda user: active(user) and user.is_superuser)
NOBODY = user_predicate("nobody", lambda user: False)
ANYONE = user_predicate("anyone", lambda user: True)


def platform_role(*attributes: str) -> Predicate:
    """An active account with one of the platform roles named by the user's boolean properties
    (`is_platform_staff`, `is_official`, `is_moderator`)."""
    return user_predicate(
        " or ".join(attributes),
        lambda user: active(user) and any(getattr(user, name, False) for name in attributes),
    )


@dataclass
class Policy:
    """For one model: the path to its workspace and one predicate per action ("view" at least).

    `workspace_path` is "" when the model is the workspace, `None` when the model lives outside
    any workspace (territories, accounts).
    """

    model: type[Model]
    workspace_path: str | None
    rules: dict[str, Predicate] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if "view" not in self.rules:
            raise ValueError(f"{self.model.__name__}'s policy has no 'view' rule.")

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self.rules)

    def rule(self, action: str) -> Predicate:
        try:
            return self.rules[action]
        except KeyError:
            raise ValueError(f"{self.model.__name__}'s policy has no {action!r} rule.") from None

    def workspace_of(self, obj: Any) -> Any:
        if self.workspace_path is None:
            return None
        return _follow(obj, self.workspace_path)

    def workspace_prefix(self, prefix: str = "") -> str:
        """The `__` prefix of the workspace's fields, from the queried model."""
        if self.workspace_path is None:
            raise ValueError(f"{self.model.__name__} lives outside any workspace.")
        return f"{prefix}{self.workspace_path}__" if self.workspace_path else prefix

    def extend(self, **rules: Predicate) -> None:
        """An upper app adds the actions it owns on a lower model (documents add "add_document"
        to the workspace's policy), without the lower app knowing the upper one."""
        clash = set(rules) & set(self.rules)
        if clash:
            raise ValueError(f"{self.model.__name__}'s policy already has {sorted(clash)}.")
        self.rules.update(rules)

    def check(self, user: Actor, obj: Any, action: str = "view") -> bool:
        """May `user` do `action` to `obj`? Acting on an object needs seeing it."""
        if action != "view" and not self.rules["view"].test(user, obj, self):
            return False
        return self.rule(action).test(user, obj, self)

    def q(self, user: Actor, action: str = "view", prefix: str = "") -> Q:
        """The rows for which `check(user, row, action)` holds, as a filter (with `prefix` when
        the queried model reaches this one through a relation)."""
        rows = self.rules["view"].q(user, self, prefix)
        if action != "view":
            rows &= self.rule(action).q(user, self, prefix)
        return rows

    def visible_q(self, user: Actor, prefix: str = "") -> Q:
        return self.q(user, "view", prefix)

    def visible(self, user: Actor, queryset: QuerySet | None = None) -> QuerySet:
        qs = queryset if queryset is not None else self.model._default_manager.all()
        return qs.filter(self.visible_q(user))

    def get_visible(self, user: Actor, queryset: QuerySet | None = None, **lookup: Any) -> Any:
        """The object if `user` may see it; 404 otherwise, so that what is hidden stays unknown."""
        qs = queryset if queryset is not None else self.model._default_manager.all()
        obj = qs.filter(**lookup).first()
        if obj is None or not self.check(user, obj, "view"):
            raise Http404(f"No such {self.model._meta.model_name}.")
        return obj


POLICIES: dict[type[Model], Policy] = {}


def policy_register(policy: Policy) -> Policy:
    """Apps declare their policies at import of their permissions module; the agreement test
    walks this registry, so a new model's policy is checked without editing the test."""
    POLICIES[policy.model] = policy
    return policy


def policy_for(model: type[Model]) -> Policy:
    return POLICIES[model]
