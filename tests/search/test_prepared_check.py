"""The prepared re-check of a search page says what the policies say (search.prepared), and a
rebuild's read-only instances prepare the entries the ORM's instances do.

The search service checks a page's hits with a query compiled once per process, the viewer's
workspaces and grants passed as parameters, instead of the policies' own filter built for each
request. On the random worlds of the policy agreement test (workspaces public or private,
members in every role, public and members-only sheets, framing notes drafted or published,
documents public, members-only, trashed or granted, debates on and off sheets, amendment rounds
with withdrawn amendments, officials, staff, moderators, a superuser, an account made inactive)
and for every indexed type and every user, the prepared check must keep exactly the rows the
policies' filter keeps, and load them as the policies' queryset does.
"""

from __future__ import annotations

import pytest
from haystack import connections

from search.prepared import (
    ANONYMOUS_VIEWER,
    SIGNED_IN,
    prepared,
    read_only_instances,
    search_viewer,
)
from tests.policies.test_policy_agreement import _world

pytestmark = pytest.mark.django_db

SEEDS = range(3)


def indexes() -> list:
    unified = connections["default"].get_unified_index()
    return [unified.get_index(model) for model in unified.get_indexed_models()]


def policy_rows(index, user) -> dict:
    """What the search service read before: the index's rows through the policies' filter."""
    queryset = index.results_queryset().filter(index.visible_q(user, None)).order_by()
    return {obj.pk: obj for obj in queryset}


def reference_url(obj) -> str:
    """A result's link as its model says it (the index reverses it from a cached template)."""
    from projects.models import FramingNote

    if isinstance(obj, FramingNote):
        return f"{obj.sheet.get_absolute_url()}#cadrage-{obj.pk}"
    return obj.get_absolute_url()


def shown(index, obj) -> tuple:
    """What a search result shows of a row."""
    workspace = index.result_workspace(obj)
    return (
        index.result_title(obj),
        index.result_url(obj),
        index.snippet_text(obj, "projet"),
        index.result_stage(obj),
        workspace.pk if workspace is not None else None,
        workspace.slug if workspace is not None else None,
        workspace.name if workspace is not None else None,
        index.result_modified(obj),
    )


def _grants(users) -> None:
    """Documents whose only way to some people is a personal grant (the random worlds may grant
    only to people who see the document anyway): members-only in a private workspace, public
    in a private one, members-only in a public one; one of each trashed after the grant."""
    from django.utils import timezone

    from documents.models import Document
    from documents.services.sharing import document_grant_view
    from tests.factories import DocumentFactory, MembershipFactory, WorkspaceFactory
    from workspace.models import Role

    people = [u for u in users if u is not None and u.is_active and not u.is_superuser]
    for visibility, workspace_visibility in (
        ("members", "private"),
        ("public", "private"),
        ("members", "public"),
    ):
        workspace = WorkspaceFactory(visibility=workspace_visibility)
        owner = MembershipFactory(workspace=workspace, role=Role.OWNER).user
        for trashed in (False, True):
            document = DocumentFactory(workspace=workspace, visibility=visibility, uploader=owner)
            for person in people[:3]:
                document_grant_view(actor=owner, document=document, user=person)
            if trashed:
                Document.objects.filter(pk=document.pk).update(trashed_at=timezone.now())


@pytest.mark.parametrize("seed", SEEDS)
def test_the_prepared_check_keeps_the_rows_the_policies_keep(seed):
    users = _world(seed)
    _grants(users)
    kinds = set()
    for index in indexes():
        model = index.get_model()
        every = list(model._default_manager.values_list("pk", flat=True))
        assert every, f"the world has no {model.__name__}"
        # A rebuild's chunks, read as read-only instances, prepare the same index entries.
        entries = [dict(index.full_prepare(obj)) for obj in index.index_queryset()]
        assert entries, f"nothing of {model.__name__} to index"
        fast = [
            dict(index.full_prepare(obj)) for obj in read_only_instances(index.index_queryset())
        ]
        assert fast == entries, model.__name__
        for user in users:
            viewer = search_viewer(user)
            expected = policy_rows(index, user)
            if viewer is None:  # a superuser: the policies' filter itself, never prepared
                assert user is not None and user.is_superuser
                continue
            kinds.add(viewer.kind)
            assert prepared(index, viewer.kind, rows=False) is not None
            label = f"{model.__name__} for {user} (seed {seed})"
            assert index.visible_pks(user=user, pks=every) == set(expected), label
            rows = index.visible_rows(user=user, pks=every)
            assert set(rows) == set(expected), label
            for pk, obj in rows.items():
                assert shown(index, obj) == shown(index, expected[pk]), label
                assert index.result_url(obj) == reference_url(obj), label
    assert kinds == {ANONYMOUS_VIEWER.kind, SIGNED_IN}


def test_a_superuser_and_filters_take_the_policies_filter(make_workspace):
    from tests.factories import UserFactory

    workspace, actors = make_workspace()
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert search_viewer(superuser) is None
    index = next(i for i in indexes() if i.type_name == "sheet")
    assert index._prepared(actors["reader"], {"stage": "idea"}, rows=True) is None
    assert index._prepared(actors["reader"], None, rows=True) is not None
    assert index._prepared(None, {}, rows=False) is not None


def test_the_links_of_results_are_the_same_in_every_language():
    """The index reverses each result's URL once per process, whatever the language."""
    from django.urls import reverse
    from django.utils import translation

    from search.search_indexes import ProjectSheetIndex

    names = {i.url_name for i in indexes() if i.url_name} | {ProjectSheetIndex.url_name}
    assert len(names) >= 4
    for name in names:
        arg = "une-fiche" if name == ProjectSheetIndex.url_name else 12
        urls = set()
        for language in ("fr", "en"):
            with translation.override(language):
                urls.add(reverse(name, args=[arg]))
        assert len(urls) == 1, urls


def _references(rows: dict) -> list:
    import weakref

    refs = []
    for obj in rows.values():
        refs.append(weakref.ref(obj))
        refs += [weakref.ref(r) for r in obj._state.fields_cache.values() if r is not None]
    return refs


def test_a_page_s_rows_are_freed_as_soon_as_the_page_is_done():
    """A search page's rows (and the workspaces, versions and revisions joined to them) are freed
    by reference counting when the request lets go of them: no reference cycle between a row and
    what it joins, which the garbage collector would have to find within the next requests (with
    the reverse cache Django fills for a one-to-one without a reverse accessor, two fifths of a
    search's garbage)."""
    import gc

    users = _world(0)
    member = next(u for u in users if u is not None and u.is_active and not u.is_superuser)
    checked = 0
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for index in indexes():
            every = list(index.get_model()._default_manager.values_list("pk", flat=True))
            for user in (None, member):
                refs = _references(index.visible_rows(user=user, pks=every))
                checked += len(refs)
                alive = [ref() for ref in refs if ref() is not None]
                assert not alive, f"{index.get_model().__name__}: {alive[:3]} kept by a cycle"
    finally:
        if enabled:
            gc.enable()
    assert checked
