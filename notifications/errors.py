"""Domain errors of subscriptions and notifications."""

from errors import ConflictError, DomainError, ForbiddenError, NotFoundError


class NotificationError(DomainError):
    code = "invalid_subscription"


class SubscriptionForbidden(ForbiddenError, NotificationError):
    code = "subscription_forbidden"


class SubscriptionNotFound(NotFoundError, NotificationError):
    code = "not_found"


class SubscriptionConflict(ConflictError, NotificationError):
    """The person already follows that object."""

    code = "already_following"
