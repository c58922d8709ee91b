"""API for workspaces and their members."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from accounts.api import PublicUserSerializer
from interface.api import PolicyAPIView
from territories.models import Territory

from .models import Membership, Role, Workspace
from .permissions import MEMBERSHIP_POLICY, WORKSPACE_POLICY
from .selectors import (
    membership_get,
    membership_list,
    workspace_list_visible,
    workspace_queryset,
)
from .services import (
    membership_change_role,
    membership_invite,
    membership_remove,
    workspace_create,
    workspace_update,
)


class WorkspaceSerializer(serializers.ModelSerializer):
    territory = serializers.SlugRelatedField(
        slug_field="slug", queryset=Territory.objects.all(), required=False, allow_null=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Workspace
        fields = [
            "slug",
            "name",
            "kind",
            "visibility",
            "territory",
            "description",
            "storage_quota",
            "created",
            "url",
        ]
        read_only_fields = ["slug", "storage_quota", "created", "url"]

    def get_url(self, obj: Workspace) -> str:
        return obj.get_absolute_url()


class MemberSerializer(serializers.ModelSerializer):
    user = PublicUserSerializer(read_only=True)
    user_id = serializers.IntegerField(source="user.id", read_only=True)
    email = serializers.EmailField(write_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["user_id", "user", "email", "role", "created"]
        read_only_fields = ["created"]


class InvitationSerializer(serializers.Serializer):
    """What adding a member answers, whoever the address belongs to: an invitation was sent."""

    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    state = serializers.CharField(read_only=True, default="invited")
    detail = serializers.CharField(read_only=True)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class WorkspaceListCreate(generics.ListCreateAPIView):
    serializer_class = WorkspaceSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        return workspace_list_visible(user=self.request.user).order_by("name")

    def perform_create(self, serializer):
        serializer.instance = workspace_create(actor=self.request.user, **serializer.validated_data)


class WorkspaceAPIView(PolicyAPIView):
    """An endpoint about one workspace (`slug` in the URL), loaded through its policy."""

    policy = WORKSPACE_POLICY
    lookup_kwargs = {"slug": "slug"}

    def get_object_queryset(self):
        return workspace_queryset()


class WorkspaceDetail(WorkspaceAPIView, generics.RetrieveUpdateAPIView):
    """A workspace; its owners update it."""

    serializer_class = WorkspaceSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]
    # get_object() refuses a PATCH before the body is read, so that a bad body tells an
    # outsider no more than 403.

    def perform_update(self, serializer):
        serializer.instance = workspace_update(
            actor=self.request.user, workspace=serializer.instance, **serializer.validated_data
        )


class MemberListCreate(WorkspaceAPIView, generics.ListCreateAPIView):
    """The workspace's members (for its members); owners invite someone by e-mail."""

    serializer_class = MemberSerializer
    permission_classes = [IsAuthenticated]
    method_actions = {"GET": "view_members", "HEAD": "view_members", "POST": "manage_members"}

    def get_queryset(self):
        return membership_list(workspace=self.get_object())

    @extend_schema(request=InvitationSerializer, responses={201: InvitationSerializer})
    def create(self, request, *args, **kwargs):
        workspace = self.get_object()
        serializer = InvitationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email, role = serializer.validated_data["email"], serializer.validated_data["role"]
        # One answer for every address (an account or not, a member or not): no account oracle.
        membership_invite(
            actor=request.user,
            workspace=workspace,
            email=email,
            role=role,
            base_url=request.build_absolute_uri("/"),
        )
        body = {
            "email": email,
            "role": role,
            "state": "invited",
            "detail": _("Invitation envoyée : la personne rejoindra l'espace en l'acceptant."),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class MemberDetail(PolicyAPIView):
    """One member: read (who sees the members), change the role (owners), remove (owners, or
    the member themselves, leaving)."""

    permission_classes = [IsAuthenticated]
    policy = MEMBERSHIP_POLICY

    def get_membership(self, request, slug: str, user_id: int) -> Membership:
        # Who may not see the member list learns nothing about who is in it: 403 before any 404.
        workspace = self.policy_object(WORKSPACE_POLICY, "view_members", slug=slug)
        return membership_get(workspace=workspace, user_id=user_id)

    def get_object(self) -> Membership:
        membership = self.get_membership(self.request, self.kwargs["slug"], self.kwargs["user_id"])
        self.check_object_permissions(self.request, membership)
        return membership

    @extend_schema(responses=MemberSerializer)
    def get(self, request, slug: str, user_id: int):
        return Response(MemberSerializer(self.get_object()).data)

    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    def patch(self, request, slug: str, user_id: int):
        membership = self.get_object()
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_change_role(
            actor=request.user, membership=membership, role=data.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, slug: str, user_id: int):
        membership_remove(actor=request.user, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
