"""A sheet's readable address, /fiches/<slug>/: the canonical one (get_absolute_url), while
/fiches/<id>/ keeps serving the page and names the slug address as canonical. Slugs are unique
on the platform and never only digits, so the two patterns never meet."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from projects.models import ProjectSheet
from projects.services import sheet_create
from workspace.models import Workspace

from ..factories import UserFactory
from .factories import make_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(make_workspace):
    workspace, actors = make_workspace()
    return make_sheet(workspace, actors["contributor"], title="Piste cyclable rue du Jura")


def test_the_slug_address_is_the_canonical_one(sheet):
    assert sheet.slug == "piste-cyclable-rue-du-jura"
    assert sheet.get_absolute_url() == "/fiches/piste-cyclable-rue-du-jura/"


def test_both_addresses_serve_the_page_and_name_the_slug_one_canonical(sheet):
    canonical = '<http://testserver/fiches/piste-cyclable-rue-du-jura/>; rel="canonical"'
    for path in (f"/fiches/{sheet.pk}/", "/fiches/piste-cyclable-rue-du-jura/"):
        response = Client().get(path)
        assert response.status_code == 200, path
        assert "Piste cyclable rue du Jura" in response.content.decode()
        assert response["Link"] == canonical


def test_an_unknown_slug_is_404():
    assert Client().get("/fiches/rien-de-tel/").status_code == 404


def test_private_sheet_answers_the_same_404_by_slug_and_by_id(make_workspace):
    workspace, actors = make_workspace(visibility=Workspace.Visibility.PRIVATE)
    hidden = make_sheet(workspace, actors["contributor"], title="Projet discret")
    outsider = Client()
    outsider.force_login(UserFactory())
    by_slug = outsider.get(f"/fiches/{hidden.slug}/")
    by_id = outsider.get(f"/fiches/{hidden.pk}/")
    unknown = outsider.get("/fiches/projet-inexistant/")
    assert by_slug.status_code == by_id.status_code == unknown.status_code == 404

    # The same page but for the address itself (the language switch returns to it) and the
    # CSRF token, which is masked anew on every page.
    def page(response, path: str) -> str:
        html = response.content.decode().replace(path, "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert page(by_slug, hidden.slug) == page(unknown, "projet-inexistant")
    assert "Link" not in by_slug and "Link" not in by_id
    member = Client()
    member.force_login(actors["reader"])
    assert member.get(f"/fiches/{hidden.slug}/").status_code == 200


def test_a_number_title_gets_a_slug_that_is_not_a_number(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"], title="2030")
    assert sheet.slug == "fiche-2030"
    assert Client().get("/fiches/fiche-2030/").status_code == 200


def test_an_explicit_number_slug_is_refused(make_workspace):
    workspace, actors = make_workspace()
    with pytest.raises(ValidationError) as error:
        sheet_create(
            actor=actors["contributor"], workspace=workspace, title="X", summary="y", slug="123"
        )
    assert "slug" in error.value.message_dict
    assert not ProjectSheet.objects.filter(slug="123").exists()


def test_slugs_are_unique_on_the_platform(make_workspace):
    first, first_actors = make_workspace()
    second, second_actors = make_workspace()
    a = make_sheet(first, first_actors["contributor"], title="Même titre")
    b = make_sheet(second, second_actors["contributor"], title="Même titre")
    assert (a.slug, b.slug) == ("meme-titre", "meme-titre-2")
    assert Client().get("/fiches/meme-titre-2/").content.decode().count("Même titre") >= 1


@pytest.mark.parametrize(
    ("path", "status"),
    [("/fiches/", 200), ("/fiches/espace/nulle-part/", 404), ("/fiches/espace/", 404)],
)
def test_fixed_paths_are_not_taken_for_slugs(path, status):
    assert Client().get(path).status_code == status
