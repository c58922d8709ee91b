"""Sheets: the filtered list, creation in a workspace, the detail and its update."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from workspace.selectors import workspace_get_visible

from ..models import ProjectSheet, Stage
from ..permissions import (
    can_create_sheet,
    has_sheet_editor_role,
)
from ..selectors import (
    sheet_get_visible,
    sheet_list_filter,
    sheet_list_visible,
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


def sheet_detail_response(request, sheet: ProjectSheet, status_code: int = 200) -> Response:
    sheet = sheet_get_visible(user=request.user, pk=sheet.pk)
    return Response(
        SheetDetailSerializer(sheet, context={"request": request}).data, status=status_code
    )


@extend_schema(
    parameters=[
        OpenApiParameter("workspace", str),
        OpenApiParameter("stage", str, enum=Stage.values),
        OpenApiParameter("territory", str),
        OpenApiParameter("theme", str),
        OpenApiParameter("q", str),
    ]
)
class SheetList(generics.ListAPIView):
    serializer_class = SheetListSerializer

    def get_queryset(self):
        params = self.request.query_params
        qs = sheet_list_visible(user=self.request.user).order_by("-updated", "-pk")
        return sheet_list_filter(
            qs,
            workspace=params.get("workspace"),
            stage=params.get("stage"),
            territory=params.get("territory"),
            theme=params.get("theme"),
            q=(params.get("q") or "").strip() or None,
        )


class WorkspaceSheetCreate(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=SheetWriteSerializer, responses={201: SheetDetailSerializer})
    def post(self, request, slug: str):
        workspace = workspace_get_visible(user=request.user, slug=slug)
        if not can_create_sheet(request.user, workspace):
            raise PermissionDenied()
        data = SheetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = sheet_create(actor=request.user, workspace=workspace, **data.validated_data)
        return sheet_detail_response(request, sheet, status.HTTP_201_CREATED)


class SheetDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=SheetDetailSerializer)
    def get(self, request, pk: int):
        sheet = sheet_get_visible(user=request.user, pk=pk)
        return Response(SheetDetailSerializer(sheet, context={"request": request}).data)

    @extend_schema(request=SheetUpdateSerializer, responses=SheetDetailSerializer)
    def patch(self, request, pk: int):
        sheet = sheet_get_visible(user=request.user, pk=pk)
        if not has_sheet_editor_role(request.user, sheet):
            raise PermissionDenied()
        data = SheetUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields: dict[str, Any] = dict(data.validated_data)
        sheet = sheet_update(actor=request.user, sheet=sheet, **fields)
        return sheet_detail_response(request, sheet)
