"""Demo accounts (password `fabrique-demo` for all), as listed in API.md."""

from territories.models import Territory
from territories.services import territories_load_reference, themes_load_defaults

from .models import PlatformRole, User
from .permissions import is_mediator
from .services import user_set_platform_role
from .services.mediation import mediator_grant

DEMO_PASSWORD = "fabrique-demo"
DEMO_USERS = [
    ("admin@demo.fabrique.test", "Admin Fabrique", "superuser", None),
    ("agent@demo.fabrique.test", "Agent Eurométropole", PlatformRole.STAFF, "strasbourg"),
    ("elue@demo.fabrique.test", "Élue à la participation", PlatformRole.OFFICIAL, "strasbourg"),
    ("moderation@demo.fabrique.test", "Équipe de modération", PlatformRole.MODERATOR, None),
    # A second moderator, so that an appeal goes to someone other than the one who hid.
    ("moderation2@demo.fabrique.test", "Modération, second regard", PlatformRole.MODERATOR, None),
    ("alice@demo.fabrique.test", "Alice", PlatformRole.CITIZEN, "strasbourg"),
    ("bob@demo.fabrique.test", "Bob", PlatformRole.CITIZEN, "schiltigheim"),
    ("carole@demo.fabrique.test", "Carole", PlatformRole.CITIZEN, "illkirch-graffenstaden"),
    ("service@demo.fabrique.test", "Service mobilité EMS", PlatformRole.CITIZEN, "strasbourg"),
    ("dan@demo.fabrique.test", "Dan", PlatformRole.CITIZEN, "bischheim"),
    # Two mediators (granted by the staff agent): a paper ballot counts once two of them typed
    # it alike; either records a comment or an amendment for someone without an account.
    (
        "mediatrice@demo.fabrique.test",
        "Médiatrice, maison de quartier",
        PlatformRole.CITIZEN,
        "strasbourg",
    ),
    (
        "mediateur@demo.fabrique.test",
        "Médiateur, centre social",
        PlatformRole.CITIZEN,
        "strasbourg",
    ),
]
DEMO_MEDIATORS = ["mediatrice@demo.fabrique.test", "mediateur@demo.fabrique.test"]


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


def seed() -> int:
    territories_load_reference()
    themes_load_defaults()
    created = 0
    for email, name, role, commune_slug in DEMO_USERS:
        if User.objects.filter(email=email).exists():
            continue
        commune = Territory.objects.filter(slug=commune_slug).first() if commune_slug else None
        if role == "superuser":
            User.objects.create_superuser(email, DEMO_PASSWORD, display_name=name)
        else:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, display_name=name, commune=commune
            )
            if role == PlatformRole.OFFICIAL:
                user.mandate = "Adjointe à la démocratie locale, Strasbourg"
                user.response_delay_days = 15
                user.save()
            user_set_platform_role(actor=None, user=user, role=role)
        created += 1
    agent = User.objects.get(email="agent@demo.fabrique.test")
    for user in User.objects.filter(email__in=DEMO_MEDIATORS):
        if not is_mediator(user):
            mediator_grant(actor=agent, user=user)
            created += 1
    return created
