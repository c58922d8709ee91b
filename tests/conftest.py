"""Shared fixtures: users of every platform and workspace role, API clients."""

import pytest
from rest_framework.test import APIClient

from accounts.models import PlatformRole
from workspace.models import Role, Workspace

from .factories import MembershipFactory, UserFactory, WorkspaceFactory

WORKSPACE_ROLES = ["owner", "editor", "contributor", "reader"]
ALL_ACTORS = ["anonymous", "outsider", "reader", "contributor", "editor", "owner", "staff"]


@pytest.fixture(autouse=True)
def _empty_cache_after_transactional_tests(request, django_db_blocker):
    """The cache is a database table (settings.CACHES) that a test's rollback empties but a
    transactional test's flush does not: empty it so that no count leaks into the next test."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture(autouse=True)
def _one_counting_window(monkeypatch):
    """The attempt counters count in fixed windows (`accounts.throttling.attempt_count`: a
    minute for a rate, an hour for meeting registrations, a quarter of an hour for a share
    link's passwords). A test whose tries straddled the end of a window saw its count start
    again half-way and its last try let through (CI, 2026-12-01 04:15 UTC:
    `test_share_link_attempts_limited_per_link` got 302 instead of 429). Each test counts in
    the window of the moment it started; the retry times and the sign-in lockout read the
    clock. A test about a window's end moves the stored windows itself."""
    from django.utils import timezone

    import accounts.throttling as throttling

    moment = timezone.now()
    counted = throttling.attempt_count

    def attempt_count(*, limit, ident, now=None):
        return counted(limit=limit, ident=ident, now=now or moment)

    monkeypatch.setattr(throttling, "attempt_count", attempt_count)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (French): a request in English activates English
    for the thread that served it, and a service's message read after it would be English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def make_workspace(db):
    """A workspace with one member per role, plus an outsider, a staff agent and an official."""

    def make(visibility: str = Workspace.Visibility.PUBLIC, kind: str = "citizen_group"):
        workspace = WorkspaceFactory(visibility=visibility, kind=kind)
        actors = {"anonymous": None, "outsider": UserFactory()}
        for role in WORKSPACE_ROLES:
            actors[role] = MembershipFactory(workspace=workspace, role=Role(role)).user
        actors["staff"] = UserFactory(platform_role=PlatformRole.STAFF)
        actors["official"] = UserFactory(platform_role=PlatformRole.OFFICIAL)
        if kind == Workspace.Kind.INSTITUTION:
            # The institution status counts only when staff granted it (workflow.permissions).
            from workspace.services import workspace_set_institution

            workspace = workspace_set_institution(
                actor=actors["staff"], workspace=workspace, granted=True
            )
        return workspace, actors

    return make


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def pytest_collection_modifyitems(items):
    """Transactional tests must restore the migrated data (communes, themes, groups, content
    types) they flush: a flush without it leaves the next transactional test an empty
    database and a content-type cache pointing at deleted rows."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: use @pytest.mark.django_db(transaction=True, serialized_rollback=True)"
            )
