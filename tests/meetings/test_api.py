"""The meetings' API contract, the visibility matrix of pages and API, iCalendar parsed back,
hostile input."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from meetings.models import Meeting, Registration
from meetings.services import meeting_cancel, registration_create
from territories.models import Territory
from tests.conftest import client_for
from tests.factories import SheetFactory, UserFactory

from .factories import meeting, staff

pytestmark = pytest.mark.django_db

FIELDS = {
    "id",
    "title",
    "kind",
    "starts",
    "ends",
    "place",
    "address",
    "accessibility",
    "capacity",
    "registered",
    "sheet",
    "territory",
}


@pytest.fixture
def world(make_workspace):
    public_ws, actors = make_workspace()
    private_ws, private_actors = make_workspace(visibility="private")
    public_sheet = SheetFactory(workspace=public_ws, author=actors["owner"], is_public=True)
    private_sheet = SheetFactory(workspace=private_ws, author=private_actors["owner"])
    return {
        "actors": actors,
        "private_actors": private_actors,
        "public": meeting(sheet=public_sheet, capacity=3, title="Réunion ouverte"),
        "private": meeting(
            sheet=private_sheet, actor=private_actors["owner"], title="Réunion d'un espace privé"
        ),
        "public_sheet": public_sheet,
        "private_sheet": private_sheet,
    }


def _payload(**over):
    starts = timezone.now() + datetime.timedelta(days=3)
    body = {
        "kind": "workshop",
        "title": "Atelier du parc",
        "starts": starts.isoformat(),
        "ends": (starts + datetime.timedelta(hours=2)).isoformat(),
        "place": "Maison de quartier",
        "address": "2 rue du Parc",
        "accessibility": {
            "step_free": True,
            "hearing_loop": False,
            "sign_language": True,
            "accessible_toilets": True,
            "notes": "Entrée côté cour.",
        },
        "capacity": 20,
    }
    body.update(over)
    return body


def test_the_list_has_the_documented_fields_and_counts_only(world):
    registration_create(actor=UserFactory(), meeting=world["public"])
    body = client_for(None).get("/api/v1/meetings/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["title"] for r in rows] == ["Réunion ouverte"]
    row = rows[0]
    assert set(row) >= FIELDS
    assert row["registered"] == 1 and row["capacity"] == 3
    assert row["kind"] == "public_meeting" and row["sheet"] == world["public_sheet"].pk
    assert "name" not in str(row["accessibility"]) and "@" not in str(row)


@pytest.mark.parametrize(
    ("who", "sees_private"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("staff", False),
        ("official", False),
        ("reader", True),
        ("editor", True),
    ],
)
def test_visibility_matrix_for_list_page_ical_and_registration(world, who, sees_private):
    user = world["private_actors"][who]
    api = client_for(user)
    body = api.get("/api/v1/meetings/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert (world["private"].pk in {r["id"] for r in rows}) is sees_private
    pk = world["private"].pk
    expected = 200 if sees_private else 404
    assert api.get(f"/api/v1/meetings/{pk}/ical/").status_code == expected
    page = Client()
    if user is not None:
        page.force_login(user)
    assert page.get(f"/reunions/{pk}/").status_code == expected
    assert page.get(f"/reunions/{pk}/inscrits/").status_code == (
        403 if sees_private and who != "editor" else (200 if sees_private else 404)
    )
    if not sees_private:
        data = {"name": "Ana", "email": "ana@example.org"}
        assert api.post(f"/api/v1/meetings/{pk}/registrations/", data).status_code == 404
        assert not Registration.objects.filter(meeting_id=pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 403),
        ("outsider", 403),
        ("reader", 403),
        ("contributor", 403),
        ("editor", 201),
        ("owner", 201),
        ("staff", 201),
        ("official", 201),
    ],
)
def test_who_may_create_a_meeting_of_a_sheet(world, who, status):
    user = world["actors"][who]
    response = client_for(user).post(
        f"/api/v1/sheets/{world['public_sheet'].pk}/meetings/", _payload(), format="json"
    )
    assert response.status_code in ((401, 403) if status == 403 else (status,)), response.content
    if status == 201:
        body = response.json()
        assert set(body) >= FIELDS
        assert body["accessibility"]["sign_language"] is True
        assert body["registered"] == 0 and body["kind"] == "workshop"


def test_an_invisible_sheet_answers_404(world):
    url = f"/api/v1/sheets/{world['private_sheet'].pk}/meetings/"
    assert (
        client_for(world["actors"]["staff"]).post(url, _payload(), format="json").status_code == 404
    )
    assert (
        client_for(world["actors"]["owner"])
        .post("/api/v1/sheets/999999/meetings/", _payload(), format="json")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    "over",
    [
        {"title": "x" * 5000},
        {"title": "a\x00b"},
        {"starts": "demain"},
        {"ends": "2020-13-45T99:00:00Z"},
        {"ends": (timezone.now() + datetime.timedelta(days=2)).isoformat()},
        {"online_url": "http://insecure.example.org/"},
        {"online_url": "javascript:alert(1)"},
        {"capacity": -3},
        {"kind": "party"},
        {"accessibility": "oui"},
    ],
)
def test_hostile_creation_is_a_400(world, over):
    response = client_for(world["actors"]["owner"]).post(
        f"/api/v1/sheets/{world['public_sheet'].pk}/meetings/", _payload(**over), format="json"
    )
    assert response.status_code == 400, response.content
    assert Meeting.objects.count() == 2


def test_registration_api_states_and_409_twice(world):
    user = UserFactory()
    url = f"/api/v1/meetings/{world['public'].pk}/registrations/"
    first = client_for(user).post(url, {}, format="json")
    assert first.status_code == 201 and first.json()["state"] == "registered"
    assert client_for(user).post(url, {}, format="json").status_code == 409
    anonymous = client_for(None)
    for n in range(4):  # 3 seats: registrations without an account hold none until confirmed
        r = anonymous.post(url, {"name": f"P{n}", "email": f"p{n}@example.org"}, format="json")
        assert r.status_code == 201
        # The contract's states (registered or waiting): what confirming now would give.
        assert r.json() == {"state": "registered", "confirmed": False, "holds_seat": False}
    again = anonymous.post(url, {"name": "P0", "email": "p0@example.org"}, format="json")
    assert again.status_code == 409
    for _ in range(2):
        seat = client_for(UserFactory()).post(url, {}, format="json").json()
        assert seat == {"state": "registered", "confirmed": True, "holds_seat": True}
    full = client_for(UserFactory()).post(url, {}, format="json").json()
    assert full == {"state": "waiting", "confirmed": True, "holds_seat": False}
    late = anonymous.post(url, {"name": "P9", "email": "p9@example.org"}, format="json").json()
    assert late == {"state": "waiting", "confirmed": False, "holds_seat": False}
    body = client_for(None).get(f"/api/v1/meetings/?sheet={world['public_sheet'].pk}").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [m["registered"] for m in rows] == [3]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "Ana"},
        {"email": "ana@example.org"},
        {"name": "x" * 500, "email": "a@b.org"},
        {"name": "Ana", "email": "a\x00@b.org"},
        {"name": "Ana", "email": "pas une adresse"},
    ],
)
def test_hostile_anonymous_registration_is_a_400(world, data):
    url = f"/api/v1/meetings/{world['public'].pk}/registrations/"
    assert client_for(None).post(url, data, format="json").status_code == 400
    assert not Registration.objects.exists()


def test_filters_sheet_territory_with_its_quartiers_and_upcoming(world):
    strasbourg = Territory.objects.get(slug="strasbourg")
    quartier = Territory.objects.filter(parent=strasbourg, kind="quartier").first()
    if quartier is None:
        from territories.services import territory_create

        quartier = territory_create(name="Neudorf test", kind="quartier", parent=strasbourg)
    in_quartier = meeting(territory=quartier, title="Atelier du quartier")
    elsewhere = meeting(
        territory=Territory.objects.exclude(pk=strasbourg.pk).filter(kind="commune").first()
    )
    cancelled = meeting(territory=strasbourg, title="Annulée")
    meeting_cancel(actor=staff(), meeting=cancelled)
    api = client_for(None)

    def ids(query):
        body = api.get(f"/api/v1/meetings/?{query}").json()
        return {r["id"] for r in (body["results"] if isinstance(body, dict) else body)}

    assert ids("territory=strasbourg") >= {in_quartier.pk, cancelled.pk}
    assert elsewhere.pk not in ids("territory=strasbourg")
    assert cancelled.pk not in ids("territory=strasbourg&upcoming=1")
    assert ids(f"sheet={world['public_sheet'].pk}") == {world["public"].pk}
    assert ids(f"sheet={world['private_sheet'].pk}") == set()
    assert api.get("/api/v1/meetings/?sheet=abc").status_code == 400
    assert api.get("/api/v1/meetings/?territory=nulle-part").status_code == 400
    assert api.get("/api/v1/meetings/?territory=" + "x" * 5000).status_code == 400


def _unfold(text: str) -> list[str]:
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    return text.replace("\r\n ", "").split("\r\n")


def test_ical_parses_back(world):
    m = meeting(
        territory=Territory.objects.get(slug="strasbourg"),
        title="Atelier ; mobilité, vélo \\ piétons — un titre long " + "é" * 40,
        description="Ligne 1\nLigne 2",
    )
    response = client_for(None).get(f"/api/v1/meetings/{m.pk}/ical/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    lines = _unfold(response.content.decode())
    props = dict(line.split(":", 1) for line in lines if line)
    assert props["BEGIN"] in ("VCALENDAR", "VEVENT")
    assert props["UID"].startswith(f"meeting-{m.pk}@")
    assert props["DTSTART"] == m.starts.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert props["DTEND"] == m.ends.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert (
        props["SUMMARY"] == "Atelier \\; mobilité\\, vélo \\\\ piétons — un titre long " + "é" * 40
    )
    assert props["DESCRIPTION"] == "Ligne 1\\nLigne 2"
    assert props["LOCATION"].startswith("Salle des fêtes\\, 1 place")
    assert props["URL"].endswith(f"/reunions/{m.pk}/")
    assert props["STATUS"] == "CONFIRMED" and "DTSTAMP" in props
    meeting_cancel(actor=staff(), meeting=m)
    cancelled = _unfold(client_for(None).get(f"/api/v1/meetings/{m.pk}/ical/").content.decode())
    assert "STATUS:CANCELLED" in cancelled


def test_the_api_is_in_the_openapi_schema(tmp_path):
    import yaml
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    assert "get" in paths["/api/v1/meetings/"]
    assert "post" in paths["/api/v1/sheets/{id}/meetings/"]
    assert "201" in paths["/api/v1/meetings/{id}/registrations/"]["post"]["responses"]
    ical = paths["/api/v1/meetings/{id}/ical/"]["get"]["responses"]["200"]
    assert "text/calendar" in ical["content"]


@pytest.mark.django_db
def test_one_client_cannot_fill_meetings_with_made_up_addresses(world, settings):
    """Registrations without an account (each an e-mail and a row, though no seat until
    confirmed): one client address gets a few per hour, then a 429 (API) or the form's error
    (page), and nothing is created."""
    settings.FABRIQUE_MEETING_REGISTRATIONS_PER_CLIENT_PER_HOUR = 3
    url = f"/api/v1/meetings/{world['public'].pk}/registrations/"
    anonymous = client_for(None)
    for n in range(3):
        body = {"name": f"P{n}", "email": f"p{n}@example.org"}
        assert anonymous.post(url, body, format="json").status_code == 201
    refused = anonymous.post(url, {"name": "X", "email": "x@example.org"}, format="json")
    assert refused.status_code == 429
    page = Client().post(
        world["public"].get_absolute_url(), {"name": "Y", "email": "y@example.org"}
    )
    assert page.status_code == 429
    assert "Trop d&#x27;inscriptions" in page.content.decode()
    assert Registration.objects.count() == 3
    # Signed-in people are not counted: their account is their one registration.
    assert client_for(UserFactory()).post(url, {}, format="json").status_code == 201
