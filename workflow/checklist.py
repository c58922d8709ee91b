"""The quality checklist (démarche qualité): one registry of what each stage must satisfy.

Every item is a database condition on a `ProjectSheet` row, so the same definition answers for
one sheet (one query, whatever the number of items) and for the staff board (completeness of
thousands of sheets computed, filtered and sorted by the database). Computed items read the
current version, framing notes and documents; attested items read active staff attestations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Length, Replace, Trim
from django.db.models.lookups import GreaterThanOrEqual, Regex
from django.utils.translation import gettext_lazy as _

from documents.models import Document, Visibility
from projects.models import STAGE_ORDER, FramingNote, ProjectSheet, Stage

COMPUTED = "computed"
ATTESTED = "attested"
SUMMARY_MIN_LENGTH = 300
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    stage: str
    label: Any
    kind: str  # COMPUTED or ATTESTED
    # Builds the Q (relative to ProjectSheet) that holds when the item is met; None for attested.
    condition: Callable[[], Q] | None = None
    required: bool = True
    # A computed item staff may also attest, when the evidence lives outside Fabrique.
    attestable: bool = False
    help_text: Any = ""

    @property
    def can_be_attested(self) -> bool:
        return self.kind == ATTESTED or self.attestable

    def satisfied_q(self) -> Q:
        attested = Q(_attested_exists(self.code))
        if self.kind == ATTESTED:
            return attested
        assert self.condition is not None
        return self.condition() | attested if self.attestable else self.condition()


# --- building blocks (relative to ProjectSheet) ---


def _section_text(code: str) -> KeyTextTransform:
    return KeyTextTransform(code, "current_version__sections")


def _filled(expression: Any, minimum: int = 1) -> Q:
    """Non-blank text of at least `minimum` characters; a missing key is NULL, hence not met.

    SQL TRIM only strips spaces, so line breaks and tabs go first: "  \\n " is blank too.
    """
    for blank in ("\n", "\r", "\t"):
        expression = Replace(expression, Value(blank), Value(" "))
    return Q(GreaterThanOrEqual(Length(Trim(expression)), minimum))


def _section_filled(code: str, minimum: int = 1) -> Q:
    return _filled(_section_text(code), minimum)


def _attested_exists(code: str) -> Exists:
    from .models import Attestation

    return Exists(
        Attestation.objects.filter(sheet=OuterRef("pk"), code=code, withdrawn_at__isnull=True)
    )


def _public_documents(sheet_ref: Any) -> QuerySet:
    return Document.objects.filter(
        sheet=sheet_ref, visibility=Visibility.PUBLIC, trashed_at__isnull=True
    )


# --- conditions ---


def summary_long_enough() -> Q:
    return _filled("current_version__summary", SUMMARY_MIN_LENGTH)


def territory_and_theme() -> Q:
    themes = ProjectSheet.themes.through.objects.filter(projectsheet_id=OuterRef("pk"))
    return Q(territory__isnull=False) & Q(Exists(themes))


def published_framing_by_official() -> Q:
    return Q(
        Exists(
            FramingNote.objects.filter(
                sheet=OuterRef("pk"),
                status=FramingNote.Status.PUBLISHED,
                author__platform_role="official",
            )
        )
    )


def participation_level_declared() -> Q:
    return Q(
        Exists(
            FramingNote.objects.filter(
                sheet=OuterRef("pk"), status=FramingNote.Status.PUBLISHED
            ).exclude(participation_level="")
        )
    )


def consultation_dates() -> Q:
    start, end = _section_text("calendar_start"), _section_text("calendar_end")
    # ISO dates compare correctly as text, on every database.
    return Q(Regex(start, ISO_DATE)) & Q(Regex(end, ISO_DATE)) & Q(GreaterThanOrEqual(end, start))


def public_documents_attached() -> Q:
    return Q(Exists(_public_documents(OuterRef("pk"))))


def restitution_published() -> Q:
    """A public document attached since the realisation started: the restitution."""
    from .models import TransitionLog

    documents = _public_documents(OuterRef("pk"))
    started = TransitionLog.objects.filter(
        sheet=OuterRef(OuterRef("pk")), to_stage=Stage.REALISATION
    ).order_by("-created")
    return Q(Exists(documents.filter(created__gte=Subquery(started.values("created")[:1]))))


def decisions_and_budget() -> Q:
    return _section_filled("decisions") & (
        _section_filled("budget") | _section_filled("budget_amount")
    )


# --- the registry ---

ITEMS: tuple[ChecklistItem, ...] = (
    # initiative
    ChecklistItem(
        "summary_length",
        Stage.INITIATIVE,
        _("Un résumé clair d'au moins 300 caractères"),
        COMPUTED,
        summary_long_enough,
    ),
    ChecklistItem(
        "territory_theme",
        Stage.INITIATIVE,
        _("Le territoire et au moins un thème sont renseignés"),
        COMPUTED,
        territory_and_theme,
    ),
    ChecklistItem(
        "initiators_contact",
        Stage.INITIATIVE,
        _("Les initiateur·rices et un contact sont indiqués"),
        COMPUTED,
        lambda: _section_filled("initiators_contact"),
    ),
    ChecklistItem(
        "objectives",
        Stage.INITIATIVE,
        _("Les objectifs sont décrits"),
        COMPUTED,
        lambda: _section_filled("objectives"),
    ),
    ChecklistItem(
        "context",
        Stage.INITIATIVE,
        _("Le contexte est expliqué"),
        COMPUTED,
        lambda: _section_filled("context"),
        required=False,
    ),
    ChecklistItem(
        "plain_language",
        Stage.INITIATIVE,
        _("La fiche est rédigée en langage clair et compréhensible"),
        ATTESTED,
    ),
    # consultation
    ChecklistItem(
        "framing_published",
        Stage.CONSULTATION,
        _("Une note de cadrage d'un·e élu·e est publiée"),
        COMPUTED,
        published_framing_by_official,
    ),
    ChecklistItem(
        "participation_level",
        Stage.CONSULTATION,
        _("Le niveau de participation attendu est annoncé"),
        COMPUTED,
        participation_level_declared,
    ),
    ChecklistItem(
        "consultation_dates",
        Stage.CONSULTATION,
        _("Les dates de début et de fin de la concertation sont fixées"),
        COMPUTED,
        consultation_dates,
    ),
    ChecklistItem(
        "modalities_places",
        Stage.CONSULTATION,
        _("Les modalités et les lieux de la concertation sont décrits"),
        COMPUTED,
        lambda: _section_filled("modalities_places"),
    ),
    ChecklistItem(
        "questions",
        Stage.CONSULTATION,
        _("Les questions posées aux citoyen·nes sont formulées"),
        COMPUTED,
        lambda: _section_filled("questions"),
    ),
    ChecklistItem(
        "public_documents",
        Stage.CONSULTATION,
        _("Des documents publics sont joints à la fiche"),
        COMPUTED,
        public_documents_attached,
    ),
    # realisation
    ChecklistItem(
        "restitution_document",
        Stage.REALISATION,
        _("Un document de restitution est publié"),
        COMPUTED,
        restitution_published,
        attestable=True,
        help_text=_(
            "Un document public joint à la fiche depuis le début de la réalisation, "
            "ou une restitution publiée ailleurs et attestée par un·e agent."
        ),
    ),
    ChecklistItem(
        "response_to_contributions",
        Stage.REALISATION,
        _("La réponse aux contributions est rédigée"),
        COMPUTED,
        lambda: _section_filled("response_to_contributions"),
    ),
    ChecklistItem(
        "decisions_budget",
        Stage.REALISATION,
        _("Les décisions prises et le budget sont indiqués"),
        COMPUTED,
        decisions_and_budget,
    ),
    ChecklistItem(
        "milestones",
        Stage.REALISATION,
        _("Le calendrier et les jalons sont publiés"),
        COMPUTED,
        lambda: _section_filled("milestones"),
    ),
    ChecklistItem(
        "accessible_restitution",
        Stage.REALISATION,
        _("La restitution est accessible à toutes et tous"),
        ATTESTED,
    ),
    # evaluation
    ChecklistItem(
        "outcomes",
        Stage.EVALUATION,
        _("Les résultats sont comparés aux objectifs"),
        COMPUTED,
        lambda: _section_filled("outcomes"),
    ),
    ChecklistItem(
        "indicators",
        Stage.EVALUATION,
        _("Des indicateurs sont renseignés"),
        COMPUTED,
        lambda: _section_filled("indicators"),
    ),
    ChecklistItem(
        "participants_evaluation",
        Stage.EVALUATION,
        _("L'évaluation par les participant·es a été recueillie"),
        ATTESTED,
    ),
    ChecklistItem(
        "promised_vs_delivered",
        Stage.EVALUATION,
        _("Le niveau de participation promis et celui tenu sont indiqués"),
        COMPUTED,
        lambda: _section_filled("promised_vs_delivered_level"),
    ),
    ChecklistItem(
        "lessons",
        Stage.EVALUATION,
        _("Les enseignements sont tirés"),
        COMPUTED,
        lambda: _section_filled("lessons"),
    ),
)

ITEMS_BY_CODE: dict[str, ChecklistItem] = {item.code: item for item in ITEMS}
assert len(ITEMS_BY_CODE) == len(ITEMS), "checklist codes must be unique"


def items_for_stage(stage: str) -> list[ChecklistItem]:
    return [item for item in ITEMS if item.stage == stage]


def _flag(code: str) -> str:
    return f"chk_{code}"


def checklist_annotate(queryset: QuerySet, items: Iterable[ChecklistItem] = ITEMS) -> QuerySet:
    """Annotate each sheet with one boolean per item (`chk_<code>`)."""
    return queryset.annotate(
        **{
            _flag(item.code): Case(
                When(item.satisfied_q(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for item in items
        }
    )


def _stage_score(stage: str) -> Any:
    total = None
    for item in items_for_stage(stage):
        point = Case(When(item.satisfied_q(), then=Value(1)), default=Value(0))
        total = point if total is None else total + point
    return total


def completeness_expression() -> Case:
    """Completeness (0–100, floor) of the stage the sheet is in; NULL once archived/abandoned."""
    return Case(
        *[
            When(
                stage=stage,
                then=Value(100) * _stage_score(stage) / Value(len(items_for_stage(stage))),
            )
            for stage in STAGE_ORDER
        ],
        default=Value(None),
        output_field=IntegerField(),
    )


def completeness(satisfied: int, total: int) -> int:
    return 100 * satisfied // total if total else 100


_compiled: dict[tuple, tuple[str, tuple]] = {}


def _checklist_sql() -> tuple[str, tuple]:
    """The SQL (and its parameters) that gives every sheet's item flags, compiled once.

    Django takes far longer to resolve and compile this expression tree than the database
    takes to run it for a page of sheets, so the statement is built once per process and
    database, then filtered by id from the outside (both SQLite and PostgreSQL push the id
    condition down into the subquery).
    """
    key = (connection.alias, str(connection.settings_dict["NAME"]))
    if key not in _compiled:
        qs = checklist_annotate(ProjectSheet.objects.order_by()).values(
            "pk", *[_flag(item.code) for item in ITEMS]
        )
        _compiled[key] = qs.query.sql_with_params()
    return _compiled[key]


def completeness_filter_q(*, below: int | None = None, at_least: int | None = None) -> Q:
    """Q on ProjectSheet: current-stage completeness below / at least a percentage.

    Archived and abandoned sheets have no completeness and match neither bound.
    """
    key = ("completeness", connection.alias, str(connection.settings_dict["NAME"]))
    if key not in _compiled:
        qs = (
            ProjectSheet.objects.order_by()
            .annotate(completeness_now=completeness_expression())
            .values("pk", "completeness_now")
        )
        _compiled[key] = qs.query.sql_with_params()
    sql, params = _compiled[key]
    q = Q()
    for operator, bound in (("<", below), (">=", at_least)):
        if bound is not None:
            # Only our compiled SQL and a fixed operator are interpolated; the bound is a parameter.
            subquery = RawSQL(  # noqa: S611
                f"SELECT c.pk FROM ({sql}) c WHERE c.completeness_now {operator} %s",  # noqa: S608
                (*params, int(bound)),
            )
            q &= Q(pk__in=subquery)
    return q


def checklist_states(pks: Iterable[int]) -> dict[int, dict[str, bool]]:
    """Every item's state for several sheets, in one query whatever their number."""
    pks = list(dict.fromkeys(int(pk) for pk in pks))
    if not pks:
        return {}
    sql, params = _checklist_sql()
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM ({sql}) checklist WHERE checklist.pk IN ({placeholders})",  # noqa: S608
            (*params, *pks),
        )
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return {row["pk"]: {item.code: bool(row[_flag(item.code)]) for item in ITEMS} for row in rows}


def checklist_state(sheet: ProjectSheet) -> dict[str, bool]:
    """Every item's state for one sheet, in one query."""
    return checklist_states([sheet.pk]).get(sheet.pk) or dict.fromkeys(ITEMS_BY_CODE, False)


def stage_completeness(stage: str, state: dict[str, bool]) -> int | None:
    """Completeness of `stage` from item states; None for stages outside the checklist."""
    items = items_for_stage(stage)
    if not items:
        return None
    return completeness(sum(state[item.code] for item in items), len(items))


def checklist_summary(
    sheet: ProjectSheet, *, state: dict[str, bool] | None = None
) -> list[dict[str, Any]]:
    """The API shape: per stage `{"stage", "completeness", "items": [...]}`."""
    state = checklist_state(sheet) if state is None else state
    summary = []
    for stage in STAGE_ORDER:
        items = [
            {
                "code": item.code,
                "label": str(item.label),
                "kind": item.kind,
                "required": item.required,
                "satisfied": state[item.code],
            }
            for item in items_for_stage(stage)
        ]
        summary.append(
            {
                "stage": str(stage),
                "completeness": completeness(sum(i["satisfied"] for i in items), len(items)),
                "items": items,
            }
        )
    return summary


# Items a transition needs beyond the checklist of the stage it leaves: a consultation opens
# only once an official has published its framing (the item belongs to the consultation stage,
# whose information standard it is part of, but must hold before the stage starts).
TRANSITION_PRECONDITIONS: dict[str, tuple[str, ...]] = {
    "open_consultation": ("framing_published",),
}
GATE_SOURCE: dict[str, str] = {
    "open_consultation": Stage.INITIATIVE,
    "start_realisation": Stage.CONSULTATION,
    "start_evaluation": Stage.REALISATION,
    "archive": Stage.EVALUATION,
}


def transition_missing(
    sheet: ProjectSheet, name: str, *, state: dict[str, bool] | None = None
) -> list[ChecklistItem]:
    """What gates transition `name` for this sheet: empty for ungated transitions."""
    if name not in GATE_SOURCE:
        return []
    state = checklist_state(sheet) if state is None else state
    missing = checklist_missing(sheet, GATE_SOURCE[name], state=state)
    for code in TRANSITION_PRECONDITIONS.get(name, ()):
        item = ITEMS_BY_CODE[code]
        if not state[code] and item not in missing:
            missing.append(item)
    return missing


def checklist_missing(
    sheet: ProjectSheet, stage: str, *, state: dict[str, bool] | None = None
) -> list[ChecklistItem]:
    """Required items of `stage` the sheet does not satisfy: what gates leaving that stage."""
    state = checklist_state(sheet) if state is None else state
    return [item for item in items_for_stage(stage) if item.required and not state[item.code]]
