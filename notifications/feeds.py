"""Atom feeds of what the public may read: per sheet, per territory, per theme.

An item is a public activity entry whose verb followers hear of (`rules.RULES`, with a level:
stages, consultations, results, amendments, debates, framing notes, comments, meetings
announced, changed, cancelled and their restitutions…) about an object the anonymous public may
see at the time of the request. Visibility is read from the registered
policies as row filters, never remembered: a sheet made private, a private workspace's sheet, a
hidden or deleted comment leave every feed at once, and a feed of what may not be seen answers
404, like an unknown one.

A feed costs a fixed number of queries, whatever it holds: its object (and the territories'
tree), the newest entries for each kind of subject, then the subjects of the entries kept, read
in bulk per kind. Texts are plain (`<summary type="text">`: a feed reader shows user content as
written, never as HTML), shortened, without the control characters XML cannot carry. Actors are
named as the public pages name them (the sheet's timeline, the debates), by their display name;
a deleted account reads "compte supprimé".
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from amendments.models import Amendment, AmendmentRound
from amendments.permissions import AMENDMENT_POLICY, ROUND_POLICY
from debates.models import Comment, Debate
from debates.permissions import COMMENT_POLICY, DEBATE_POLICY
from documents.models import Document
from documents.permissions import DOCUMENT_POLICY
from events.models import Activity
from events.registry import private_verbs, verb_label
from meetings.models import Meeting
from meetings.permissions import MEETING_POLICY
from policies import Policy
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY
from territories.models import Territory, Theme

from .rules import LABELS, RULES

FEED_LENGTH = 50
DESCRIPTION_CHARS = 300
SITE_NAME = "Fabrique"
# Ids and slugs no row can have: answered 404 before any query (an id past 64 bits would
# overflow in the database driver).
MAX_ID = 2**63 - 1
MAX_SLUG = 140
ANONYMOUS = AnonymousUser()
# What XML 1.0 cannot carry (Django's writer refuses it with an error): dropped from texts.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def feed_verbs() -> list[str]:
    """The verbs a follower hears of, minus any declared private."""
    private = set(private_verbs())
    return sorted(v for v, rule in RULES.items() if rule.level is not None and v not in private)


def _public(policy: Policy, queryset: QuerySet) -> QuerySet:
    return queryset.filter(policy.visible_q(ANONYMOUS))


def _plain(value: Any, limit: int | None = None) -> str:
    text = _UNWRITABLE.sub("", str(value or ""))
    if limit is not None:
        text = Truncator(" ".join(text.split())).chars(limit)
    return text


def actor_name(user: Any) -> str:
    if user is None:
        return _("la plateforme")
    if user.is_deleted:
        return _("compte supprimé")
    return user.display_name or "—"


@dataclass(frozen=True)
class Scope:
    """What a feed covers: the public sheets and debates (those of its sheets included), and
    the territories above the followed one, by id, with how their subjects are labelled."""

    sheets: QuerySet
    debates: QuerySet
    wider: dict[int, str] = field(default_factory=dict)
    # The public meetings it covers (those of its sheets, and of its territories).
    meetings: QuerySet | None = None


@dataclass(frozen=True)
class Entry:
    pk: int
    title: str
    link: str
    description: str
    created: datetime.datetime
    guid: str


@dataclass(frozen=True)
class Source:
    """One request's feed: what Django's `Feed` reads its attributes from (the `Feed` instance
    is shared by every request, so nothing of a request is kept on it)."""

    title: str
    subtitle: str
    link: str
    feed_id: str
    host: str
    scope: Scope


def _subjects(scope: Scope) -> dict[type[Model], QuerySet]:
    """For each kind of subject, the public rows the feed covers."""
    sheets = scope.sheets.values("pk")
    debates = scope.debates.values("pk")
    return {
        ProjectSheet: scope.sheets.select_related("current_version"),
        AmendmentRound: _public(
            ROUND_POLICY, AmendmentRound.objects.filter(sheet__in=sheets)
        ).select_related("sheet"),
        Amendment: _public(
            AMENDMENT_POLICY, Amendment.objects.filter(sheet__in=sheets)
        ).select_related("sheet"),
        Debate: scope.debates.select_related("sheet"),
        # Hidden and deleted messages are no one's news: their entries leave the feed.
        Comment: _public(
            COMMENT_POLICY,
            Comment.objects.filter(debate__in=debates, state=Comment.State.VISIBLE),
        ).select_related("debate", "debate__sheet"),
        Document: _public(
            DOCUMENT_POLICY, Document.objects.filter(sheet__in=sheets)
        ).select_related("sheet"),
        Meeting: (
            scope.meetings if scope.meetings is not None else Meeting.objects.none()
        ).select_related("sheet"),
    }


def _public_meetings(condition: Q) -> QuerySet:
    """The meetings the anonymous public may see (MEETING_POLICY: a territory's, or a public
    sheet's) among those `condition` names."""
    return _public(MEETING_POLICY, Meeting.objects.filter(condition))


def _meeting_titles() -> dict[str, str]:
    """What a meeting's entry says happened, without naming anyone (the organiser included)."""
    return {
        "meeting.scheduled": _("Réunion annoncée : « %(subject)s »"),
        "meeting.updated": _("Réunion modifiée : « %(subject)s »"),
        "meeting.cancelled": _("Réunion annulée : « %(subject)s »"),
        "meeting.restitution_published": _("Restitution publiée : « %(subject)s »"),
    }


def _meeting_text(activity: Activity, meeting: Meeting) -> str:
    """When and where (in the site's time zone), the state, and once held its presentation:
    the meeting's own public words, never a registrant's."""
    when = date_format(timezone.localtime(meeting.starts), "l j F Y, H:i")
    parts = [f"{meeting.get_kind_display()} — {when}", meeting.place, meeting.address]
    text = ", ".join(p for p in parts if p)
    if meeting.state == Meeting.State.CANCELLED:
        text = f"{text} — {_('annulée')}"
    if activity.verb == "meeting.restitution_published" and meeting.presentation.strip():
        text = f"{text} — {meeting.presentation}"
    return text


def _describe(activity: Activity, obj: Model) -> tuple[str, str, str, int | None]:
    """(what it is about, link, plain description, territory) for one entry's subject."""
    if isinstance(obj, ProjectSheet):
        link = obj.get_absolute_url()
        if activity.verb == "framing_note.published":
            link += "#cadrage"
        version = obj.current_version
        return obj.title, link, version.summary if version else "", obj.territory_id
    if isinstance(obj, AmendmentRound):
        return obj.sheet.title, obj.get_absolute_url(), "", obj.sheet.territory_id
    if isinstance(obj, Amendment):
        number = _("Amendement n° %(n)s") % {"n": obj.pk}
        if obj.is_assisted:  # the marking goes wherever the amendment goes
            number = f"{number}, {obj.proposer}"
        text = f"{number} — {obj.rationale}" if obj.rationale.strip() else number
        return obj.sheet.title, obj.get_absolute_url(), text, obj.sheet.territory_id
    if isinstance(obj, Document):
        sheet = obj.sheet
        return sheet.title, obj.get_absolute_url(), obj.title, sheet.territory_id
    if isinstance(obj, Meeting):
        territory = obj.territory_id
        if territory is None and obj.sheet_id is not None:
            territory = obj.sheet.territory_id
        return obj.title, obj.get_absolute_url(), _meeting_text(activity, obj), territory
    debate = obj.debate if isinstance(obj, Comment) else obj
    territory = debate.sheet.territory_id if debate.sheet_id is not None else debate.territory_id
    if isinstance(obj, Comment):
        text = obj.public_body or ""
        if text and obj.is_assisted:  # the marking goes wherever the message goes
            text = f"{obj.assisted_label} ({obj.assisted_note}) — {text}"
        return debate.title, obj.get_absolute_url(), text, territory
    text = debate.synthesis if activity.verb == "debate.close" else debate.body
    return debate.title, debate.get_absolute_url(), text, territory


def _title(activity: Activity, about: str) -> str:
    meeting = _meeting_titles().get(activity.verb)
    if meeting is not None:
        return meeting % {"subject": about}
    fixed = LABELS.get((activity.verb, ""))
    if fixed is not None:
        return _("« %(subject)s » : %(what)s") % {"subject": about, "what": fixed}
    return _("« %(subject)s » : %(actor)s %(verb)s") % {
        "subject": about,
        "actor": actor_name(activity.actor),
        "verb": verb_label(activity.verb),
    }


def feed_entries(scope: Scope, host: str) -> list[Entry]:
    """The newest public entries of the scope, at most FEED_LENGTH, newest first."""
    subjects = _subjects(scope)
    types = ContentType.objects.get_for_models(*subjects)
    verbs = feed_verbs()
    found: list[Activity] = []
    for model, rows in subjects.items():
        found += (
            Activity.objects.filter(
                private=False,
                verb__in=verbs,
                target_type=types[model],
                target_id__in=rows.values("pk"),
            )
            .select_related("actor")
            .order_by("-created", "-id")[:FEED_LENGTH]
        )
    found.sort(key=lambda a: (a.created, a.pk), reverse=True)
    found = found[:FEED_LENGTH]
    wanted: dict[int, set[int]] = defaultdict(set)
    for activity in found:
        wanted[activity.target_type_id].add(activity.target_id)
    objects: dict[int, dict[int, Model]] = {}
    for model, rows in subjects.items():
        type_id = types[model].pk
        if wanted.get(type_id):
            objects[type_id] = rows.in_bulk(wanted[type_id])
    entries = []
    for activity in found:
        obj = objects.get(activity.target_type_id, {}).get(activity.target_id)
        if obj is None:  # gone from view between the two reads
            continue
        about, link, text, territory = _describe(activity, obj)
        title = _title(activity, _plain(about))
        if territory in scope.wider:
            title = f"[{scope.wider[territory]}] {title}"
        entries.append(
            Entry(
                pk=activity.pk,
                title=_plain(title),
                link=link,
                description=_plain(text, DESCRIPTION_CHARS),
                created=activity.created,
                guid=f"tag:{host},2025:activite:{activity.pk}",
            )
        )
    return entries


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are plain text: a reader shows them as written, never as
    HTML (Django's Atom says type="html")."""

    def add_item_elements(self, handler: Any, item: dict) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class PublicActivityFeed(Feed):
    feed_type = PlainTextAtomFeed

    def source(self, request: HttpRequest, **kwargs: Any) -> Source:
        raise NotImplementedError

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Source:
        return self.source(request, **kwargs)

    @staticmethod
    def make_source(
        request: HttpRequest, *, title: str, subtitle: str, link: str, scope: Scope
    ) -> Source:
        host, _port = split_domain_port(request.get_host())
        return Source(
            title=_plain(f"{title} – {SITE_NAME}"),
            subtitle=_plain(subtitle),
            link=link,
            feed_id=request.build_absolute_uri(request.path),
            host=host or "localhost",
            scope=scope,
        )

    def title(self, obj: Source) -> str:
        return obj.title

    def subtitle(self, obj: Source) -> str:
        return obj.subtitle

    def link(self, obj: Source) -> str:
        return obj.link

    def feed_guid(self, obj: Source) -> str:
        return obj.feed_id

    def author_name(self, obj: Source) -> str:
        return SITE_NAME

    def items(self, obj: Source) -> list[Entry]:
        return feed_entries(obj.scope, obj.host)

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str | None:
        return item.description or None

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_guid(self, item: Entry) -> str:
        return item.guid

    def item_pubdate(self, item: Entry) -> datetime.datetime:
        return item.created

    def item_updateddate(self, item: Entry) -> datetime.datetime:
        return item.created


def _public_sheets(**lookup: Any) -> QuerySet:
    return _public(SHEET_POLICY, ProjectSheet.objects.filter(**lookup))


class SheetFeed(PublicActivityFeed):
    """A sheet's public activity: the sheet, its rounds and amendments, its documents, its
    debates and their messages, its framing notes."""

    def source(self, request: HttpRequest, **kwargs: Any) -> Source:
        pk = kwargs["pk"]
        if pk > MAX_ID:
            raise Http404
        sheets = _public_sheets(pk=pk)
        sheet = sheets.first()
        if sheet is None:
            raise Http404
        debates = _public(DEBATE_POLICY, Debate.objects.filter(sheet__in=sheets.values("pk")))
        meetings = _public_meetings(Q(sheet__in=sheets.values("pk")))
        return self.make_source(
            request,
            title=_("Fiche « %(title)s »") % {"title": sheet.title},
            subtitle=_(
                "L'activité publique de la fiche : étapes, concertations, amendements, "
                "débats, notes de cadrage et messages."
            ),
            link=sheet.get_absolute_url(),
            scope=Scope(sheets=sheets, debates=debates, meetings=meetings),
        )


def _slug_lookup(model: type[Model], slug: str) -> Any:
    if len(slug) > MAX_SLUG:
        raise Http404
    obj = model._default_manager.filter(slug=slug).first()
    if obj is None:
        raise Http404
    return obj


def _wider_labels() -> dict[str, str]:
    return {
        Territory.Kind.COMMUNE: _("Toute la commune"),
        Territory.Kind.METROPOLE: _("Toute la métropole"),
    }


class TerritoryFeed(PublicActivityFeed):
    """A territory's public activity: its sheets and its quartiers', the sheets for a whole
    territory above it (labelled as such), and the public debates of all these territories."""

    def source(self, request: HttpRequest, **kwargs: Any) -> Source:
        territory = _slug_lookup(Territory, kwargs["slug"])
        parent: dict[int, int | None] = {}
        children: dict[int, list[int]] = defaultdict(list)
        kinds: dict[int, str] = {}
        for pk, parent_id, kind in Territory.objects.values_list("pk", "parent_id", "kind"):
            parent[pk], kinds[pk] = parent_id, kind
            if parent_id is not None:
                children[parent_id].append(pk)
        below, todo = {territory.pk}, [territory.pk]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in below:
                    below.add(child)
                    todo.append(child)
        labels = _wider_labels()
        wider: dict[int, str] = {}
        current = parent.get(territory.pk)
        while current is not None and current not in wider and current not in below:
            wider[current] = labels.get(kinds[current], "")
            current = parent.get(current)
        places = sorted(below | set(wider))
        sheets = _public_sheets(territory_id__in=places)
        debates = _public(
            DEBATE_POLICY,
            Debate.objects.filter(
                Q(sheet__in=sheets.values("pk")) | Q(sheet__isnull=True, territory_id__in=places)
            ),
        )
        return self.make_source(
            request,
            title=_("Territoire : %(name)s") % {"name": territory.name},
            subtitle=_(
                "L'activité publique des projets et des débats de ce territoire, de ses "
                "quartiers, et de ceux qui concernent tout un territoire au-dessus de lui."
            ),
            link=reverse("home"),
            scope=Scope(
                sheets=sheets,
                debates=debates,
                wider=wider,
                meetings=_public_meetings(
                    Q(sheet__in=sheets.values("pk"))
                    | Q(sheet__isnull=True, territory_id__in=places)
                ),
            ),
        )


class ThemeFeed(PublicActivityFeed):
    """A theme's public activity: the sheets and the debates that have it."""

    def source(self, request: HttpRequest, **kwargs: Any) -> Source:
        theme = _slug_lookup(Theme, kwargs["slug"])
        sheets = _public_sheets(
            pk__in=ProjectSheet.themes.through.objects.filter(theme=theme).values("projectsheet")
        )
        themed = Debate.themes.through.objects.filter(theme=theme).values("debate")
        debates = _public(
            DEBATE_POLICY,
            Debate.objects.filter(
                Q(sheet__in=sheets.values("pk")) | Q(sheet__isnull=True, pk__in=themed)
            ),
        )
        return self.make_source(
            request,
            title=_("Thème : %(name)s") % {"name": theme.name},
            subtitle=_("L'activité publique des projets et des débats de ce thème."),
            link=reverse("home"),
            scope=Scope(
                sheets=sheets,
                debates=debates,
                meetings=_public_meetings(Q(sheet__in=sheets.values("pk"))),
            ),
        )
