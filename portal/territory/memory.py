"""The territory a person chose on the home page, remembered: a first-party cookie for a
visitor (only the territory's slug: strictly a preference the person set, so exempt from
consent), the profile's `home_territory` for a member (written through the profile service,
which records its event)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts.services import user_update_profile
from territories.models import Territory

from .selectors import SLUG_MAX

COOKIE_NAME = "fabrique_territoire"
# Thirteen months at most for a cookie exempt from consent (CNIL); one year here.
COOKIE_MAX_AGE = 365 * 24 * 3600
HOME_KINDS = (Territory.Kind.COMMUNE, Territory.Kind.QUARTIER)


def home_territory_find(slug: Any) -> Territory | None:
    """A commune or quartier of that slug, or None for anything else."""
    if not isinstance(slug, str) or not 0 < len(slug) <= SLUG_MAX or "\x00" in slug:
        return None
    return Territory.objects.select_related("parent").filter(slug=slug, kind__in=HOME_KINDS).first()


def remembered_territory(request: HttpRequest) -> Territory | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if user.home_territory_id is None:
            return None
        return (
            Territory.objects.select_related("parent")
            .filter(pk=user.home_territory_id, kind__in=HOME_KINDS)
            .first()
        )
    return home_territory_find(request.COOKIES.get(COOKIE_NAME))


def remember(request: HttpRequest, response: HttpResponse, territory: Territory | None) -> None:
    """Keep the choice (None forgets it): on the member's profile, or in the visitor's cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if user.home_territory_id != (territory.pk if territory else None):
            user_update_profile(actor=user, user=user, home_territory=territory)
        return
    if territory is None:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return
    response.set_cookie(
        COOKIE_NAME,
        territory.slug,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def me_territory_get(user: Any) -> str | None:
    """/api/v1/me/'s "territory": the slug of the member's home commune or quartier."""
    if user.home_territory_id is None:
        return None
    return (
        Territory.objects.filter(pk=user.home_territory_id).values_list("slug", flat=True).first()
    )


def me_territory_set(user: Any, value: Any) -> None:
    """Set it from a slug (null forgets it); anything else is a 400 saying what is expected."""
    from rest_framework import serializers

    if value is None or value == "":
        territory = None
    else:
        territory = home_territory_find(value)
        if territory is None:
            raise serializers.ValidationError(
                {
                    "territory": [
                        _(
                            "Territoire inconnu : donnez l'identifiant d'une commune ou d'un "
                            "quartier de l'Eurométropole (par exemple « strasbourg »), ou null."
                        )
                    ]
                }
            )
    try:
        user_update_profile(actor=user, user=user, home_territory=territory)
    except ValidationError as error:
        raise serializers.ValidationError({"territory": error.messages}) from None
