"""Officials' framing notes on a sheet: list, write, update, publish."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import FramingNote, ProjectSheet
from ..permissions import (
    can_change_framing_note,
    can_write_framing_note,
)
from ..selectors import (
    framing_note_get_visible,
    framing_note_list_visible,
    sheet_get_visible,
)
from ..services import (
    framing_note_create,
    framing_note_publish,
    framing_note_update,
)
from .serializers import FramingNoteSerializer, FramingNoteUpdateSerializer


class FramingNoteListCreate(generics.ListAPIView):
    """Published notes newest first (the first is current), then the caller's drafts; paginated
    like every list."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = FramingNoteSerializer

    def get_queryset(self):
        sheet = sheet_get_visible(user=self.request.user, pk=self.kwargs["pk"], for_detail=False)
        return framing_note_list_visible(user=self.request.user, sheet=sheet)

    @extend_schema(request=FramingNoteSerializer, responses={201: FramingNoteSerializer})
    def post(self, request, pk: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        if not can_write_framing_note(request.user, sheet):
            raise PermissionDenied()
        data = FramingNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = framing_note_create(actor=request.user, sheet=sheet, **data.validated_data)
        return Response(FramingNoteSerializer(_annotated(request, sheet, note)).data, status=201)


def _annotated(request, sheet: ProjectSheet, note: FramingNote) -> FramingNote:
    for candidate in framing_note_list_visible(user=request.user, sheet=sheet):
        if candidate.pk == note.pk:
            return candidate
    return note


class FramingNoteDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=FramingNoteSerializer)
    def get(self, request, pk: int, note_id: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        note = framing_note_get_visible(user=request.user, sheet=sheet, pk=note_id)
        return Response(FramingNoteSerializer(_annotated(request, sheet, note)).data)

    @extend_schema(request=FramingNoteUpdateSerializer, responses=FramingNoteSerializer)
    def patch(self, request, pk: int, note_id: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        note = framing_note_get_visible(user=request.user, sheet=sheet, pk=note_id)
        if note.status == FramingNote.Status.DRAFT and not can_change_framing_note(
            request.user, note
        ):
            raise PermissionDenied()
        data = FramingNoteUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        note = framing_note_update(actor=request.user, note=note, **data.validated_data)
        return Response(FramingNoteSerializer(_annotated(request, sheet, note)).data)


class FramingNotePublish(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=None, responses=FramingNoteSerializer)
    def post(self, request, pk: int, note_id: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        note = framing_note_get_visible(user=request.user, sheet=sheet, pk=note_id)
        if note.status == FramingNote.Status.DRAFT and not can_change_framing_note(
            request.user, note
        ):
            raise PermissionDenied()
        note = framing_note_publish(actor=request.user, note=note)
        return Response(FramingNoteSerializer(_annotated(request, sheet, note)).data)
