"""API of amendment rounds, amendments, ballots and results (../shared/API.md, "Amendments and
majority judgment")."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import PublicUserSerializer
from accounts.permissions import is_mediator
from debates.api import AssistedSerializer
from interface.api import PolicyAPIView
from projects.diff import diff_texts
from projects.permissions import SHEET_POLICY
from projects.selectors import sheet_queryset

from .errors import AmendmentConflict, AmendmentForbidden, AmendmentNotFound
from .models import (
    MOTIVATION_MAX_CHARS,
    RATIONALE_MAX_CHARS,
    TEXT_MAX_CHARS,
    Amendment,
    AmendmentRound,
    Grade,
    PaperBallotEntry,
)
from .permissions import AMENDMENT_POLICY, ROUND_POLICY
from .selectors import (
    amendment_list,
    ballot_of,
    paper_ballot_counts_by_place,
    paper_ballots_waiting,
    round_candidates,
    round_judges,
    round_list,
    round_phase,
    round_results,
)
from .services import (
    amendment_accept,
    amendment_merge_preview,
    amendment_reject,
    amendment_submit,
    amendment_submit_assisted,
    amendment_withdraw,
    ballot_cast,
    field_text,
    paper_ballot_enter,
    paper_ballot_entry_withdraw,
    round_close,
    round_close_submissions,
    round_open,
    round_sync,
)


class RoundSerializer(serializers.ModelSerializer):
    sheet = serializers.IntegerField(source="sheet_id", read_only=True)
    state = serializers.SerializerMethodField(
        help_text="submission, judgment or closed, as the windows say now."
    )
    candidates = serializers.SerializerMethodField()
    grades = serializers.SerializerMethodField(help_text="The scale: 0 (à rejeter) … 6.")
    judges = serializers.SerializerMethodField()

    class Meta:
        model = AmendmentRound
        fields = [
            "id",
            "sheet",
            "state",
            "submission_ends",
            "judgment_ends",
            "min_grade",
            "quorum",
            "candidates",
            "grades",
            "judges",
            "created",
        ]
        read_only_fields = fields

    def get_state(self, obj: AmendmentRound) -> str:
        return round_phase(obj)

    def get_candidates(self, obj: AmendmentRound) -> list[dict[str, Any]]:
        return [
            {
                "id": c["id"],
                "field": c["field"],
                "amendment": c["amendment"].pk if c["amendment"] else None,
            }
            for c in round_candidates(obj)
        ]

    def get_grades(self, obj: AmendmentRound) -> list[dict[str, Any]]:
        return [{"value": value, "label": str(label)} for value, label in Grade.choices]

    def get_judges(self, obj: AmendmentRound) -> int:
        return round_judges(obj)


class RoundWriteSerializer(serializers.Serializer):
    submission_ends = serializers.DateTimeField()
    judgment_ends = serializers.DateTimeField()
    min_grade = serializers.IntegerField(min_value=0, max_value=6, default=3)
    quorum = serializers.IntegerField(min_value=1, max_value=10_000_000, default=1)


class AmendmentSerializer(serializers.ModelSerializer):
    base_version = serializers.IntegerField(source="base_version.number", read_only=True)
    author = PublicUserSerializer(read_only=True, allow_null=True)
    round = serializers.IntegerField(source="round_id", read_only=True)
    sheet = serializers.IntegerField(source="sheet_id", read_only=True)
    assisted = serializers.SerializerMethodField(
        help_text="Recorded by a mediator (the author) for a person without an account: their "
        "pseudonym or initials, the place and date of collection, and the marking shown with "
        "it; else null."
    )

    class Meta:
        model = Amendment
        fields = [
            "id",
            "sheet",
            "field",
            "base_version",
            "text",
            "rationale",
            "author",
            "state",
            "round",
            "created",
            "motivation",
            "assisted",
        ]
        read_only_fields = fields

    @extend_schema_field(AssistedSerializer(allow_null=True))
    def get_assisted(self, obj: Amendment) -> dict[str, Any] | None:
        return AssistedSerializer(obj).data if obj.is_assisted else None


class AmendmentDetailSerializer(AmendmentSerializer):
    diff = serializers.SerializerMethodField(
        help_text="Word by word against the field in its base version: "
        '[{"op": "equal" | "insert" | "delete", "text"}]'
    )
    diff_truncated = serializers.SerializerMethodField()

    class Meta(AmendmentSerializer.Meta):
        fields = [*AmendmentSerializer.Meta.fields, "diff", "diff_truncated"]
        read_only_fields = fields

    def _ops(self, obj: Amendment) -> tuple[list, bool]:
        cached = getattr(obj, "_diff_cache", None)
        if cached is None:
            cached = diff_texts(field_text(obj.base_version, obj.field), obj.text, "words")
            obj._diff_cache = cached
        return cached

    def get_diff(self, obj: Amendment) -> list[dict[str, str]]:
        return [{"op": op, "text": text} for op, text in self._ops(obj)[0]]

    def get_diff_truncated(self, obj: Amendment) -> bool:
        return self._ops(obj)[1]


class AmendmentWriteSerializer(serializers.Serializer):
    field = serializers.CharField(max_length=40)
    text = serializers.CharField(max_length=TEXT_MAX_CHARS, trim_whitespace=False)
    base_version = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    rationale = serializers.CharField(
        max_length=RATIONALE_MAX_CHARS, required=False, allow_blank=True, default=""
    )


class BallotSerializer(serializers.Serializer):
    grades = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=6))


class RejectSerializer(serializers.Serializer):
    motivation = serializers.CharField(max_length=MOTIVATION_MAX_CHARS)


class SheetRoundAPIView(PolicyAPIView):
    policy = SHEET_POLICY

    def get_object_queryset(self):
        return sheet_queryset()


class SheetRounds(SheetRoundAPIView):
    """GET: the sheet's rounds; POST: open one (staff or an official, in consultation)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    method_actions = {"POST": "open_round"}

    @extend_schema(responses=RoundSerializer(many=True))
    def get(self, request, pk: int):
        sheet = self.get_object()
        paginator = generics.GenericAPIView.pagination_class()
        page = paginator.paginate_queryset(round_list(user=request.user, sheet=sheet), request)
        return paginator.get_paginated_response(RoundSerializer(page, many=True).data)

    @extend_schema(request=RoundWriteSerializer, responses={201: RoundSerializer})
    def post(self, request, pk: int):
        sheet = self.get_object()
        data = RoundWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round_ = round_open(actor=request.user, sheet=sheet, **data.validated_data)
        return Response(RoundSerializer(round_).data, status=status.HTTP_201_CREATED)


class SheetAmendments(SheetRoundAPIView):
    """GET: the sheet's amendments; POST: propose one (signed in, in the submission window)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    method_actions = {"POST": "propose_amendment"}

    @extend_schema(responses=AmendmentSerializer(many=True))
    def get(self, request, pk: int):
        sheet = self.get_object()
        paginator = generics.GenericAPIView.pagination_class()
        page = paginator.paginate_queryset(amendment_list(user=request.user, sheet=sheet), request)
        return paginator.get_paginated_response(AmendmentSerializer(page, many=True).data)

    @extend_schema(request=AmendmentWriteSerializer, responses={201: AmendmentDetailSerializer})
    def post(self, request, pk: int):
        sheet = self.get_object()
        data = AmendmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = amendment_submit(actor=request.user, sheet=sheet, **data.validated_data)
        return Response(AmendmentDetailSerializer(amendment).data, status=status.HTTP_201_CREATED)


class AssistedAmendmentWriteSerializer(AmendmentWriteSerializer):
    pseudonym = serializers.CharField(
        max_length=200, help_text="The person's pseudonym or initials (40 characters at most)."
    )
    place = serializers.CharField(max_length=400, help_text="Where it was collected.")
    collected_on = serializers.DateField(help_text="The day it was collected (the past year).")
    consent = serializers.BooleanField(
        help_text="The person agrees to its publication under this pseudonym, marked « recueilli "
        "par un·e médiateur·rice »: must be true."
    )


class SheetAssistedAmendments(SheetRoundAPIView):
    """POST: a mediator (or staff) records the amendment of a person without an account, with
    their consent — shown under the pseudonym, marked « recueilli par un·e médiateur·rice à
    <lieu> le <date> » (`assisted`); in the submission window (409 otherwise)."""

    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "view"}

    @extend_schema(
        request=AssistedAmendmentWriteSerializer,
        responses={
            201: AmendmentDetailSerializer,
            400: OpenApiResponse(description="Invalid fields or no consent (French, by field)."),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="Not a mediator (nor staff)."),
            404: OpenApiResponse(description="No such sheet, or not visible to the caller."),
            409: OpenApiResponse(description="No submission window open on the sheet."),
        },
    )
    def post(self, request, pk: int):
        sheet = self.get_object()
        if not is_mediator(request.user):
            raise AmendmentForbidden(_("Seul·es les médiateur·rices recueillent des amendements."))
        data = AssistedAmendmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = amendment_submit_assisted(
            actor=request.user, sheet=sheet, **data.validated_data
        )
        return Response(AmendmentDetailSerializer(amendment).data, status=status.HTTP_201_CREATED)


class AmendmentAPIView(PolicyAPIView):
    policy = AMENDMENT_POLICY

    def get_object_queryset(self):
        return Amendment.objects.select_related(
            "sheet__workspace", "round", "base_version", "author"
        )


class AmendmentDetail(AmendmentAPIView):
    @extend_schema(responses=AmendmentDetailSerializer)
    def get(self, request, pk: int):
        return Response(AmendmentDetailSerializer(self.get_object()).data)


class AmendmentWithdraw(AmendmentAPIView):
    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "withdraw"}

    @extend_schema(request=None, responses=AmendmentSerializer)
    def post(self, request, pk: int):
        amendment = amendment_withdraw(actor=request.user, amendment=self.get_object())
        return Response(AmendmentSerializer(amendment).data)


class AmendmentMergePreview(AmendmentAPIView):
    """What accepting the amendment would write: the field now, the merged text, conflicts."""

    @extend_schema(responses={200: dict})
    def get(self, request, pk: int):
        amendment = self.get_object()
        preview = amendment_merge_preview(amendment=amendment)
        ops, truncated = diff_texts(preview["current"], preview["merged"], "words")
        preview["diff"] = [{"op": op, "text": text} for op, text in ops]
        preview["diff_truncated"] = truncated
        return Response(preview)


class AmendmentAccept(AmendmentAPIView):
    """Merge a retained amendment into the sheet (staff or the round's official)."""

    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "decide"}

    @extend_schema(request=None, responses={200: dict})
    def post(self, request, pk: int):
        amendment = amendment_accept(actor=request.user, amendment=self.get_object())
        return Response(
            {
                "id": amendment.pk,
                "state": amendment.state,
                "version": amendment.merged_version.number if amendment.merged_version else None,
            }
        )


class AmendmentReject(AmendmentAPIView):
    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "decide"}

    @extend_schema(request=RejectSerializer, responses=AmendmentSerializer)
    def post(self, request, pk: int):
        amendment = self.get_object()
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = amendment_reject(
            actor=request.user, amendment=amendment, motivation=data.validated_data["motivation"]
        )
        return Response(AmendmentSerializer(amendment).data)


class RoundAPIView(PolicyAPIView):
    policy = ROUND_POLICY

    def get_object_queryset(self):
        return AmendmentRound.objects.select_related("sheet__workspace")


class RoundDetail(RoundAPIView):
    @extend_schema(responses=RoundSerializer)
    def get(self, request, pk: int):
        return Response(RoundSerializer(self.get_object()).data)


class RoundCloseSubmissions(RoundAPIView):
    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "steer"}

    @extend_schema(request=None, responses=RoundSerializer)
    def post(self, request, pk: int):
        round_ = round_close_submissions(actor=request.user, round_=self.get_object())
        return Response(RoundSerializer(round_).data)


class RoundClose(RoundAPIView):
    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "steer"}

    @extend_schema(request=None, responses=RoundSerializer)
    def post(self, request, pk: int):
        round_ = round_close(actor=request.user, round_=self.get_object())
        return Response(RoundSerializer(round_).data)


class RoundBallot(RoundAPIView):
    """The caller's ballot: GET it; PUT grades for every candidate (complete or 400)."""

    permission_classes = [IsAuthenticated]
    method_actions = {"PUT": "judge"}

    @extend_schema(responses={200: dict})
    def get(self, request, pk: int):
        round_ = self.get_object()
        grades = ballot_of(user=request.user, round_=round_)
        return Response({"round": round_.pk, "grades": grades or {}, "cast": grades is not None})

    @extend_schema(request=BallotSerializer, responses={200: dict})
    def put(self, request, pk: int):
        round_ = self.get_object()
        data = BallotSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ballot_cast(actor=request.user, round_=round_, grades=data.validated_data["grades"])
        grades = ballot_of(user=request.user, round_=round_) or {}
        return Response({"round": round_.pk, "grades": grades, "cast": True})


class PaperBallotWriteSerializer(serializers.Serializer):
    identifier = serializers.CharField(
        max_length=200, help_text="The number written on the paper (case and spaces ignored)."
    )
    place = serializers.CharField(max_length=400, help_text="Where the person voted.")
    voted_on = serializers.DateField(help_text="The day the person voted, during the round.")
    voter_label = serializers.CharField(
        max_length=200, help_text="The person's pseudonym or initials (40 characters at most)."
    )
    grades = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        help_text='A grade 0…6 for every candidate of the round: {"<candidate id>": grade}.',
    )
    declared_no_online_ballot = serializers.BooleanField(
        help_text="The person declares they have no online ballot on this round and will not "
        "cast one: must be true."
    )


class PaperBallotEntrySerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="round_id", read_only=True)
    entered_by = PublicUserSerializer(read_only=True, allow_null=True)
    state = serializers.SerializerMethodField(
        help_text="waiting (typed once, waits for another mediator's typing), counted (two "
        "agreeing typings: one ballot in the tally) or withdrawn (found misread)."
    )

    class Meta:
        model = PaperBallotEntry
        fields = [
            "id",
            "round",
            "identifier",
            "place",
            "voted_on",
            "voter_label",
            "state",
            "entered_by",
            "entered_at",
        ]
        read_only_fields = fields

    def get_state(self, obj: PaperBallotEntry) -> str:
        if obj.ballot_id:
            return "counted"
        return "withdrawn" if obj.withdrawn_at else "waiting"


class PaperBallotsSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    waiting = PaperBallotEntrySerializer(
        many=True, help_text="Papers typed once, waiting for a second typing (never their grades)."
    )
    places = serializers.ListField(
        child=serializers.DictField(),
        help_text='Counted paper ballots per place, most first: [{"place", "count"}].',
    )


def _refuse_unless_mediator(request) -> None:
    if not is_mediator(request.user):
        raise AmendmentForbidden(_("Seul·es les médiateur·rices saisissent des bulletins papier."))


PAPER_ERRORS = {
    400: OpenApiResponse(description="Invalid or incomplete fields (French messages, by field)."),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="Not a mediator (nor staff)."),
    404: OpenApiResponse(description="No such round, or not visible to the caller."),
}


class RoundPaperBallots(RoundAPIView):
    """Paper ballots typed twice by two mediators (mediators and staff only). GET: the papers
    waiting for a second typing and the counts per place; POST: type one paper — the first
    typing waits (201, state waiting), an agreeing second typing by another mediator counts it
    (201, state counted); a disagreeing one is refused with the differences and stores nothing
    (409, code paper_ballot_mismatch); the same mediator twice, a number already counted or a
    round outside its judgment answer 409."""

    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "view"}

    @extend_schema(responses={200: PaperBallotsSerializer, **PAPER_ERRORS})
    def get(self, request, pk: int):
        round_ = self.get_object()
        _refuse_unless_mediator(request)
        return Response(
            {
                "round": round_.pk,
                "waiting": PaperBallotEntrySerializer(
                    paper_ballots_waiting(round_=round_), many=True
                ).data,
                "places": [
                    {"place": place, "count": count}
                    for place, count in paper_ballot_counts_by_place(round_=round_)
                ],
            }
        )

    @extend_schema(
        request=PaperBallotWriteSerializer,
        responses={
            201: PaperBallotEntrySerializer,
            **PAPER_ERRORS,
            409: OpenApiResponse(
                description="A second typing that disagrees with the first "
                '({"detail", "code": "paper_ballot_mismatch", "differences": [candidate ids, '
                '"lieu", "date"]}), the same mediator twice, a number already counted, or a '
                "round outside its judgment; nothing stored."
            ),
        },
    )
    def post(self, request, pk: int):
        round_ = self.get_object()
        _refuse_unless_mediator(request)
        data = PaperBallotWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = paper_ballot_enter(actor=request.user, round_=round_, **data.validated_data)
        return Response(PaperBallotEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class PaperBallotWithdraw(APIView):
    """A waiting typing found misread, withdrawn by its mediator or staff (kept in the trail);
    the paper can then be typed afresh. A counted one never is (409)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: PaperBallotEntrySerializer, **PAPER_ERRORS})
    def post(self, request, pk: int):
        entry = (
            PaperBallotEntry.objects.select_related("round__sheet__workspace", "entered_by")
            .filter(pk=pk)
            .first()
        )
        if entry is None:
            raise AmendmentNotFound(_("Saisie introuvable."))
        entry = paper_ballot_entry_withdraw(actor=request.user, entry=entry)
        return Response(PaperBallotEntrySerializer(entry).data)


class RoundResults(RoundAPIView):
    """409 until the round is closed; then every candidate's result, best first."""

    @extend_schema(responses={200: dict})
    def get(self, request, pk: int):
        round_ = self.get_object()
        if round_phase(round_) != AmendmentRound.State.CLOSED:
            raise AmendmentConflict(
                _("Les résultats sont publiés à la clôture du jugement, pas avant.")
            )
        if round_.state != AmendmentRound.State.CLOSED:
            round_ = round_sync(round_=round_)  # the window ended before the worker passed
        results = list(round_results(round_))
        judges = round_judges(round_)
        return Response(
            {
                "round": round_.pk,
                "judges": judges,
                "quorum": round_.quorum,
                "quorum_met": judges >= round_.quorum,
                "min_grade": round_.min_grade,
                "closed": serializers.DateTimeField().to_representation(round_.closed_at)
                if round_.closed_at
                else timezone.now().isoformat(),
                "results": [
                    {
                        "candidate": r.candidate,
                        "field": r.field,
                        "amendment": r.amendment_id,
                        "majority_grade": r.majority_grade,
                        "sign": r.sign,
                        "p": round(100 * r.p_numerator / r.judges, 1) if r.judges else 0.0,
                        "q": round(100 * r.q_numerator / r.judges, 1) if r.judges else 0.0,
                        "rank": r.rank,
                        "tied": r.tied,
                        "profile": r.profile,
                        "judges": r.judges,
                        "retained": r.retained,
                    }
                    for r in results
                ],
            }
        )


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "round": {"type": "integer"}},
        },
    }
)
class MergedAmendmentsField(serializers.Field):
    """The amendments a version merged (registered on the versions of projects' API from
    `AmendmentsConfig.ready`, with their prefetch): each version's history names its sources."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> list[dict[str, Any]]:
        return [
            {"id": a.pk, "round": a.round_id, "field": a.field, "author": a.author_id}
            for a in value.merged_amendments.all()
        ]
