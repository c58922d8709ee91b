"""Amendment rounds, amendments, ballots and stored results (majority judgment).

A round opens on a sheet in consultation with a submission window, then a judgment window; every
ballot grades every candidate of the round: each amendment, and the current text of each
amended field ("texte actuel", the candidate `status_quo:<field>`). The tally is one GROUP BY
over `Grade`; the results are stored at the close, ranked by `amendments.majority`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from accounts.models import AssistedContribution

RATIONALE_MAX_CHARS = 1000
TEXT_MAX_CHARS = 100_000
MOTIVATION_MAX_CHARS = 2000
STATUS_QUO = "status_quo"


class Grade(models.IntegerChoices):
    REJECT = 0, _("À rejeter")
    INSUFFICIENT = 1, _("Insuffisant")
    PASSABLE = 2, _("Passable")
    FAIR = 3, _("Assez bien")
    GOOD = 4, _("Bien")
    VERY_GOOD = 5, _("Très bien")
    EXCELLENT = 6, _("Excellent")


class AmendmentRound(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        SUBMISSION = "submission", _("dépôt des amendements")
        JUDGMENT = "judgment", _("jugement")
        CLOSED = "closed", _("clos")

    sheet = models.ForeignKey(
        "projects.ProjectSheet", on_delete=models.CASCADE, related_name="amendment_rounds"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The round's official (who opened it, when an official did): may close its windows early,
    # accept and reject its amendments, like staff.
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = FSMField(default=State.SUBMISSION, choices=State.choices, protected=True, db_index=True)
    submission_ends = models.DateTimeField(_("fin du dépôt"))
    judgment_ends = models.DateTimeField(_("fin du jugement"))
    min_grade = models.PositiveSmallIntegerField(
        _("mention minimale"), choices=Grade.choices, default=Grade.FAIR
    )
    quorum = models.PositiveIntegerField(_("quorum (votant·es)"), default=1)
    created = models.DateTimeField(auto_now_add=True)
    submissions_closed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # "Closing soon" told once per window (FABRIQUE_CLOSING_SOON_HOURS before its end).
    submission_closing_told = models.BooleanField(default=False)
    judgment_closing_told = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("tour d'amendements")
        verbose_name_plural = _("tours d'amendements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["submission", "judgment", "closed"]),
                name="round_state_valid",
            ),
            models.CheckConstraint(condition=models.Q(min_grade__lte=6), name="round_min_grade"),
            models.CheckConstraint(
                # Equal only once closed early, both windows ended at the same instant.
                condition=models.Q(judgment_ends__gte=models.F("submission_ends")),
                name="round_windows_in_order",
            ),
            models.UniqueConstraint(
                fields=["sheet"],
                condition=~models.Q(state="closed"),
                name="round_one_open_per_sheet",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Tour d'amendements n° %(id)s")) % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("amendments:round", args=[self.pk])


class Amendment(ConcurrentTransitionMixin, AssistedContribution):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("déposé")
        WITHDRAWN = "withdrawn", _("retiré")
        RETAINED = "retained", _("retenu")
        NOT_RETAINED = "not_retained", _("non retenu")
        ACCEPTED = "accepted", _("intégré")
        REJECTED = "rejected", _("rejeté")
        OUTDATED = "outdated", _("à mettre à jour")

    sheet = models.ForeignKey(
        "projects.ProjectSheet", on_delete=models.CASCADE, related_name="amendments"
    )
    round = models.ForeignKey(AmendmentRound, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "summary", "body" or a section code of the stage the sheet was in (projects.sections).
    field = models.CharField(_("champ"), max_length=40)
    # Goes with its sheet (a deleted workspace takes its sheets, versions and amendments).
    base_version = models.ForeignKey(
        "projects.SheetVersion", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("texte proposé"), max_length=TEXT_MAX_CHARS)
    rationale = models.TextField(_("motivation"), max_length=RATIONALE_MAX_CHARS, blank=True)
    state = FSMField(default=State.SUBMITTED, choices=State.choices, protected=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    motivation = models.TextField(_("motivation de la décision"), blank=True)
    merged_version = models.ForeignKey(
        "projects.SheetVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_amendments",
    )

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("amendement")
        verbose_name_plural = _("amendements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    state__in=[
                        "submitted",
                        "withdrawn",
                        "retained",
                        "not_retained",
                        "accepted",
                        "rejected",
                        "outdated",
                    ]
                ),
                name="amendment_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["sheet", "author", "state"], name="amendment_author_idx")]

    def __str__(self) -> str:
        return str(_("Amendement n° %(id)s")) % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("amendments:detail", args=[self.pk])

    @property
    def candidate_id(self) -> str:
        return str(self.pk)

    @property
    def proposer(self) -> str:
        """Who the amendment is shown as proposed by: the person's pseudonym with the marking
        when a mediator recorded it, else its author's name."""
        if self.is_assisted:
            return f"{self.assisted_label} ({self.assisted_note})"
        return self.author.display_name if self.author else str(_("compte supprimé"))


class Ballot(models.Model):
    """One per account and round; changed in place until the close (its grades replaced)."""

    round = models.ForeignKey(AmendmentRound, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="ballot_once_per_round"),
        ]

    def __str__(self) -> str:
        return str(_("Bulletin n° %(id)s")) % {"id": self.pk}


class BallotGrade(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="grades")
    # Denormalised so that the tally is one GROUP BY on this table.
    round = models.ForeignKey(AmendmentRound, on_delete=models.CASCADE, related_name="+")
    candidate = models.CharField(max_length=60)  # amendment id, or "status_quo:<field>"
    grade = models.PositiveSmallIntegerField(choices=Grade.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="grade_once_per_ballot"),
            models.CheckConstraint(condition=models.Q(grade__lte=6), name="grade_in_scale"),
        ]
        indexes = [models.Index(fields=["round", "candidate", "grade"], name="grade_tally_idx")]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.grade}"


class RoundResult(models.Model):
    """A candidate's result, stored when its round closes."""

    round = models.ForeignKey(AmendmentRound, on_delete=models.CASCADE, related_name="results")
    candidate = models.CharField(max_length=60)
    field = models.CharField(max_length=40)
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    profile = models.JSONField()  # judges per grade 0…6
    judges = models.PositiveIntegerField()
    majority_grade = models.PositiveSmallIntegerField(null=True)
    sign = models.CharField(max_length=1)
    p_numerator = models.PositiveIntegerField()
    q_numerator = models.PositiveIntegerField()
    rank = models.PositiveIntegerField()
    tied = models.BooleanField(default=False)
    retained = models.BooleanField(default=False)

    class Meta:
        ordering = ["rank", "candidate"]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate"], name="result_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.candidate} #{self.rank}"


class PaperBallotEntry(models.Model):
    """One mediator's typing of a paper ballot. A paper ballot counts once two entries by two
    different mediators agree (same identifier, grades, place and day): the second entry then
    makes a Ballot without an account (`ballot`, set on both), which the tally counts like any
    other. A disagreeing entry is refused and never stored, so a ballot has at most one entry
    waiting; both entries of a counted ballot are kept for the audit."""

    round = models.ForeignKey(
        AmendmentRound, on_delete=models.CASCADE, related_name="paper_entries"
    )
    identifier = models.CharField(_("numéro du bulletin"), max_length=40)
    place = models.CharField(_("lieu du vote"), max_length=200)
    voted_on = models.DateField(_("date du vote"))
    voter_label = models.CharField(_("pseudonyme ou initiales"), max_length=40)
    grades = models.JSONField(_("mentions"))
    declared_no_online_ballot = models.BooleanField(
        _("la personne déclare ne pas voter en ligne sur ce tour"), default=False
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisi par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("saisi le"), default=timezone.now)
    # A waiting entry its author (or staff) found misread is withdrawn, not deleted: the paper
    # can then be typed afresh, and the trail keeps what was typed.
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retirée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ballot = models.ForeignKey(
        Ballot,
        verbose_name=_("bulletin compté"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paper_entries",
    )

    class Meta:
        verbose_name = _("saisie de bulletin papier")
        verbose_name_plural = _("saisies de bulletins papier")
        ordering = ["round", "identifier", "entered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "identifier", "entered_by"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="paper_entry_once_per_mediator",
            ),
        ]
        indexes = [models.Index(fields=["round", "identifier"], name="paper_entry_ident_idx")]

    def __str__(self) -> str:
        return f"{self.identifier} ({self.place})"
