"""« Comprendre la participation »: the plain-language space (issue 18, item 4).

Five pages written for everyone, each opening with a short "facile à lire" summary (FALC
principles: one idea per sentence, everyday words, no abbreviation): the participation levels,
how a consultation runs from the initiative to the evaluation, how majority judgment decides,
how moderation works, how a request to an official is answered. The majority-judgment page
carries a worked example the reader can join: a GET form (no script, nothing stored) adds the
reader's ballot to six example ballots and the result is computed again by the very rule the
amendment rounds use (`amendments.majority`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from amendments import majority
from amendments.models import Grade
from projects.models import LEVEL_ORDER, ParticipationLevel
from projects.participation import LEVEL_CHANGEABLE, LEVEL_DECIDED, LEVEL_EXPLANATIONS

# The anchors of the levels' page, in French words a link can show (/comprendre/niveaux/#concerter).
LEVEL_ANCHORS = {
    ParticipationLevel.INFORM: "informer",
    ParticipationLevel.CONSULT: "consulter",
    ParticipationLevel.CONCERT: "concerter",
    ParticipationLevel.CO_CONSTRUCT: "co-construire",
    ParticipationLevel.CO_DECIDE: "co-decider",
}

LEVEL_EXAMPLES = {
    ParticipationLevel.INFORM: _(
        "La commune annonce les dates des travaux du tram dans votre rue, explique les "
        "déviations et répond à vos questions."
    ),
    ParticipationLevel.CONSULT: _(
        "Avant de choisir les horaires de la médiathèque, la ville demande l'avis des "
        "habitant·es ; elle publie ensuite ce qu'elle a décidé."
    ),
    ParticipationLevel.CONCERT: _(
        "Le réaménagement d'une place est discuté en ateliers ; chaque proposition reçoit une "
        "réponse : retenue, modifiée ou écartée, avec la raison."
    ),
    ParticipationLevel.CO_CONSTRUCT: _(
        "Le règlement d'un jardin partagé est écrit avec les habitant·es : ils et elles "
        "proposent des amendements au texte de la fiche, jugés puis intégrés."
    ),
    ParticipationLevel.CO_DECIDE: _(
        "Une enveloppe de budget participatif : les habitant·es choisissent les projets "
        "financés, et la collectivité réalise ceux qui arrivent en tête."
    ),
}


def level_anchor(level: str) -> str:
    """The anchor of `level` on the levels' page ("" for an unknown value)."""
    return LEVEL_ANCHORS.get(level, "")


# The topics of the space, in reading order: (URL name, title, one-line description).
TOPICS = [
    (
        "portal:guide_levels",
        _("Les niveaux de participation"),
        _("Informer, consulter, concerter, co-construire, co-décider : ce que chacun promet."),
    ),
    (
        "portal:guide_stages",
        _("Le déroulement d'une concertation"),
        _("De l'initiative à l'évaluation : qui fait quoi, et quand vous pouvez agir."),
    ),
    (
        "portal:guide_judgment",
        _("Le jugement majoritaire"),
        _("Comment les amendements sont départagés, avec un exemple à essayer."),
    ),
    (
        "portal:guide_moderation",
        _("La modération des débats"),
        _("Ce qui peut être masqué, par qui, et comment contester une décision."),
    ),
    (
        "portal:guide_requests",
        _("Interpeller un·e élu·e"),
        _("Écrire à un·e élu·e, le délai de réponse promis et ce qui est publié."),
    ),
]


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"portal/guide/{template}", {"topics": TOPICS, **context})


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _page(request, "index.html")


@require_GET
def levels(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "value": level,
            "label": ParticipationLevel(level).label,
            "anchor": LEVEL_ANCHORS[level],
            "explanation": LEVEL_EXPLANATIONS[level],
            "decided": LEVEL_DECIDED[level],
            "changeable": LEVEL_CHANGEABLE[level],
            "example": LEVEL_EXAMPLES[level],
        }
        for level in LEVEL_ORDER
    ]
    return _page(request, "levels.html", levels=rows)


@require_GET
def stages(request: HttpRequest) -> HttpResponse:
    return _page(request, "stages.html")


@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    return _page(request, "moderation.html")


@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    return _page(request, "requests.html")


# The worked example: the current text of a sheet's field and one amendment, six ballots.
EXAMPLE_CANDIDATES = [
    ("texte", _("Le texte actuel : « Les vélos se garent devant la gare. »")),
    ("amendement", _("L'amendement : « Un abri à vélos couvert est installé devant la gare. »")),
]
EXAMPLE_BALLOTS = [
    {"texte": 2, "amendement": 5},
    {"texte": 3, "amendement": 4},
    {"texte": 4, "amendement": 1},
    {"texte": 1, "amendement": 4},
    {"texte": 3, "amendement": 3},
    {"texte": 4, "amendement": 2},
]


# The grades as the form sends them ("0" … "6"): nothing else is read as a grade.
GRADE_VALUES = {str(grade): grade for grade in majority.GRADES}


@dataclass
class ExampleRow:
    key: str
    label: Any
    counts: list[tuple[Any, int]]  # (grade label, judges) from "À rejeter" to "Excellent"
    judges: int
    grade: Any
    rank: int
    tied: bool
    mine: int | None  # the reader's grade, if they added a ballot


def _reader_ballot(query: Any) -> tuple[dict[str, int] | None, list[str]]:
    """The reader's ballot from the query string: None when none was sent; errors (in the
    reader's language) when it is incomplete or not made of the seven grades."""
    sent = [key for key, _label in EXAMPLE_CANDIDATES if key in query]
    if not sent:
        return None, []
    ballot: dict[str, int] = {}
    errors: list[str] = []
    for key, label in EXAMPLE_CANDIDATES:
        raw = query.get(key, "")
        if raw in GRADE_VALUES:
            ballot[key] = GRADE_VALUES[raw]
        else:
            errors.append(str(_("Donnez une mention à « %(candidate)s ».") % {"candidate": label}))
    return (ballot if not errors else None), errors


@require_GET
def judgment(request: HttpRequest) -> HttpResponse:
    ballot, errors = _reader_ballot(request.GET)
    ballots = EXAMPLE_BALLOTS + ([ballot] if ballot else [])
    profiles = {
        key: [sum(1 for b in ballots if b[key] == grade) for grade in majority.GRADES]
        for key, _label in EXAMPLE_CANDIDATES
    }
    labels = dict(EXAMPLE_CANDIDATES)
    rows = [
        ExampleRow(
            key=merit.candidate,
            label=labels[merit.candidate],
            counts=[(Grade(g).label, n) for g, n in enumerate(merit.profile)],
            judges=merit.judges,
            grade=Grade(merit.majority_grade).label,
            rank=merit.rank,
            tied=merit.tied,
            mine=ballot[merit.candidate] if ballot else None,
        )
        for merit in majority.rank(profiles)
    ]
    status = 400 if errors else 200
    response = _page(
        request,
        "judgment.html",
        rows=rows,
        winner=rows[0] if not rows[0].tied else None,
        candidates=EXAMPLE_CANDIDATES,
        grades=[(g, Grade(g).label) for g in majority.GRADES],
        ballots=len(ballots),
        added=ballot is not None,
        chosen=ballot or {},
        errors=errors,
    )
    response.status_code = status
    return response


def level_guide_url(level: str) -> str:
    """Where a sheet's promised level is explained (its anchor on the levels' page)."""
    anchor = level_anchor(level)
    url = reverse("portal:guide_levels")
    return f"{url}#{anchor}" if anchor else url
