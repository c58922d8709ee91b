"""`PATCH /api/v1/meetings/{id}/`: an organiser changes a meeting through `meeting_update`, as the
page `/reunions/<id>/modifier/` does — who may (a meeting one may not see is a 404, one seen but
not organised a 403), only the fields sent change, and hostile input is a French 400 that
changes nothing, never a 500."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from events.models import Activity
from meetings.models import Meeting
from meetings.services import meeting_cancel
from territories.models import Territory
from tests.conftest import client_for

from .factories import meeting, staff
from .test_api import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _url(m) -> str:
    return f"/api/v1/meetings/{m.pk}/"


def _snapshot(m) -> dict:
    return {
        k: v for k, v in Meeting.objects.filter(pk=m.pk).values().get().items() if k != "updated"
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 403),
        ("outsider", 403),
        ("reader", 403),
        ("contributor", 403),
        ("editor", 200),
        ("owner", 200),
        ("staff", 200),
        ("official", 200),
    ],
)
def test_who_may_change_a_sheet_s_meeting(world, who, status):  # noqa: F811
    m = world["public"]
    before = _snapshot(m)
    response = client_for(world["actors"][who]).patch(
        _url(m), {"place": "Maison du quartier"}, format="json"
    )
    assert response.status_code in ((401, 403) if status == 403 else (status,)), response.content
    if status == 200:
        body = response.json()
        assert body["place"] == "Maison du quartier" and body["id"] == m.pk
        assert Meeting.objects.get(pk=m.pk).place == "Maison du quartier"
        assert Activity.objects.filter(verb="meeting.updated").exists()
    else:
        assert _snapshot(m) == before


def test_a_private_workspace_s_meeting_is_a_404_to_outsiders(world):  # noqa: F811
    m = world["private"]
    before = _snapshot(m)
    for user in (world["actors"]["outsider"], world["actors"]["owner"], world["actors"]["staff"]):
        response = client_for(user).patch(_url(m), {"title": "Volé"}, format="json")
        assert response.status_code == 404, response.content
        assert client_for(user).get(_url(m)).status_code == 404
    assert _snapshot(m) == before
    owner = world["private_actors"]["owner"]
    assert client_for(owner).patch(_url(m), {"title": "Juste"}, format="json").status_code == 200
    assert client_for(owner).patch("/api/v1/meetings/999999/", {"title": "x"}).status_code == 404


def test_a_territory_s_meeting_is_changed_by_staff_and_officials_only(world):  # noqa: F811
    m = meeting(territory=Territory.objects.get(slug="strasbourg"))
    for who, status in [("owner", 403), ("editor", 403), ("staff", 200), ("official", 200)]:
        response = client_for(world["actors"][who]).patch(_url(m), {"capacity": 40}, format="json")
        assert response.status_code == status, (who, response.content)
    assert Meeting.objects.get(pk=m.pk).capacity == 40


def test_only_the_fields_sent_change(world):  # noqa: F811
    m = meeting(
        sheet=world["public_sheet"],
        step_free=True,
        hearing_loop=True,
        accessibility_notes="Rampe à gauche.",
        capacity=30,
    )
    response = client_for(world["actors"]["owner"]).patch(
        _url(m), {"accessibility": {"sign_language": True}, "title": "Nouveau titre"}, format="json"
    )
    assert response.status_code == 200, response.content
    access = response.json()["accessibility"]
    assert access == {
        "step_free": True,
        "hearing_loop": True,
        "sign_language": True,
        "accessible_toilets": False,
        "notes": "Rampe à gauche.",
    }
    m.refresh_from_db()
    assert m.title == "Nouveau titre" and m.capacity == 30 and m.place == "Salle des fêtes"
    later = m.starts + datetime.timedelta(days=1)
    moved = client_for(world["actors"]["owner"]).patch(
        _url(m),
        {"starts": later.isoformat(), "ends": (later + datetime.timedelta(hours=3)).isoformat()},
        format="json",
    )
    assert moved.status_code == 200
    m.refresh_from_db()
    assert m.starts == later and m.ends == later + datetime.timedelta(hours=3)


def test_a_cancelled_meeting_no_longer_changes(world):  # noqa: F811
    m = world["public"]
    meeting_cancel(actor=staff(), meeting=m)
    response = client_for(world["actors"]["owner"]).patch(_url(m), {"title": "x"}, format="json")
    assert response.status_code == 409
    assert Meeting.objects.get(pk=m.pk).title == "Réunion ouverte"


def _deep(depth: int) -> str:
    return '{"title": ' + "[" * depth + "]" * depth + "}"


HOSTILE = [
    ({"title": "x" * 100_000}, "caractères"),
    ({"description": "y" * 20_001}, "caractères"),
    ({"place": "Salle\x00des fêtes"}, None),
    ({"title": {"fr": "Titre", "en": "Title"}}, None),
    ({"title": ["Titre"]}, None),
    ({"accessibility": {"step_free": {"a": {"b": {"c": True}}}}}, None),
    ({"accessibility": "oui"}, None),
    ({"title": None}, None),
    ({"starts": "demain"}, None),
    ({"ends": "2026-13-45T99:00:00Z"}, None),
    ({"starts": "9999-12-31T23:59:59-14:00"}, None),
    ({"ends": "2000-01-01T10:00:00Z"}, "La fin doit suivre le début."),
    ({"online_url": "http://visio.example.org/salle"}, "https://"),
    ({"online_url": "javascript:alert(1)"}, None),
    ({"capacity": -3}, None),
    ({"capacity": "beaucoup"}, None),
    ({"capacity": 10**30}, None),
    ({"kind": "fête"}, None),
    ({}, "Rien à modifier"),
    ({"state": "held", "created_by": 1}, "Rien à modifier"),
]


@pytest.mark.parametrize(("body", "says"), HOSTILE)
def test_hostile_input_is_a_french_400_and_changes_nothing(world, body, says):  # noqa: F811
    m = world["public"]
    before = _snapshot(m)
    response = client_for(world["actors"]["owner"]).patch(_url(m), body, format="json")
    assert response.status_code == 400, response.content
    if says:
        assert says in json.dumps(response.json(), ensure_ascii=False)
    assert _snapshot(m) == before


@pytest.mark.parametrize(
    "raw",
    [
        _deep(100_000),
        '{"title": "Titre"',  # cut short
        '["title", "Titre"]',
        '"Titre"',
        "null",
        '{"title": "\\ud800"}',  # a lone surrogate
        '{"title": "a\\u0000b"}',
    ],
)
def test_malformed_json_is_a_400_never_a_500(world, raw):  # noqa: F811
    m = world["public"]
    before = _snapshot(m)
    response = client_for(world["actors"]["owner"]).generic(
        "PATCH", _url(m), raw.encode(), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert _snapshot(m) == before


def test_the_errors_are_french(world):  # noqa: F811
    response = client_for(world["actors"]["owner"]).patch(
        _url(world["public"]),
        {"title": "x" * 300, "online_url": "http://a.example.org/", "starts": "demain"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "au plus 200\xa0caractères" in " ".join(body["title"])
    assert "https://" in " ".join(body["online_url"])
    assert "La date + heure n'a pas le bon format" in " ".join(body["starts"])


def test_patch_is_in_the_openapi_schema(tmp_path):
    import yaml
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    detail = schema["paths"]["/api/v1/meetings/{id}/"]
    assert {"get", "patch"} <= set(detail)
    assert set(detail["patch"]["responses"]) >= {"200", "400", "403", "404", "409"}
    request = detail["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][request.rsplit("/", 1)[-1]]
    assert "required" not in component  # a change sends only what changes
    assert timezone.now()  # the schema needs no database row
