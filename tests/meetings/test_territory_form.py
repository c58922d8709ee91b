"""Staff and officials announce a meeting of a territory without a sheet from the site
(`/reunions/nouvelle/territoire/<slug>/`), as `meeting_create` allows; anyone else is refused and
writes nothing, and does not see the link on the territory's page."""

from __future__ import annotations

import pytest

from accounts.models import PlatformRole
from meetings.models import Meeting
from portal.territory.views import territory_url
from territories.models import Territory
from tests.factories import UserFactory

from .test_forms import _form

pytestmark = pytest.mark.django_db

ALLOWED = {"staff", "official"}
ROLES = ["anonymous", "outsider", "owner", "editor", "reader", "moderator", "staff", "official"]
URL = "/reunions/nouvelle/territoire/{}/"


@pytest.fixture
def people(make_workspace):
    _workspace, actors = make_workspace()
    actors["moderator"] = UserFactory(platform_role=PlatformRole.MODERATOR)
    return actors


@pytest.fixture
def quartier():
    from territories.services import territory_create

    strasbourg = Territory.objects.get(slug="strasbourg")
    return territory_create(name="Quartier de test", kind="quartier", parent=strasbourg)


@pytest.mark.parametrize("who", ROLES)
def test_who_may_announce_a_territory_meeting(client, people, quartier, who):
    if people[who] is not None:
        client.force_login(people[who])
    url = URL.format(quartier.slug)
    page = client.get(territory_url(quartier)).content.decode()
    assert (url in page) == (who in ALLOWED)
    form = client.get(url)
    response = client.post(url, _form(title="Atelier du quartier"))
    if who in ALLOWED:
        assert form.status_code == 200
        assert quartier.name in form.content.decode()
        made = Meeting.objects.get()
        assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
        assert made.territory == quartier and made.sheet is None and made.step_free
        assert made.created_by == people[who]
        # It shows on the territory's page, to anyone.
        client.logout()
        assert "Atelier du quartier" in client.get(territory_url(quartier)).content.decode()
    else:
        assert form.status_code == 403 and response.status_code == 403
        assert not Meeting.objects.exists()


def test_a_commune_and_the_metropole_too(client, people):
    client.force_login(people["official"])
    for territory in Territory.objects.filter(kind__in=["commune", "metropole"])[:2]:
        assert client.post(URL.format(territory.slug), _form()).status_code == 302
        assert Meeting.objects.filter(territory=territory, sheet=None).exists()


def test_an_unknown_territory_is_a_404(client, people):
    client.force_login(people["staff"])
    assert client.get(URL.format("nulle-part")).status_code == 404
    assert client.post(URL.format("nulle-part"), _form()).status_code == 404


@pytest.mark.parametrize(
    "over",
    [
        {"title": ""},
        {"ends": "2020-01-01T10:00"},
        {"starts": "pas une date"},
        {"online_url": "http://example.org/visio"},
        {"title": "x" * 5000},
        {"place": "Salle\x00"},  # refused by the site's middleware before the form
    ],
)
def test_bad_input_is_the_form_s_errors_and_writes_nothing(client, people, quartier, over):
    client.force_login(people["staff"])
    response = client.post(URL.format(quartier.slug), _form(**over))
    assert response.status_code == 400
    if "\x00" not in "".join(over.values()):
        assert 'class="error-summary"' in response.content.decode()
    assert not Meeting.objects.exists()
