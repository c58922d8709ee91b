"""Accounts: a deactivated account stays deactivated whatever old link is used; sign-up,
password reset and adding a member never reveal whether an address has an account; the web
remove-member action answers like the API; workspaces per account and on the platform are
bounded."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import PlatformRole, User
from accounts.services import user_set_active
from tests.conftest import client_for
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from workspace.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Inès",
    "commune": "",
    "password1": "une phrase de passe solide",
    "password2": "une phrase de passe solide",
}
NEW_PASSWORD = "une toute nouvelle phrase"


def _link(pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+({pattern}\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def _normalise(html: str, *emails: str) -> str:
    for email in emails:
        html = html.replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# -- deactivated accounts and old links ---------------------------------------------------


@pytest.mark.parametrize("confirmed_first", [True, False], ids=["confirmed", "never_confirmed"])
def test_old_confirmation_link_never_reactivates_a_deactivated_account(
    client, django_capture_on_commit_callbacks, confirmed_first
):
    """GIVEN an account signed up (and confirmed, never signed in — or never confirmed)
    WHEN staff deactivate it and someone opens the original confirmation link
    THEN the link is refused and the account stays inactive."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {**SIGNUP, "email": "ines@example.org"})
    link = _link("/comptes/confirmer/")
    user = User.objects.get(email="ines@example.org")
    if confirmed_first:
        assert client.get(link).status_code == 302
        user.refresh_from_db()
        assert user.is_active and user.email_confirmed_at is not None
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    user_set_active(actor=staff, user=user, active=False)
    response = client.get(link)
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active
    assert not client.login(email="ines@example.org", password=SIGNUP["password1"])


def test_old_password_reset_link_is_dead_after_deactivation_even_after_reactivation(client):
    user = UserFactory(email="zoe@example.org")
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = _link("/comptes/mot-de-passe/")
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    user_set_active(actor=staff, user=user, active=False)
    for _round in range(2):
        response = client.get(link, follow=True)
        assert not response.context["validlink"]
        form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
        client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        user.refresh_from_db()
        assert not user.check_password(NEW_PASSWORD)
        # Staff reactivate: the link stays dead (the deactivation is part of its hash).
        user_set_active(actor=staff, user=user, active=True)
    assert user.check_password(PASSWORD)


# -- no account oracle --------------------------------------------------------------------


def test_signup_answers_the_same_for_a_new_and_an_existing_address(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="pris@example.org")
    pages = {}
    for email in ("pris@example.org", "libre@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": email})
        pages[email] = (response.status_code, _normalise(response.content.decode(), email))
    assert pages["pris@example.org"] == pages["libre@example.org"]
    assert User.objects.filter(email="pris@example.org").count() == 1
    # Each address got one e-mail: the existing owner a notice, the newcomer a link.
    assert sorted(m.to[0] for m in mail.outbox) == ["libre@example.org", "pris@example.org"]
    notice = next(m for m in mail.outbox if m.to == ["pris@example.org"])
    assert "/comptes/confirmer/" not in notice.body
    assert "/comptes/mot-de-passe/" in notice.body


def test_password_reset_answers_the_same_and_mails_both(client):
    UserFactory(email="pris@example.org")
    answers = {}
    for email in ("pris@example.org", "libre@example.org"):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        answers[email] = (response.status_code, response.get("Location"))
    assert answers["pris@example.org"] == answers["libre@example.org"]
    assert [m.to for m in mail.outbox] == [["pris@example.org"], ["libre@example.org"]]
    assert "/comptes/mot-de-passe/" in mail.outbox[0].body
    assert "/comptes/inscription/" in mail.outbox[1].body


def test_adding_a_member_answers_the_same_for_any_address(
    make_workspace, django_capture_on_commit_callbacks
):
    workspace, actors = make_workspace(visibility="private")
    known, member = UserFactory(email="connu@example.org"), actors["reader"]
    client = client_for(actors["owner"])
    url = f"/api/v1/workspaces/{workspace.slug}/members/"
    before = list(Membership.objects.order_by("pk").values_list("user_id", "role"))
    answers = {}
    for email in (known.email, "inconnu@example.org", member.email):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": email, "role": "editor"}, format="json")
        body = {k: v for k, v in response.json().items() if k != "email"}
        answers[email] = (response.status_code, body)
    assert len({repr(answer) for answer in answers.values()}) == 1
    assert answers[known.email][0] == 201
    # Nobody joins without accepting, and every address got the same invitation.
    assert list(Membership.objects.order_by("pk").values_list("user_id", "role")) == before
    assert sorted(m.to[0] for m in mail.outbox) == sorted(answers)


def test_web_member_add_answers_the_same_for_any_address(
    client, make_workspace, django_capture_on_commit_callbacks
):
    workspace, actors = make_workspace()
    UserFactory(email="connu@example.org")
    client.force_login(actors["owner"])
    answers = {}
    for email in ("connu@example.org", "inconnu@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("workspace:members", args=[workspace.slug]),
                {"email": email, "role": "reader"},
                follow=True,
            )
        answers[email] = (response.status_code, _normalise(response.content.decode(), email))
    assert answers["connu@example.org"] == answers["inconnu@example.org"]


def test_invitation_is_accepted_only_by_the_invited_address(
    client, make_workspace, django_capture_on_commit_callbacks
):
    workspace, actors = make_workspace(visibility="private")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(actors["owner"]).post(
            f"/api/v1/workspaces/{workspace.slug}/members/",
            {"email": "Nouvelle@Example.org", "role": "editor"},
            format="json",
        )
    link = _link("/espaces/invitation/")
    # Someone else holding the link: refused, nothing changes.
    client.force_login(actors["outsider"])
    assert client.post(link).status_code == 400
    assert not Membership.objects.filter(workspace=workspace, user=actors["outsider"]).exists()
    # A tampered link: refused.
    assert client.get(link[:-5] + "xxxx/").status_code == 400
    # The invited address, with an account made after the invitation: joins with the role.
    newcomer = UserFactory(email="nouvelle@example.org")
    client.force_login(newcomer)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert Membership.objects.get(workspace=workspace, user=newcomer).role == Role.EDITOR
    # Once the inviter no longer manages members, their pending invitations die.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(actors["owner"]).post(
            f"/api/v1/workspaces/{workspace.slug}/members/",
            {"email": "autre@example.org", "role": "owner"},
            format="json",
        )
    late_link = _link("/espaces/invitation/")
    Membership.objects.filter(workspace=workspace, user=actors["owner"]).update(role="reader")
    client.force_login(UserFactory(email="autre@example.org"))
    assert client.post(late_link).status_code == 400
    assert workspace.memberships.filter(role="owner").count() == 0


# -- remove member: the web answers like the API ------------------------------------------

WEB_TO_API = {302: 204}


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("actor", ["outsider", "reader", "owner", "staff"])
@pytest.mark.parametrize("target", ["member", "non_member", "no_such_user"])
def test_web_remove_member_answers_like_the_api(make_workspace, client, actor, target, visibility):
    """No 403/404 oracle: whoever may not see the member list gets the same answer whether
    the user id is a member, another account or nobody — on the web as in the API."""
    statuses = {}
    for channel in ("api", "web"):
        workspace, actors = make_workspace(visibility=visibility)
        user_id = {
            "member": MembershipFactory(workspace=workspace, role=Role.READER).user_id,
            "non_member": UserFactory().pk,
            "no_such_user": 999_999_999,
        }[target]
        before = list(Membership.objects.order_by("pk").values_list("pk", "role"))
        if channel == "api":
            response = client_for(actors[actor]).delete(
                f"/api/v1/workspaces/{workspace.slug}/members/{user_id}/"
            )
            statuses[channel] = response.status_code
        else:
            client.force_login(actors[actor])
            response = client.post(  # confirmed: the page asks first (issue 11, item 6)
                reverse("workspace:member_remove", args=[workspace.slug, user_id]),
                {"confirmed": "1"},
            )
            statuses[channel] = WEB_TO_API.get(response.status_code, response.status_code)
        if statuses[channel] >= 400:
            assert list(Membership.objects.order_by("pk").values_list("pk", "role")) == before
    assert statuses["web"] == statuses["api"]


@pytest.mark.parametrize("actor", ["outsider", "reader", "owner"])
@pytest.mark.parametrize("target", ["member", "non_member"])
def test_web_change_role_answers_like_the_api(make_workspace, client, actor, target):
    statuses = {}
    for channel in ("api", "web"):
        workspace, actors = make_workspace()
        user_id = {
            "member": MembershipFactory(workspace=workspace, role=Role.READER).user_id,
            "non_member": UserFactory().pk,
        }[target]
        if channel == "api":
            statuses[channel] = (
                client_for(actors[actor])
                .patch(
                    f"/api/v1/workspaces/{workspace.slug}/members/{user_id}/",
                    {"role": "editor"},
                    format="json",
                )
                .status_code
            )
        else:
            client.force_login(actors[actor])
            response = client.post(
                reverse("workspace:member_role", args=[workspace.slug, user_id]),
                {f"m{user_id}-role": "editor"},
            )
            statuses[channel] = {302: 200}.get(response.status_code, response.status_code)
    assert statuses["web"] == statuses["api"]


# -- workspace quotas -----------------------------------------------------------------------


@override_settings(FABRIQUE_MAX_WORKSPACES_PER_USER=3)
def test_an_account_creates_at_most_n_workspaces(client):
    citizen = UserFactory()
    api = client_for(citizen)
    for n in range(3):
        response = api.post(
            "/api/v1/workspaces/", {"name": f"Espace {n}", "kind": "citizen_group"}, format="json"
        )
        assert response.status_code == 201
    response = api.post(
        "/api/v1/workspaces/", {"name": "Un de trop", "kind": "citizen_group"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "workspace_limit"
    assert "maximum" in response.json()["detail"]
    client.force_login(citizen)
    response = client.post(
        reverse("workspace:create"),
        {"name": "Un de trop", "kind": "citizen_group", "visibility": "public"},
    )
    assert response.status_code == 200
    assert "maximum" in response.content.decode()
    assert Workspace.objects.filter(created_by=citizen).count() == 3
    # Staff open workspaces for services: not bound by the per-account limit.
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    for n in range(4):
        response = client_for(staff).post(
            "/api/v1/workspaces/", {"name": f"Service {n}", "kind": "citizen_group"}, format="json"
        )
        assert response.status_code == 201


def test_the_platform_total_is_bounded_for_everyone(settings):
    UserFactory()
    citizen, staff = UserFactory(), UserFactory(platform_role=PlatformRole.STAFF)
    client_for(citizen).post("/api/v1/workspaces/", {"name": "Un", "kind": "citizen_group"})
    settings.FABRIQUE_MAX_WORKSPACES_TOTAL = Workspace.objects.count()
    for user in (citizen, staff):
        response = client_for(user).post(
            "/api/v1/workspaces/", {"name": "Deux", "kind": "citizen_group"}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "workspace_limit"
    assert Workspace.objects.count() == settings.FABRIQUE_MAX_WORKSPACES_TOTAL


@override_settings(FABRIQUE_MAILS_PER_ADDRESS_PER_HOUR=3)
@pytest.mark.parametrize("known", [True, False])
def test_the_forms_cannot_flood_a_mailbox(client, known, django_capture_on_commit_callbacks):
    """GIVEN a victim's address WHEN someone asks again and again for a password reset and
    signs up with it THEN the victim gets at most the hourly cap of e-mails, and the page
    answers the same every time (the cap says nothing about the account either)."""
    victim = "victime@example.org"
    if known:
        UserFactory(email=victim)
    answers = set()
    for _n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:password_reset"), {"email": victim})
        answers.add((response.status_code, response.get("Location")))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:signup"), {**SIGNUP, "email": victim})
    assert len(answers) == 1
    assert len([m for m in mail.outbox if m.to == [victim]]) == 3


@override_settings(FABRIQUE_INVITATIONS_PER_USER_PER_DAY=2)
def test_an_owner_sends_a_bounded_number_of_invitations_a_day(
    client, make_workspace, django_capture_on_commit_callbacks
):
    workspace, actors = make_workspace()
    api = client_for(actors["owner"])
    url = f"/api/v1/workspaces/{workspace.slug}/members/"
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(url, {"email": f"p{n}@example.org", "role": "reader"})
        assert response.status_code == 201
    response = api.post(url, {"email": "p3@example.org", "role": "reader"})
    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and "invitations" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    client.force_login(actors["owner"])
    page = client.post(
        reverse("workspace:members", args=[workspace.slug]),
        {"email": "p4@example.org", "role": "reader"},
    )
    assert page.status_code == 429 and "invitations" in page.content.decode()
    assert [m.to for m in mail.outbox] == [["p0@example.org"], ["p1@example.org"]]
    # Another owner is not held back by this one's sending.
    other = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    assert (
        client_for(other).post(url, {"email": "p5@example.org", "role": "reader"}).status_code
        == 201
    )
