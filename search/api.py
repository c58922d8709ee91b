"""API of the search app: GET /api/v1/search/?q= (anyone; results filtered by visibility)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import ISO_8601, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from projects.models import ParticipationLevel

from .services import RESULT_TYPES, search_query


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    type = serializers.ChoiceField(choices=RESULT_TYPES, required=False, allow_blank=True)
    stage = serializers.SlugField(required=False, allow_blank=True)
    participation_level = serializers.ChoiceField(
        choices=ParticipationLevel.values,
        required=False,
        allow_blank=True,
        help_text="The promised participation level of the sheet (of a note's, document's, "
        "debate's or amendment's sheet).",
    )
    territory = serializers.SlugField(required=False, allow_blank=True)
    theme = serializers.SlugField(required=False, allow_blank=True)
    workspace = serializers.SlugField(required=False, allow_blank=True)
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=RESULT_TYPES)
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    snippet = serializers.CharField(
        help_text="HTML: escaped plain text (Markdown rendered to its words), matched words "
        "in <mark>."
    )
    stage = serializers.CharField(
        allow_null=True, help_text="Stage of the sheet (sheets and framing notes), else null."
    )
    workspace = serializers.CharField(
        allow_null=True,
        help_text="Slug of the workspace; null when the caller may not see the workspace "
        "(a document shared with them personally).",
    )
    workspace_name = serializers.CharField(allow_null=True)
    modified = serializers.DateTimeField(
        allow_null=True,
        help_text="Last change: a sheet's last update, a framing note's publication, a "
        "document's last update.",
    )
    starts = serializers.DateTimeField(
        allow_null=True, help_text="A meeting's start (type meeting), else null."
    )
    place = serializers.CharField(
        allow_null=True, help_text="A meeting's place (type meeting), else null."
    )
    state = serializers.ChoiceField(
        choices=["scheduled", "cancelled", "held"],
        allow_null=True,
        help_text="A meeting's state (type meeting): a cancelled meeting stays findable, "
        "marked so; else null.",
    )
    kind = serializers.ChoiceField(
        choices=["public_meeting", "workshop"],
        allow_null=True,
        help_text="A meeting's kind (type meeting), else null.",
    )


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = SearchResultSerializer(many=True)
    index = serializers.ChoiceField(
        choices=["ok", "rebuilding", "missing", "unavailable"],
        help_text="State of the search index: anything but ok means results may be missing "
        "while it is rebuilt from the database.",
    )


# The API's date format, made once per time zone rather than per hit (a DRF field is costly to
# build, and one without a time zone of its own looks up the current one for every date).
_DATETIMES: dict[Any, serializers.DateTimeField] = {}


def _datetime_field() -> serializers.DateTimeField:
    zone = timezone.get_current_timezone()
    field = _DATETIMES.get(zone)
    if field is None:
        field = _DATETIMES[zone] = serializers.DateTimeField(default_timezone=zone)
    return field


def _dates() -> Any:
    """A hit's dates as the API's DRF `DateTimeField` gives them (ISO 8601 in the current time
    zone, "Z" for UTC): an aware date is converted here, in one step rather than the field's
    four (40 µs a page); anything else, an overflow included, goes through the field."""
    field = _datetime_field()
    zone = field.timezone
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    direct = output_format is not None and output_format.lower() == ISO_8601

    def represent(value: Any) -> Any:
        if value is None:
            return None
        if direct and value.utcoffset() is not None:
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:
                return field.to_representation(value)
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return field.to_representation(value)

    return represent


def _absolute_urls(request: Any) -> Any:
    """`request.build_absolute_uri` for the hits' links, with the scheme and host worked out
    once per page rather than once per hit (a tenth of an anonymous search's own time): a path
    of plain ASCII from the site's root is appended to them; anything else takes the full
    path."""
    root = request.build_absolute_uri("/")[:-1]

    def absolute(path: str) -> str:
        if (
            path.startswith("/")
            and not path.startswith("//")
            and path.isascii()
            and "/./" not in path
            and "/../" not in path
        ):
            return root + iri_to_uri(path)
        return request.build_absolute_uri(path)

    return absolute


class SearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SearchParamsSerializer],
        responses=SearchPageSerializer,
        description="Full-text search in French over the sheets, documents, framing notes, "
        "debates, amendments and meetings the caller may see.",
    )
    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page = search_query(
            user=request.user,
            q=data.get("q", ""),
            type=data.get("type") or None,
            stage=data.get("stage") or None,
            participation_level=data.get("participation_level") or None,
            territory=data.get("territory") or None,
            theme=data.get("theme") or None,
            workspace=data.get("workspace") or None,
            page=data.get("page", 1),
        )
        if page.page > 1 and page.page > page.num_pages:
            # Like every other list of the API: a page past the end is not found.
            raise NotFound(_("Invalid page."))  # DRF's own message and translations
        url = request.build_absolute_uri()
        date = _dates()
        absolute = _absolute_urls(request)
        next_url = replace_query_param(url, "page", page.page + 1) if page.has_next else None
        previous_url = None
        if page.has_previous:
            previous_url = (
                remove_query_param(url, "page")
                if page.page == 2
                else replace_query_param(url, "page", page.page - 1)
            )
        return Response(
            {
                "count": page.count,
                "next": next_url,
                "previous": previous_url,
                "index": page.index_state,
                "results": [
                    {
                        "type": hit.type,
                        "id": hit.id,
                        "title": hit.title,
                        "url": absolute(hit.url),
                        "snippet": hit.snippet,
                        "stage": hit.stage,
                        "workspace": hit.workspace,
                        "workspace_name": hit.workspace_name,
                        "modified": date(hit.modified),
                        "starts": date(hit.starts),
                        "place": hit.place,
                        "state": hit.state,
                        "kind": hit.kind,
                    }
                    for hit in page.results
                ],
            }
        )
