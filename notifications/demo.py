"""Demo subscriptions: dan@ follows Strasbourg (standard) and the mobility theme (essential),
elue@ follows the mobility theme; what the demo's earlier steps did is then fanned out, as the
worker would, so that the bells show at once. Through the services; idempotent."""

from __future__ import annotations

from accounts.demo import demo_user

from .fanout import fan_out_pending
from .models import Level, Subscription, TargetType
from .services import subscription_follow

FOLLOWS = [
    ("dan@demo.fabrique.test", TargetType.TERRITORY, "strasbourg", Level.STANDARD),
    ("dan@demo.fabrique.test", TargetType.THEME, "mobilite", Level.ESSENTIAL),
    ("elue@demo.fabrique.test", TargetType.THEME, "mobilite", Level.STANDARD),
]


def seed() -> int:
    created = 0
    for email, target_type, target, level in FOLLOWS:
        user = demo_user(email)
        before = Subscription.objects.filter(user=user).count()
        subscription_follow(
            actor=user, target_type=target_type, target=target, level=level, update=True
        )
        created += Subscription.objects.filter(user=user).count() - before
    while fan_out_pending():
        pass
    return created
