"""Sheets: the filtered list, creation in a workspace, the detail and its update."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from interface.api import PolicyAPIView
from workspace.permissions import WORKSPACE_POLICY
from workspace.selectors import workspace_queryset

from ..models import ParticipationLevel, ProjectSheet, Stage
from ..permissions import SHEET_POLICY
from ..selectors import (
    ended_default,
    sheet_get_visible,
    sheet_list_filter,
    sheet_list_visible,
    sheet_queryset,
)
from ..services import (
    sheet_create,
    sheet_update,
)
from .serializers import (
    SheetDetailSerializer,
    SheetListSerializer,
    SheetUpdateSerializer,
    SheetWriteSerializer,
)

ARCHIVED_VALUES = {"true": True, "1": True, "false": False, "0": False}


def _archived_param(value: str | None) -> bool | None:
    """`?archived=`: true or false (1 or 0); absent or empty is the default; anything else 400."""
    if value is None or value == "":
        return None
    if value.lower() not in ARCHIVED_VALUES:
        raise ValidationError({"archived": [_("Valeur attendue : true ou false.")]})
    return ARCHIVED_VALUES[value.lower()]


def sheet_detail_response(request, sheet: ProjectSheet, status_code: int = 200) -> Response:
    sheet = sheet_get_visible(user=request.user, pk=sheet.pk)
    return Response(
        SheetDetailSerializer(sheet, context={"request": request}).data, status=status_code
    )


class SheetAPIView(PolicyAPIView):
    """An endpoint about one sheet (`pk` in the URL), loaded through the sheet policy; `for_detail`
    also reads its themes, for the answers that show them."""

    policy = SHEET_POLICY
    for_detail = False

    def get_object_queryset(self):
        return sheet_queryset(for_detail=self.for_detail)


@extend_schema(
    parameters=[
        OpenApiParameter("workspace", str),
        OpenApiParameter("stage", str, enum=Stage.values),
        OpenApiParameter("territory", str),
        OpenApiParameter("theme", str),
        OpenApiParameter("q", str),
        OpenApiParameter("participation_level", str, enum=ParticipationLevel.values),
        OpenApiParameter(
            "archived",
            bool,
            description="true: the archived and abandoned sheets only; false: the sheets under "
            "way only. Without it, the sheets under way (unless `stage` names a stage).",
        ),
    ]
)
class SheetList(generics.ListAPIView):
    serializer_class = SheetListSerializer

    def get_queryset(self):
        params = self.request.query_params
        level = params.get("participation_level")
        if level and level not in ParticipationLevel.values:
            raise ValidationError(
                {
                    "participation_level": [
                        _("Niveau de participation inconnu. Valeurs possibles : %(values)s.")
                        % {"values": ", ".join(ParticipationLevel.values)}
                    ]
                }
            )
        qs = sheet_list_visible(user=self.request.user).order_by("-updated", "-pk")
        stage = params.get("stage")
        return sheet_list_filter(
            qs,
            archived=ended_default(_archived_param(params.get("archived")), stage),
            workspace=params.get("workspace"),
            stage=stage,
            territory=params.get("territory"),
            theme=params.get("theme"),
            q=(params.get("q") or "").strip() or None,
            participation_level=level,
        )


class WorkspaceSheetCreate(PolicyAPIView):
    """Create a sheet in the workspace (contributors and up): stage initiative, version 1."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    policy = WORKSPACE_POLICY
    lookup_kwargs = {"slug": "slug"}
    method_actions = {"POST": "add_sheet"}

    def get_object_queryset(self):
        return workspace_queryset()

    @extend_schema(request=SheetWriteSerializer, responses={201: SheetDetailSerializer})
    def post(self, request, slug: str):
        workspace = self.get_object()
        data = SheetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = sheet_create(actor=request.user, workspace=workspace, **data.validated_data)
        return sheet_detail_response(request, sheet, status.HTTP_201_CREATED)


class SheetDetail(SheetAPIView):
    """A sheet's current content; editors update it into a new version."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    # Editors write whatever the stage: a closed sheet is the service's 409, not a 403.
    method_actions = {"PATCH": "edit_any_stage"}
    for_detail = True

    @extend_schema(responses=SheetDetailSerializer)
    def get(self, request, pk: int):
        sheet = self.get_object()
        return Response(SheetDetailSerializer(sheet, context={"request": request}).data)

    @extend_schema(request=SheetUpdateSerializer, responses=SheetDetailSerializer)
    def patch(self, request, pk: int):
        sheet = self.get_object()
        data = SheetUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = sheet_update(actor=request.user, sheet=sheet, **data.validated_data)
        return sheet_detail_response(request, sheet)
