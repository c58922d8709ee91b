"""Who is told of each event, how, and under which object it is grouped.

One table, read by the fan-out: for each verb, the lowest subscription level that hears it (or
none: followers are not told) and who is concerned directly (always told at once). The apps
below know nothing of this: they record their events, this module reads them.

Levels: essentiel (stages, consultations opening and closing soon, results, official answers,
debate syntheses, cancelled meetings), standard (+ new amendments, debates, framing notes,
decisions on amendments, new documents, meetings announced and their restitutions), tout
(+ every comment and every edit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from amendments.models import Amendment, AmendmentRound
from debates.models import Comment, Debate
from documents.models import Document
from meetings.models import Meeting, seat_holders_q
from moderation.models import ModerationCase, Report
from officials.models import OfficialProfile, Request
from projects.models import ProjectSheet
from territories.models import Territory
from workspace.models import Workspace

from .models import Level, TargetType

ESSENTIAL, STANDARD, ALL = Level.ESSENTIAL, Level.STANDARD, Level.ALL


@dataclass
class Topic:
    """Where an event belongs: the object checked for visibility, the object it is grouped
    under, the page it links to, and the followed objects that hear of it."""

    subject: Model | None
    group_key: str
    group_label: str
    url: str
    # (target type, id) → "" when the followed object contains the subject, or the name of
    # the wider territory the subject concerns (a sheet for the whole commune, heard by the
    # followers of one of its quartiers: shown as such).
    keys: dict[tuple[str, int], str] = field(default_factory=dict)


# ---- Territories: a followed territory hears of itself, its descendants, and what concerns
# a whole territory above it (labelled as such).


class TerritoryTree:
    """The territories' parents, read once per fan-out run (a few hundred rows)."""

    def __init__(self) -> None:
        self.parent: dict[int, int | None] = {}
        self.children: dict[int, list[int]] = {}
        self.names: dict[int, str] = {}
        for pk, parent, name in Territory.objects.values_list("pk", "parent_id", "name"):
            self.parent[pk] = parent
            self.names[pk] = name
            if parent is not None:
                self.children.setdefault(parent, []).append(pk)

    def ancestors(self, pk: int) -> list[int]:
        out, current = [], self.parent.get(pk)
        while current is not None and current not in out:
            out.append(current)
            current = self.parent.get(current)
        return out

    def descendants(self, pk: int) -> list[int]:
        out, todo = [], list(self.children.get(pk, ()))
        while todo:
            current = todo.pop()
            if current in out:
                continue
            out.append(current)
            todo.extend(self.children.get(current, ()))
        return out

    def keys(self, pk: int | None) -> dict[tuple[str, int], str]:
        """A subject placed in territory `pk`: its own followers, its ancestors' (who follow
        everything below them), and its descendants' (for whom it concerns a wider area)."""
        if pk is None:
            return {}
        keys = {(TargetType.TERRITORY.value, pk): ""}
        for other in self.ancestors(pk):
            keys[(TargetType.TERRITORY.value, other)] = ""
        for other in self.descendants(pk):
            keys[(TargetType.TERRITORY.value, other)] = self.names.get(pk, "")
        return keys


def _sheet_keys(sheet: ProjectSheet, tree: TerritoryTree) -> dict[tuple[str, int], str]:
    keys = {
        (TargetType.SHEET.value, sheet.pk): "",
        (TargetType.WORKSPACE.value, sheet.workspace_id): "",
    }
    keys.update(tree.keys(sheet.territory_id))
    for theme_id in sheet.themes.values_list("pk", flat=True):
        keys[(TargetType.THEME.value, theme_id)] = ""
    return keys


def _sheet_topic(sheet: ProjectSheet, tree: TerritoryTree, subject: Model | None = None) -> Topic:
    return Topic(
        subject=subject or sheet,
        group_key=f"sheet:{sheet.pk}",
        group_label=sheet.title,
        url=sheet.get_absolute_url(),
        keys=_sheet_keys(sheet, tree),
    )


def _debate_topic(debate: Debate, tree: TerritoryTree, subject: Model | None = None) -> Topic:
    if debate.sheet_id is not None:
        topic = _sheet_topic(debate.sheet, tree, subject or debate)
    else:
        topic = Topic(subject=subject or debate, group_key="", group_label="", url="")
        if debate.workspace_id is not None:
            topic.keys[(TargetType.WORKSPACE.value, debate.workspace_id)] = ""
        topic.keys.update(tree.keys(debate.territory_id))
        for theme_id in debate.themes.values_list("pk", flat=True):
            topic.keys[(TargetType.THEME.value, theme_id)] = ""
    topic.group_key, topic.group_label = f"debate:{debate.pk}", debate.title
    topic.keys[(TargetType.DEBATE.value, debate.pk)] = ""
    topic.url = debate.get_absolute_url()
    return topic


def topic_of(target: Model, tree: TerritoryTree) -> Topic | None:
    """The topic of an event's target; None for targets nobody follows."""
    if isinstance(target, ProjectSheet):
        return _sheet_topic(target, tree)
    if isinstance(target, Debate):
        return _debate_topic(target, tree)
    if isinstance(target, Comment):
        topic = _debate_topic(target.debate, tree, subject=target)
        topic.url = target.get_absolute_url()
        return topic
    if isinstance(target, (AmendmentRound, Amendment)):
        topic = _sheet_topic(target.sheet, tree, subject=target)
        topic.url = target.get_absolute_url()
        return topic
    if isinstance(target, Document):
        if target.sheet_id is not None:
            topic = _sheet_topic(target.sheet, tree, subject=target)
        else:
            workspace = target.workspace
            topic = Topic(
                subject=target,
                group_key=f"workspace:{workspace.pk}",
                group_label=workspace.name,
                url="",
                keys={(TargetType.WORKSPACE.value, workspace.pk): ""},
            )
        topic.url = target.get_absolute_url()
        return topic
    if isinstance(target, Meeting):
        if target.sheet_id is not None:
            topic = _sheet_topic(target.sheet, tree, subject=target)
        else:
            topic = Topic(subject=target, group_key="", group_label="", url="")
            topic.keys.update(tree.keys(target.territory_id))
        topic.group_key, topic.group_label = f"meeting:{target.pk}", target.title
        topic.url = target.get_absolute_url()
        return topic
    if isinstance(target, Request):
        official = target.official
        topic = Topic(
            subject=target,
            group_key=f"official:{official.user_id}",
            group_label=official.user.display_name,
            url=target.get_absolute_url(),
            keys={(TargetType.OFFICIAL.value, official.user_id): ""},
        )
        if target.sheet_id is not None:
            topic.keys.update(_sheet_keys(target.sheet, tree))
        return topic
    if isinstance(target, Workspace):
        return Topic(
            subject=target,
            group_key=f"workspace:{target.pk}",
            group_label=target.name,
            url=target.get_absolute_url(),
            keys={(TargetType.WORKSPACE.value, target.pk): ""},
        )
    return None


# ---- Who is concerned directly (always told at once), by verb.

Direct = Callable[[Any, Any], dict[int, str]]


def _one(user_id: int | None, reason: str) -> dict[int, str]:
    return {user_id: reason} if user_id else {}


def _many(user_ids: Iterable[int | None], reason: str) -> dict[int, str]:
    return {pk: reason for pk in user_ids if pk}


def _reply(comment: Comment, activity: Any) -> dict[int, str]:
    parent = comment.parent
    return _one(parent.author_id if parent is not None else None, "reply")


def _amendment_author(amendment: Amendment, activity: Any) -> dict[int, str]:
    return _one(amendment.author_id, "decision")


def _case_reporters(case: ModerationCase) -> list[int | None]:
    return list(
        Report.objects.filter(case=case, created__gte=case.opened_at).values_list(
            "reporter_id", flat=True
        )
    )


def _hidden(case: ModerationCase, activity: Any) -> dict[int, str]:
    told = _many(_case_reporters(case), "moderation")
    told.update(_one(case.comment.author_id, "moderation"))
    return told


def _dismissed(case: ModerationCase, activity: Any) -> dict[int, str]:
    return _many(_case_reporters(case), "moderation")


def _appeal_outcome(case: ModerationCase, activity: Any) -> dict[int, str]:
    return _one(case.comment.author_id, "moderation")


def _pending_review(case: ModerationCase, activity: Any) -> dict[int, str]:
    if not activity.data.get("pending_review"):
        return {}
    return _one(case.comment.author_id, "moderation")


def _official_side(official: OfficialProfile) -> dict[int, str]:
    told = _one(official.user_id, "request")
    told.update(_many(official.delegates.values_list("pk", flat=True), "request"))
    return told


def _to_official(request: Request, activity: Any) -> dict[int, str]:
    return _official_side(request.official)


def _to_sender(request: Request, activity: Any) -> dict[int, str]:
    return _one(request.sender_id, "request")


def _redirected(request: Request, activity: Any) -> dict[int, str]:
    told = _official_side(request.official)
    told.update(_to_sender(request, activity))
    return told


def _registrants(meeting: Meeting, activity: Any) -> dict[int, str]:
    """Those with an account holding a seat at the meeting when the event is fanned out (a
    registration cancelled since is not reminded); registrants without an account are written
    to by the meetings app itself."""
    return _many(
        meeting.registrations.filter(seat_holders_q(), user__isnull=False).values_list(
            "user_id", flat=True
        ),
        "meeting",
    )


def _member(workspace: Workspace, activity: Any) -> dict[int, str]:
    return _one(activity.data.get("user"), "member")


def _self(user: Any, activity: Any) -> dict[int, str]:
    return _one(user.pk, "security")


@dataclass(frozen=True)
class Rule:
    level: Level | None = None
    direct: Direct | None = None
    # Told even when the person did it themself (account security: "was it you?").
    to_actor: bool = False
    # E-mailed (at once or in digests); False: in the site only (accounts already writes to
    # the old address when the address changes).
    mail: bool = True
    # For the grouped digest: the event as a countable noun phrase ("3 amendements proposés").
    noun: Any = None


RULES: dict[str, Rule] = {
    # Stages of a sheet: essential.
    "sheet.open_consultation": Rule(
        ESSENTIAL, noun=ngettext_lazy("ouverture de la concertation", "%(n)d ouvertures", "n")
    ),
    "sheet.start_realisation": Rule(
        ESSENTIAL, noun=ngettext_lazy("passage en réalisation", "%(n)d passages", "n")
    ),
    "sheet.start_evaluation": Rule(
        ESSENTIAL, noun=ngettext_lazy("passage en évaluation", "%(n)d passages", "n")
    ),
    "sheet.archive": Rule(ESSENTIAL, noun=ngettext_lazy("archivage", "%(n)d archivages", "n")),
    # The promised level changed (lowered once the consultation started: with a public note).
    "sheet.participation_changed": Rule(
        ESSENTIAL,
        noun=ngettext_lazy(
            "niveau de participation modifié", "%(n)d changements du niveau de participation", "n"
        ),
    ),
    "sheet.abandon": Rule(ESSENTIAL, noun=ngettext_lazy("abandon", "%(n)d abandons", "n")),
    "sheet.step_back": Rule(
        ESSENTIAL, noun=ngettext_lazy("retour à l'étape précédente", "%(n)d retours", "n")
    ),
    # Consultations: opening, closing soon, results.
    "amendment_round.opened": Rule(
        ESSENTIAL,
        noun=ngettext_lazy(
            "ouverture d'un tour d'amendements", "%(n)d ouvertures de tours d'amendements", "n"
        ),
    ),
    "amendment_round.closing_soon": Rule(
        ESSENTIAL, noun=ngettext_lazy("clôture prochaine", "%(n)d clôtures prochaines", "n")
    ),
    "amendment_round.close_submissions": Rule(
        ESSENTIAL,
        noun=ngettext_lazy("ouverture du jugement", "%(n)d ouvertures du jugement", "n"),
    ),
    "amendment_round.close": Rule(
        ESSENTIAL, noun=ngettext_lazy("résultats publiés", "%(n)d résultats publiés", "n")
    ),
    "debate.closing_soon": Rule(
        ESSENTIAL, noun=ngettext_lazy("clôture prochaine", "%(n)d clôtures prochaines", "n")
    ),
    "debate.close": Rule(
        ESSENTIAL, noun=ngettext_lazy("synthèse du débat", "%(n)d synthèses", "n")
    ),
    # A meeting called off: those who planned to come must hear of it.
    "meeting.cancelled": Rule(
        ESSENTIAL, noun=ngettext_lazy("réunion annulée", "%(n)d réunions annulées", "n")
    ),
    "official_request.published": Rule(
        ESSENTIAL,
        direct=_to_sender,
        noun=ngettext_lazy("réponse publiée", "%(n)d réponses publiées", "n"),
    ),
    # Standard: new sheets, contributions and decisions.
    "sheet.created": Rule(
        STANDARD, noun=ngettext_lazy("%(n)d nouvelle fiche", "%(n)d nouvelles fiches", "n")
    ),
    "amendment.submitted": Rule(
        STANDARD,
        noun=ngettext_lazy("%(n)d amendement proposé", "%(n)d amendements proposés", "n"),
    ),
    "amendment.accept": Rule(
        STANDARD,
        direct=_amendment_author,
        noun=ngettext_lazy("%(n)d amendement intégré", "%(n)d amendements intégrés", "n"),
    ),
    "amendment.reject": Rule(
        STANDARD,
        direct=_amendment_author,
        noun=ngettext_lazy("%(n)d amendement rejeté", "%(n)d amendements rejetés", "n"),
    ),
    "amendment.retain": Rule(
        STANDARD,
        direct=_amendment_author,
        noun=ngettext_lazy("%(n)d amendement retenu", "%(n)d amendements retenus", "n"),
    ),
    "amendment.set_aside": Rule(
        STANDARD,
        direct=_amendment_author,
        noun=ngettext_lazy("%(n)d amendement non retenu", "%(n)d amendements non retenus", "n"),
    ),
    "amendment.outdate": Rule(None, direct=_amendment_author),
    "sheet.amended": Rule(
        STANDARD,
        noun=ngettext_lazy("%(n)d amendement intégré", "%(n)d amendements intégrés", "n"),
    ),
    "debate.opened": Rule(
        STANDARD, noun=ngettext_lazy("%(n)d nouveau débat", "%(n)d nouveaux débats", "n")
    ),
    "framing_note.published": Rule(
        STANDARD,
        noun=ngettext_lazy("%(n)d note de cadrage", "%(n)d notes de cadrage", "n"),
    ),
    "meeting.scheduled": Rule(
        STANDARD,
        noun=ngettext_lazy("%(n)d réunion annoncée", "%(n)d réunions annoncées", "n"),
    ),
    "meeting.restitution_published": Rule(
        STANDARD,
        noun=ngettext_lazy("%(n)d restitution de réunion", "%(n)d restitutions de réunions", "n"),
    ),
    "document.uploaded": Rule(
        STANDARD, noun=ngettext_lazy("%(n)d nouveau document", "%(n)d nouveaux documents", "n")
    ),
    # All: every comment and edit.
    "comment.created": Rule(
        ALL,
        direct=_reply,
        noun=ngettext_lazy("%(n)d message", "%(n)d messages", "n"),
    ),
    "sheet.updated": Rule(
        ALL, noun=ngettext_lazy("%(n)d modification", "%(n)d modifications", "n")
    ),
    "sheet.restored": Rule(
        ALL, noun=ngettext_lazy("%(n)d version rétablie", "%(n)d versions rétablies", "n")
    ),
    "meeting.updated": Rule(
        ALL, noun=ngettext_lazy("%(n)d réunion modifiée", "%(n)d réunions modifiées", "n")
    ),
    "document.revision_added": Rule(
        ALL,
        noun=ngettext_lazy("%(n)d nouvelle version de document", "%(n)d nouvelles versions", "n"),
    ),
    # Concerning someone directly only.
    "comment.reported": Rule(None, direct=_pending_review),
    "moderation.hide": Rule(None, direct=_hidden),
    "moderation.dismiss": Rule(None, direct=_dismissed),
    "moderation.uphold": Rule(None, direct=_appeal_outcome),
    "moderation.reverse": Rule(None, direct=_appeal_outcome),
    "official_request.sent": Rule(None, direct=_to_official),
    "official_request.reply": Rule(None, direct=_to_official),
    "official_request.reminded": Rule(None, direct=_to_official),
    "official_request.answer": Rule(None, direct=_to_sender),
    "official_request.clarify": Rule(None, direct=_to_sender),
    "official_request.inadmissible": Rule(None, direct=_to_sender),
    "official_request.redirect": Rule(None, direct=_redirected),
    "meeting.reminded": Rule(None, direct=_registrants),
    "membership.added": Rule(None, direct=_member),
    "membership.role_changed": Rule(None, direct=_member),
    "membership.removed": Rule(None, direct=_member),
    "user.password_set": Rule(None, direct=_self, to_actor=True),
    "user.email_changed": Rule(None, direct=_self, to_actor=True, mail=False),
}

# What each direct reason reads like, after "Vous recevez ceci car…".
REASONS = {
    "reply": _("on a répondu à votre message"),
    "decision": _("une décision concerne votre contribution"),
    "moderation": _("une décision de modération vous concerne"),
    "request": _("cela concerne une demande à un·e élu·e que vous avez envoyée ou reçue"),
    "member": _("cela concerne votre place dans un espace"),
    "security": _("cela concerne la sécurité de votre compte"),
    "meeting": _("vous êtes inscrit·e à cette réunion"),
}

# Pages for direct notifications whose object the person may not open themself.
DIRECT_URLS: dict[str, Callable[[], str]] = {
    "moderation": lambda: reverse("moderation:notices"),
    "security": lambda: reverse("accounts:profile"),
    "member": lambda: reverse("workspace:list"),
}

# What a notification reads like when the verb's own label ("X a proposé un amendement") does
# not fit: private verbs, and what is said to the person concerned rather than about the actor
# (whose name is then not shown: a moderator's, a sender's to a third party…).
LABELS: dict[tuple[str, str], Any] = {
    ("comment.created", "reply"): _("Réponse à votre message"),
    ("amendment.accept", "decision"): _("Votre amendement est intégré à la fiche"),
    ("amendment.reject", "decision"): _("Votre amendement est rejeté"),
    ("amendment.retain", "decision"): _("Votre amendement est retenu par le jugement majoritaire"),
    ("amendment.set_aside", "decision"): _("Votre amendement n'est pas retenu"),
    ("amendment.outdate", "decision"): _("Votre amendement est à mettre à jour"),
    ("comment.reported", "moderation"): _("Votre message est masqué en attente d'examen"),
    ("moderation.hide", "moderation"): _("Décision de modération : message masqué"),
    ("moderation.dismiss", "moderation"): _("Votre signalement a été écarté"),
    ("moderation.uphold", "moderation"): _("Votre recours est rejeté : le masquage est confirmé"),
    ("moderation.reverse", "moderation"): _("Votre recours est accepté : le message est rétabli"),
    ("official_request.sent", "request"): _("Nouvelle demande reçue"),
    ("official_request.reply", "request"): _("Précision apportée à une demande"),
    ("official_request.reminded", "request"): _("Rappel : une demande attend sa réponse"),
    ("official_request.answer", "request"): _("Réponse à votre demande"),
    ("official_request.clarify", "request"): _("Une précision vous est demandée"),
    ("official_request.inadmissible", "request"): _("Votre demande est close"),
    ("official_request.redirect", "request"): _("Demande transmise à un·e autre élu·e"),
    ("official_request.published", "request"): _("Décision sur la publication de votre demande"),
    ("official_request.published", ""): _("Réponse publiée d'un·e élu·e"),
    ("membership.added", "member"): _("Vous êtes membre d'un espace"),
    ("membership.role_changed", "member"): _("Votre rôle dans un espace a changé"),
    ("membership.removed", "member"): _("Vous ne faites plus partie d'un espace"),
    ("meeting.reminded", "meeting"): _("Rappel : la réunion a lieu demain"),
    ("user.password_set", "security"): _("Le mot de passe de votre compte a changé"),
    ("user.email_changed", "security"): _("L'adresse électronique de votre compte a changé"),
    ("amendment_round.closing_soon", ""): _("Clôture prochaine d'une consultation"),
    ("debate.closing_soon", ""): _("Derniers jours pour participer à un débat"),
}

# Direct reasons whose object the person may no longer open themself (a workspace they left,
# a case file only moderators read): no visibility check, a page of their own instead.
UNCHECKED_REASONS = frozenset({"moderation", "member", "security"})
