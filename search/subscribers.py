"""Search as a subscriber of the event spine: each event that changes what the index holds (or
whom an entry shows to) writes its outbox rows here, in the event's transaction.

The other apps never call search: they record events, and this module decides from the verb and
the target what to re-index or remove. The outbox rows commit or roll back with the change.
"""

from __future__ import annotations

from amendments.models import Amendment
from debates.models import Debate
from documents.models import Document
from events.registry import Event
from meetings.models import Meeting
from projects.models import FramingNote, ProjectSheet
from workspace.models import Workspace

from .outbox import index_enqueue, index_enqueue_many, index_enqueue_workspace

# What every entry of a workspace copies (its visibility), or may come to (its kind): a change
# re-indexes the whole workspace, in bulk.
WORKSPACE_INDEXED_FIELDS = frozenset({"visibility", "kind"})
WORKSPACE_KIND_VERBS = frozenset(
    {"workspace.institution_granted", "workspace.institution_withdrawn"}
)
# Document events that change its text, its file, its visibility or its sheet. Share links and
# per-person grants are not indexed: the database check applies them at query time.
DOCUMENT_UPDATE_VERBS = frozenset(
    {
        "document.uploaded",
        "document.revision_added",
        "document.revision_restored",
        "document.visibility_changed",
        "document.updated",
        "document.restored",
        "document.text_extracted",
    }
)
DOCUMENT_DELETE_VERBS = frozenset({"document.trashed"})
# Meeting events that change what its entry holds (its text, date, place, state, restitution).
# Registrations are not indexed (nor ever a registrant): their events change nothing here.
MEETING_UPDATE_VERBS = frozenset(
    {
        "meeting.scheduled",
        "meeting.updated",
        "meeting.cancelled",
        "meeting.restitution_published",
    }
)


def search_on_event(event: Event) -> None:
    verb, target = event.verb.name, event.target
    if isinstance(target, Workspace):
        if verb in WORKSPACE_KIND_VERBS or (
            verb == "workspace.updated" and event.fields & WORKSPACE_INDEXED_FIELDS
        ):
            index_enqueue_workspace(target)
    elif isinstance(target, ProjectSheet):
        # Every sheet event that is not a private draft changes what its entry holds: content,
        # settings, stage (each transition declared by the workflow is a `sheet.*` verb).
        if verb.startswith("sheet."):
            index_enqueue(target)
        elif verb == "framing_note.published":
            index_enqueue_many(FramingNote, [event.data["note"]])
            index_enqueue(target)
    elif isinstance(target, Document):
        if verb in DOCUMENT_DELETE_VERBS:
            index_enqueue(target, delete=True)
        elif verb in DOCUMENT_UPDATE_VERBS:
            index_enqueue(target)
    elif isinstance(target, Debate):
        # Opened, closed (its synthesis becomes searchable), archived.
        if verb.startswith("debate."):
            index_enqueue(target)
    elif isinstance(target, Amendment):
        # Submitted, rebased, withdrawn (it leaves the index), retained, accepted, rejected…
        if verb.startswith("amendment."):
            index_enqueue(target)
    elif isinstance(target, Meeting):
        if verb in MEETING_UPDATE_VERBS:
            index_enqueue(target)
    elif target is None and verb == "document.purged":
        # The row is about to go: the event names it by its primary key.
        index_enqueue_many(Document, [event.data["document_id"]], delete=True)
