"""Reads for accounts."""

from django.db.models import QuerySet

from .models import MediatorGrant, User


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def mediator_grant_list(*, current: bool) -> QuerySet[MediatorGrant]:
    """The mediator grants, current ones or the withdrawn history, with their authors."""
    return (
        MediatorGrant.objects.filter(revoked_at__isnull=current)
        .select_related("user", "granted_by", "revoked_by")
        .order_by("-revoked_at" if not current else "-granted_at", "-pk")
    )
