"""Subscriptions and notifications are their holder's alone."""

from policies import Policy, is_user, policy_register

from .models import Notification, Subscription

SUBSCRIPTION_POLICY = policy_register(
    Policy(Subscription, workspace_path=None, rules={"view": is_user("user")})
)
NOTIFICATION_POLICY = policy_register(
    Policy(Notification, workspace_path=None, rules={"view": is_user("recipient")})
)
