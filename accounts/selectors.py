"""Reads for accounts: the officials directory."""

from django.db.models import QuerySet

from .models import PlatformRole, User


def official_list() -> QuerySet[User]:
    return (
        User.objects.filter(platform_role=PlatformRole.OFFICIAL, is_active=True)
        .select_related("commune")
        .order_by("display_name")
    )


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()
