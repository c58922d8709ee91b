"""A sheet's versions: list, one version, restore an old one, the diff between two."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

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
from .sheets import SheetAPIView, sheet_detail_response


class SheetVersionList(generics.ListAPIView):
    serializer_class = VersionListSerializer

    def get_queryset(self):
        sheet = sheet_get_visible(user=self.request.user, pk=self.kwargs["pk"], for_detail=False)
        return sheet_version_list(sheet=sheet)


class SheetVersionDetail(SheetAPIView):
    """The full content of one version of the sheet."""

    @extend_schema(responses=VersionDetailSerializer)
    def get(self, request, pk: int, number: int):
        version = sheet_version_get(sheet=self.get_object(), number=number)
        return Response(VersionDetailSerializer(version).data)


class SheetVersionRestore(SheetAPIView):
    """A new version with an old version's content (editors and up)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    method_actions = {"POST": "edit_any_stage"}

    @extend_schema(request=RestoreSerializer, responses={201: SheetDetailSerializer})
    def post(self, request, pk: int, number: int):
        # A version that does not exist is 404 for whoever sees the sheet, before any right.
        sheet = self.policy_object(self.policy, queryset=self.get_object_queryset(), pk=pk)
        sheet_version_get(sheet=sheet, number=number)
        self.check_object_permissions(request, sheet)
        data = RestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = sheet_version_restore(
            actor=request.user, sheet=sheet, number=number, **data.validated_data
        )
        return sheet_detail_response(request, sheet, status.HTTP_201_CREATED)


class SheetDiff(SheetAPIView):
    """Field-by-field differences between two versions of the sheet."""

    @extend_schema(
        parameters=[OpenApiParameter("from", int), OpenApiParameter("to", int)],
        responses=dict,
    )
    def get(self, request, pk: int):
        sheet = self.get_object()
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
