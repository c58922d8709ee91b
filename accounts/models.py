"""The custom user: email is the login; platform role (citizen, official, staff, moderator); profile."""

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# The addresses of accounts their holder deleted end here (`.invalid` is reserved, RFC 2606):
# such an account is kept only so that its contributions keep an author ("compte supprimé").
DELETED_EMAIL_DOMAIN = "supprime.invalid"


class PlatformRole(models.TextChoices):
    CITIZEN = "citizen", _("Citoyen·ne")
    OFFICIAL = "official", _("Élu·e")
    STAFF = "staff", _("Agent")
    MODERATOR = "moderator", _("Modération")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, platform_role=PlatformRole.STAFF)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=120)
    platform_role = models.CharField(
        _("rôle sur la plateforme"),
        max_length=16,
        choices=PlatformRole.choices,
        default=PlatformRole.CITIZEN,
        db_index=True,
    )
    commune = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "commune"},
    )
    # The commune or quartier whose page the home leads to (chosen on the home page, the
    # profile or through /api/v1/me/'s "territory"); the portal app reads and writes it.
    home_territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("mon territoire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind__in": ["commune", "quartier"]},
    )
    bio = models.TextField(_("présentation"), blank=True, max_length=2000)
    # Officials commit to answering messages within this many days (officials directory).
    response_delay_days = models.PositiveSmallIntegerField(
        _("délai de réponse (jours)"), null=True, blank=True
    )
    mandate = models.CharField(_("mandat"), max_length=200, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Donné automatiquement aux agents et à la modération."),
    )
    date_joined = models.DateTimeField(_("inscription"), default=timezone.now)
    # Both enter the confirmation token's hash: "never confirmed" and "deactivated by staff"
    # are different states although both are inactive, and only the first may be confirmed.
    email_confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("dernière désactivation"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        ordering = ["display_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(platform_role__in=["citizen", "official", "staff", "moderator"]),
                name="user_platform_role_valid",
            ),
        ]

    def __str__(self) -> str:
        if self.is_deleted:  # stored as "compte supprimé"; read in the reader's language
            return str(_("compte supprimé"))
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if not self.display_name:
            self.display_name = self.email.split("@")[0]

    @property
    def is_official(self) -> bool:
        return self.platform_role == PlatformRole.OFFICIAL

    @property
    def is_deleted(self) -> bool:
        """Deleted by its holder: nothing may bring it back (accounts.services refuse)."""
        return self.email.endswith("@" + DELETED_EMAIL_DOMAIN)

    @property
    def is_platform_staff(self) -> bool:
        return self.is_superuser or self.platform_role == PlatformRole.STAFF

    @property
    def is_moderator(self) -> bool:
        return self.is_superuser or self.platform_role == PlatformRole.MODERATOR

    def get_short_name(self) -> str:
        return str(self)

    def get_full_name(self) -> str:
        return str(self)


class ApiToken(models.Model):
    """An API token for one device. Only the SHA-256 of the key is stored, so a copy of the
    database gives no working token; the token also stops working when it expires, when the
    password it was issued under changes, or when the account is deactivated."""

    user = models.ForeignKey(
        User, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(_("empreinte de la clé"), max_length=64, unique=True)
    # A digest of the password hash at issue time: any later password change, whatever the
    # path (service, reset link, admin, shell), makes it differ and the token is refused.
    password_stamp = models.CharField(max_length=64)
    label = models.CharField(_("appareil"), max_length=120, blank=True)
    created = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"), db_index=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} – {self.label or self.created.date()}"


class AttemptCounter(models.Model):
    """Attempts per key (e.g. a share link, a client address) in a fixed time window, counted
    with one atomic upsert so that parallel requests in several workers lose no count."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="attemptcounter_key_window"),
        ]

    def __str__(self) -> str:
        return f"{self.key} × {self.count}"


class MediatorGrant(models.Model):
    """A platform-level "médiateur·rice" capability, granted and withdrawn by staff: a mediator
    records ballots and contributions on behalf of people without an account. Rows are never
    deleted, so the trail says who granted and who withdrew, and when; at most one is current."""

    user = models.ForeignKey(
        User, verbose_name=_("médiateur·rice"), on_delete=models.CASCADE, related_name="+"
    )
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("accordé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("accordé le"), default=timezone.now)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("retiré par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rôle de médiation")
        verbose_name_plural = _("rôles de médiation")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="mediatorgrant_one_current",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_current(self) -> bool:
        return self.revoked_at is None


class AssistedContribution(models.Model):
    """What a contribution a mediator recorded for a person without an account carries (a
    debate's comment, an amendment): the mediator is its author; with the person's consent, their
    pseudonym or initials, where and when it was collected, shown wherever it appears."""

    assisted_label = models.CharField(_("pseudonyme ou initiales"), max_length=40, blank=True)
    assisted_place = models.CharField(_("lieu du recueil"), max_length=200, blank=True)
    assisted_on = models.DateField(_("date du recueil"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_assisted(self) -> bool:
        return bool(self.assisted_label)

    @property
    def assisted_note(self) -> str:
        """« recueilli par un·e médiateur·rice à <lieu> le <date> », in the reader's language."""
        if not self.is_assisted:
            return ""
        return str(_("recueilli par un·e médiateur·rice à %(place)s le %(day)s")) % {
            "place": self.assisted_place,
            "day": date_format(self.assisted_on, "DATE_FORMAT") if self.assisted_on else "",
        }
