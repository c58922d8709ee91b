"""A sheet's versions: list, one version, restore an old one, the diff between two."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import (
    has_sheet_editor_role,
)
from ..selectors import (
    sheet_get_visible,
    sheet_version_diff,
    sheet_version_get,
    sheet_version_list,
)
from ..services import (
    sheet_version_restore,
)
from .serializers import (
    RestoreSerializer,
    SheetDetailSerializer,
    VersionDetailSerializer,
    VersionListSerializer,
)
from .sheets import sheet_detail_response


class SheetVersionList(generics.ListAPIView):
    serializer_class = VersionListSerializer

    def get_queryset(self):
        sheet = sheet_get_visible(user=self.request.user, pk=self.kwargs["pk"], for_detail=False)
        return sheet_version_list(sheet=sheet)


class SheetVersionDetail(APIView):
    @extend_schema(responses=VersionDetailSerializer)
    def get(self, request, pk: int, number: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        version = sheet_version_get(sheet=sheet, number=number)
        return Response(VersionDetailSerializer(version).data)


class SheetVersionRestore(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=RestoreSerializer, responses={201: SheetDetailSerializer})
    def post(self, request, pk: int, number: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        sheet_version_get(sheet=sheet, number=number)
        if not has_sheet_editor_role(request.user, sheet):
            raise PermissionDenied()
        data = RestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = sheet_version_restore(
            actor=request.user, sheet=sheet, number=number, **data.validated_data
        )
        return sheet_detail_response(request, sheet, status.HTTP_201_CREATED)


class SheetDiff(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("from", int), OpenApiParameter("to", int)],
        responses=dict,
    )
    def get(self, request, pk: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        current = sheet.current_version.number
        try:
            to_number = int(request.query_params.get("to") or current)
            from_number = int(request.query_params.get("from") or max(to_number - 1, 1))
        except ValueError:
            raise APIValidationError({"from": ["Version numbers are integers."]}) from None
        old, new, fields = sheet_version_diff(
            sheet=sheet, from_number=from_number, to_number=to_number
        )
        return Response(
            {
                "from": old.number,
                "to": new.number,
                "fields": [f.as_dict() for f in fields],
                # Some field hit the diff's work cap and is shown deleted and inserted whole.
                "truncated": any(f.truncated for f in fields),
            }
        )
