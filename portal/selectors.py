"""Reads about one person across the apps: what they hold (the JSON export of "my data") and the
workspaces whose last owner they are (which stop them deleting their account)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from debates.models import Comment, Debate
from documents.models import DocumentRevision
from events.models import Activity
from events.selectors import activity_label
from moderation.models import Report
from notifications.selectors import personal_data as notifications_personal_data
from projects.models import FramingNote, SheetVersion
from workspace.models import Membership, Role, Workspace


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def workspaces_last_owned(*, user: User) -> list[Workspace]:
    """Workspaces where this person is the only owner."""
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values("workspace_id")
    return list(
        Workspace.objects.filter(pk__in=owned)
        .annotate(owners=Count("memberships", filter=Q(memberships__role=Role.OWNER)))
        .filter(owners=1)
        .order_by("name")
    )


def _profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "platform_role": user.platform_role,
        "commune": user.commune.name if user.commune else None,
        "home_territory": user.home_territory.name if user.home_territory else None,
        "bio": user.bio,
        "mandate": user.mandate,
        "response_delay_days": user.response_delay_days,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "email_confirmed_at": _when(user.email_confirmed_at),
    }


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything Fabrique holds about this person and what they wrote, for the right of access
    and portability. Only their own data: the activity's free-form details (which may name
    other people, e.g. an address an agent changed) are left out; other people appear, if at
    all, by the public names already shown on the site."""
    return {
        "generated_at": _when(timezone.now()),
        "profile": _profile(user),
        "memberships": [
            {
                "workspace": m.workspace.name,
                "slug": m.workspace.slug,
                "role": m.role,
                "since": _when(m.created),
            }
            for m in Membership.objects.filter(user=user).select_related("workspace")
        ],
        "api_tokens": [
            {"label": t.label, "created": _when(t.created), "expires_at": _when(t.expires_at)}
            for t in user.api_tokens.all()
        ],
        "sheet_versions": [
            {
                "sheet": v.sheet_id,
                "number": v.number,
                "title": v.title,
                "summary": v.summary,
                "body": v.body,
                "change_note": v.change_note,
                "created": _when(v.created),
            }
            for v in SheetVersion.objects.filter(author=user).order_by("created", "pk")
        ],
        "framing_notes": [
            {
                "sheet": n.sheet_id,
                "status": n.status,
                "political_intent": n.political_intent,
                "participation_level": n.participation_level,
                "created": _when(n.created),
            }
            for n in FramingNote.objects.filter(author=user).order_by("created", "pk")
        ],
        "document_revisions": [
            {
                "document": r.document_id,
                "title": r.document.title,
                "number": r.number,
                "file_name": r.original_name,
                "size": r.size,
                "created": _when(r.created),
            }
            for r in DocumentRevision.objects.filter(uploaded_by=user)
            .select_related("document")
            .order_by("created", "pk")
        ],
        "debates": [
            {"debate": d.pk, "title": d.title, "body": d.body, "created": _when(d.created)}
            for d in Debate.objects.filter(author=user).order_by("created", "pk")
        ],
        # Their own messages, hidden ones included: the text is theirs (right of access).
        "debate_messages": [
            {
                "debate": c.debate_id,
                "message": c.pk,
                "state": c.state,
                "body": c.body,
                "stance": c.stance,
                "created": _when(c.created),
                "edited": _when(c.edited_at),
            }
            for c in Comment.objects.filter(author=user).order_by("created", "pk")
        ],
        "reports": [
            {
                "message": r.comment_id,
                "reason": r.reason,
                "details": r.details,
                "created": _when(r.created),
            }
            for r in Report.objects.filter(reporter=user).order_by("created", "pk")
        ],
        "notifications": notifications_personal_data(user),
        "activity": [
            {
                "verb": a.verb,
                "label": str(activity_label(a.verb)),
                "target": a.target_repr,
                "created": _when(a.created),
            }
            for a in Activity.objects.filter(actor=user).order_by("created", "pk")
        ],
    }
