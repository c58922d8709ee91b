"""Officials' framing notes on a sheet: list, write, update, publish."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from interface.api import PolicyAPIView

from ..models import FramingNote, ProjectSheet
from ..permissions import FRAMING_NOTE_POLICY, SHEET_POLICY
from ..selectors import framing_note_get_visible, framing_note_list_visible, sheet_queryset
from ..services import (
    framing_note_create,
    framing_note_publish,
    framing_note_update,
)
from .serializers import FramingNoteSerializer, FramingNoteUpdateSerializer
from .sheets import SheetAPIView


class FramingNoteListCreate(SheetAPIView, generics.ListAPIView):
    """Published notes newest first (the first is current), then the caller's drafts; paginated
    like every list. Officials write them on the sheets they see."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = FramingNoteSerializer
    method_actions = {"POST": "frame"}

    def get_queryset(self):
        return framing_note_list_visible(user=self.request.user, sheet=self.get_object())

    @extend_schema(request=FramingNoteSerializer, responses={201: FramingNoteSerializer})
    def post(self, request, pk: int):
        sheet = self.get_object()
        data = FramingNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = framing_note_create(actor=request.user, sheet=sheet, **data.validated_data)
        return Response(FramingNoteSerializer(_annotated(request, sheet, note)).data, status=201)


def _annotated(request, sheet: ProjectSheet, note: FramingNote) -> FramingNote:
    for candidate in framing_note_list_visible(user=request.user, sheet=sheet):
        if candidate.pk == note.pk:
            return candidate
    return note


class FramingNoteAPIView(PolicyAPIView):
    """An endpoint about one note, looked up among the notes of a sheet the caller sees (a hidden
    sheet hides its notes, drafts included); `note.sheet` is that sheet. Changes are asked of
    the policy's "submit_change" (a published note is the service's 409)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    policy = FRAMING_NOTE_POLICY
    method_actions = {"PATCH": "submit_change", "POST": "submit_change"}

    def get_object(self) -> FramingNote:
        sheet = self.policy_object(
            SHEET_POLICY, queryset=sheet_queryset(for_detail=False), pk=self.kwargs["pk"]
        )
        user = self.request.user
        note = framing_note_get_visible(user=user, sheet=sheet, pk=self.kwargs["note_id"])
        self.check_object_permissions(self.request, note)
        return note

    def note_response(self, note: FramingNote) -> Response:
        return Response(FramingNoteSerializer(_annotated(self.request, note.sheet, note)).data)


class FramingNoteDetail(FramingNoteAPIView):
    """One framing note; its author updates it while it is a draft."""

    @extend_schema(responses=FramingNoteSerializer)
    def get(self, request, pk: int, note_id: int):
        return self.note_response(self.get_object())

    @extend_schema(request=FramingNoteUpdateSerializer, responses=FramingNoteSerializer)
    def patch(self, request, pk: int, note_id: int):
        note = self.get_object()
        data = FramingNoteUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self.note_response(
            framing_note_update(actor=request.user, note=note, **data.validated_data)
        )


class FramingNotePublish(FramingNoteAPIView):
    """Publish a draft: it becomes the note in force and no longer changes."""

    @extend_schema(request=None, responses=FramingNoteSerializer)
    def post(self, request, pk: int, note_id: int):
        return self.note_response(framing_note_publish(actor=request.user, note=self.get_object()))
