"""API of the territories (../shared/API.md, "Territories, archives, evaluation, widget"):
the tree, and one territory with what concerns it, each sheet with its scope."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from officials.api import OfficialSerializer

from .selectors import territory_get, territory_overview, territory_tree


class TerritorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    parent = serializers.SerializerMethodField()

    def get_parent(self, obj: Any) -> str | None:
        return obj.parent.slug if obj.parent_id else None


class ScopedSheetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    stage = serializers.CharField()
    workspace = serializers.CharField(source="workspace.slug")
    territory = serializers.CharField(source="territory.slug")
    scope = serializers.ChoiceField(choices=["here", "commune", "metropole"])
    opens = serializers.SerializerMethodField()
    closes = serializers.SerializerMethodField()
    participation_level = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_opens(self, obj: Any) -> str | None:
        return getattr(obj, "opens_on", None)

    def get_closes(self, obj: Any) -> str | None:
        return getattr(obj, "closes_on", None)

    def get_participation_level(self, obj: Any) -> str | None:
        return getattr(obj, "participation_level", None)

    def get_url(self, obj: Any) -> str:
        return obj.get_absolute_url()


class ScopedDebateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField()
    scope = serializers.CharField()
    closes_on = serializers.DateField(allow_null=True)
    comments = serializers.IntegerField(source="comments_count")
    url = serializers.SerializerMethodField()

    def get_url(self, obj: Any) -> str:
        return obj.get_absolute_url()


class ScopedOfficialSerializer(OfficialSerializer):
    scope = serializers.CharField()


class TerritoryDetailSerializer(TerritorySerializer):
    open_consultations = ScopedSheetSerializer(many=True)
    upcoming = ScopedSheetSerializer(many=True)
    recent_results = ScopedSheetSerializer(many=True)
    debates = ScopedDebateSerializer(many=True)
    officials = ScopedOfficialSerializer(many=True)


class TerritoryList(APIView):
    """Every territory: the metropole, its 33 communes, their quartiers (public data)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=TerritorySerializer(many=True))
    def get(self, request):
        return Response(TerritorySerializer(territory_tree(), many=True).data)


class TerritoryDetail(APIView):
    """One territory with the sheets the caller may see that concern it — its own (and a
    commune's quartiers'), its commune's, the whole Eurométropole's, each with its `scope` —
    its open debates, and the officials in charge with their response statistics."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: TerritoryDetailSerializer,
            404: inline_serializer("TerritoryNotFound", {"detail": serializers.CharField()}),
        }
    )
    def get(self, request, slug: str):
        territory = territory_get(slug=slug)
        overview = territory_overview(user=request.user, territory=territory)
        data = dict(TerritorySerializer(territory).data)
        stats = {p.pk: p.stats for p in overview["officials"]}
        for key in ("open_consultations", "upcoming", "recent_results"):
            data[key] = ScopedSheetSerializer(overview[key], many=True).data
        data["debates"] = ScopedDebateSerializer(overview["debates"], many=True).data
        data["officials"] = ScopedOfficialSerializer(
            overview["officials"], many=True, context={"stats": stats}
        ).data
        return Response(data)
