"""Project sheets, their immutable versions, and officials' framing notes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField


class Stage(models.TextChoices):
    INITIATIVE = "initiative", _("Initiative")
    CONSULTATION = "consultation", _("Concertation")
    REALISATION = "realisation", _("Réalisation")
    EVALUATION = "evaluation", _("Évaluation")
    ARCHIVED = "archived", _("Archivé")
    ABANDONED = "abandoned", _("Abandonné")


# The forward path (the workflow app's step_back goes one place back along it).
STAGE_ORDER = [Stage.INITIATIVE, Stage.CONSULTATION, Stage.REALISATION, Stage.EVALUATION]
ACTIVE_STAGES = STAGE_ORDER
# Where a sheet ends (archived after its evaluation, or abandoned): out of the default "en cours"
# lists, listed by the archives (and `GET /api/v1/sheets/?archived=true`).
ENDED_STAGES = [Stage.ARCHIVED, Stage.ABANDONED]


class ParticipationLevel(models.TextChoices):
    INFORM = "inform", _("Informer")
    CONSULT = "consult", _("Consulter")
    CONCERT = "concert", _("Concerter")
    CO_CONSTRUCT = "co_construct", _("Co-construire")
    CO_DECIDE = "co_decide", _("Co-décider")


# From the least to the most power given to participants: "lowering" a promise goes left.
LEVEL_ORDER = [level.value for level in ParticipationLevel]


# A sheet's slug is its address (/fiches/<slug>/), and /fiches/<digits>/ is the id's: a slug made
# only of digits would point at another sheet.
slug_not_a_number = RegexValidator(
    r"^[0-9]+$",
    _("L'identifiant ne peut pas être composé uniquement de chiffres."),
    inverse_match=True,
)


class ProjectSheet(ConcurrentTransitionMixin, models.Model):
    """A participatory project. Its content lives in versions; `stage` moves only by transitions.

    The stage graph is declared once, as a table, by the workflow app (`workflow.machine`),
    which sits above this one: it attaches the django-fsm-2 transition methods
    (`open_consultation`, `abandon`, `step_back`…) to this model when it is ready, and its
    transition service is their only caller (it locks, checks rules and the checklist, logs and
    records the event). Calling them directly skips those checks.
    """

    # Set on a board page by workflow.selectors.board_page_completeness.
    completeness: int | None

    workspace = models.ForeignKey(
        "workspace.Workspace", on_delete=models.CASCADE, related_name="sheets"
    )
    # Unique on the whole platform (one address per sheet), and never changed after creation.
    slug = models.SlugField(
        _("identifiant"), max_length=120, unique=True, validators=[slug_not_a_number]
    )
    stage = FSMField(
        _("étape"), default=Stage.INITIATIVE, choices=Stage.choices, protected=True, db_index=True
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sheets",
    )
    themes = models.ManyToManyField(
        "territories.Theme", verbose_name=_("thèmes"), blank=True, related_name="sheets"
    )
    is_public = models.BooleanField(_("fiche publique"), default=True)
    current_version = models.OneToOneField(
        "SheetVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Denormalised from the current version for lists and ordering without a join.
    title = models.CharField(_("titre"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    stage_changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    abandon_reason = models.TextField(_("motif d'abandon"), blank=True)
    # The participation promised to the public (the level's generic explanation is in
    # projects.participation); the two texts say more for this project when set. Lowering it
    # once the consultation has started needs a public note (projects.services.sheet_update).
    participation_level = models.CharField(
        _("niveau de participation promis"),
        max_length=16,
        choices=ParticipationLevel.choices,
        default=ParticipationLevel.CONSULT,
        db_index=True,
    )
    participation_decided = models.TextField(
        _("ce qui est décidé et par qui"), blank=True, max_length=2000
    )
    participation_changeable = models.TextField(
        _("ce que les participant·es peuvent changer"), blank=True, max_length=2000
    )

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("fiche projet")
        verbose_name_plural = _("fiches projet")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    stage__in=[
                        "initiative",
                        "consultation",
                        "realisation",
                        "evaluation",
                        "archived",
                        "abandoned",
                    ]
                ),
                name="sheet_stage_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    participation_level__in=[
                        "inform",
                        "consult",
                        "concert",
                        "co_construct",
                        "co_decide",
                    ]
                ),
                name="sheet_participation_level_valid",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "stage"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # The sheet page gathers documents and the workflow panel: the top floor composes it.
        # Its readable address; /fiches/<id>/ still serves it (portal.views.sheet_page).
        return reverse("portal:sheet_slug", args=[self.slug])


class SheetVersion(models.Model):
    """One immutable state of a sheet's content; every edit creates the next number."""

    sheet = models.ForeignKey(ProjectSheet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), max_length=5000)
    body = models.TextField(_("description (Markdown)"), blank=True, max_length=100_000)
    # Stage sections, keyed by field code (see projects.sections): text, dates as ISO strings.
    sections = models.JSONField(_("sections"), default=dict, blank=True)
    # The sheet-level settings as they were at this version ({"is_public", "territory": slug,
    # "themes": [slugs]}), so that diff and restore cover them too.
    meta = models.JSONField(_("réglages"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    change_note = models.CharField(_("note de modification"), max_length=500, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sheet", "-number"]
        verbose_name = _("version de fiche")
        verbose_name_plural = _("versions de fiche")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="sheet_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="sheet_version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def workspace(self):
        return self.sheet.workspace

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Sheet versions are immutable.")
        super().save(*args, **kwargs)


class FramingNote(models.Model):
    """An official's framing of a consultation; immutable once published."""

    # What an official writes: the form, the API and the service all take exactly these.
    CONTENT_FIELDS = (
        "political_intent",
        "participation_level",
        "legal_constraints",
        "budget_constraints",
        "budget_amount",
        "use_of_contributions",
    )

    # Set on display by projects.selectors.framing_note_list_visible.
    is_current: bool
    superseded_by: "FramingNote | None"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")

    sheet = models.ForeignKey(ProjectSheet, on_delete=models.CASCADE, related_name="framing_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    political_intent = models.TextField(_("le sens de la demande"), max_length=10_000)
    participation_level = models.CharField(
        _("niveau de participation attendu"), max_length=16, choices=ParticipationLevel.choices
    )
    legal_constraints = models.TextField(_("contraintes juridiques"), blank=True, max_length=10_000)
    budget_constraints = models.TextField(
        _("contraintes budgétaires"), blank=True, max_length=10_000
    )
    budget_amount = models.DecimalField(
        _("montant (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    use_of_contributions = models.TextField(
        _("prise en compte des contributions"), max_length=10_000
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-created"]
        verbose_name = _("note de cadrage")
        verbose_name_plural = _("notes de cadrage")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft", published_at__isnull=True)
                | models.Q(status="published", published_at__isnull=False),
                name="framing_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    participation_level__in=[
                        "inform",
                        "consult",
                        "concert",
                        "co_construct",
                        "co_decide",
                    ]
                ),
                name="framing_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Cadrage de {self.sheet} ({self.get_status_display()})"

    @property
    def workspace(self):
        return self.sheet.workspace
