"""Staff manage quartiers through the service: create, rename, move under another commune, an
optional GeoJSON boundary checked for shape and size; everyone else is refused; each change is
one public event."""

import json

import pytest
from django.core.exceptions import ValidationError

from accounts.models import PlatformRole
from events.models import Activity
from territories.errors import TerritoryPermissionDenied
from territories.geojson import BOUNDARY_MAX_POSITIONS, boundary_clean
from territories.models import Territory
from territories.services import quartier_create, quartier_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SQUARE = [[7.76, 48.57], [7.78, 48.57], [7.78, 48.58], [7.76, 48.58], [7.76, 48.57]]
POLYGON = {"type": "Polygon", "coordinates": [SQUARE]}


def t(slug: str) -> Territory:
    return Territory.objects.get(slug=slug)


@pytest.fixture
def staff():
    return UserFactory(platform_role=PlatformRole.STAFF)


def test_staff_create_a_quartier_with_a_qualified_slug_and_an_event(staff):
    neudorf = quartier_create(actor=staff, name="  Neudorf  ", commune=t("strasbourg"))
    assert (neudorf.slug, neudorf.name, neudorf.kind) == (
        "strasbourg-neudorf",
        "Neudorf",
        "quartier",
    )
    assert neudorf.parent == t("strasbourg") and neudorf.boundary is None
    entry = Activity.objects.get(verb="territory.quartier_created")
    assert (entry.actor, entry.target_id, entry.private) == (staff, neudorf.pk, False)
    assert entry.data == {"commune": "strasbourg", "boundary": False}


def test_a_quartier_of_the_same_name_twice_in_a_commune_is_refused(staff):
    quartier_create(actor=staff, name="Centre", commune=t("strasbourg"))
    with pytest.raises(ValidationError) as error:
        quartier_create(actor=staff, name="Centre", commune=t("strasbourg"))
    assert list(error.value.message_dict) == ["name"]
    # The same name in another commune is another quartier.
    assert quartier_create(actor=staff, name="Centre", commune=t("schiltigheim")).slug == (
        "schiltigheim-centre"
    )


@pytest.mark.parametrize(
    "role", [PlatformRole.CITIZEN, PlatformRole.OFFICIAL, PlatformRole.MODERATOR]
)
def test_only_staff_manage_quartiers(role, staff):
    someone = UserFactory(platform_role=role)
    with pytest.raises(TerritoryPermissionDenied):
        quartier_create(actor=someone, name="Neudorf", commune=t("strasbourg"))
    quartier = quartier_create(actor=staff, name="Neudorf", commune=t("strasbourg"))
    with pytest.raises(TerritoryPermissionDenied):
        quartier_update(actor=someone, quartier=quartier, name="Autre", commune=t("strasbourg"))
    quartier.refresh_from_db()
    assert quartier.name == "Neudorf"


def test_an_inactive_staff_account_is_refused():
    gone = UserFactory(platform_role=PlatformRole.STAFF, is_active=False)
    with pytest.raises(TerritoryPermissionDenied):
        quartier_create(actor=gone, name="Neudorf", commune=t("strasbourg"))


def test_rename_and_move_keep_the_slug_and_record_before_and_after(staff):
    quartier = quartier_create(actor=staff, name="Neudorf", commune=t("strasbourg"))
    moved = quartier_update(
        actor=staff,
        quartier=quartier,
        name="Neudorf-Sud",
        commune=t("illkirch-graffenstaden"),
        boundary=POLYGON,
    )
    assert (moved.slug, moved.name, moved.parent.slug) == (
        "strasbourg-neudorf",
        "Neudorf-Sud",
        "illkirch-graffenstaden",
    )
    assert moved.boundary == POLYGON
    entry = Activity.objects.get(verb="territory.quartier_updated")
    assert entry.data["before"] == {"name": "Neudorf", "commune": "strasbourg"}
    assert entry.data["after"] == {"name": "Neudorf-Sud", "commune": "illkirch-graffenstaden"}
    # Removing the boundary is allowed: nothing needs it.
    assert (
        quartier_update(
            actor=staff, quartier=moved, name="Neudorf", commune=t("strasbourg")
        ).boundary
        is None
    )


@pytest.mark.parametrize("parent", ["eurometropole-de-strasbourg", None])
def test_a_quartier_hangs_under_a_commune_only(staff, parent):
    commune = Territory.objects.filter(slug=parent).first() if parent else None
    if parent:
        assert commune is not None and commune.kind == "metropole"
    with pytest.raises(ValidationError):
        quartier_create(actor=staff, name="Nulle part", commune=commune)
    assert not Territory.objects.filter(name="Nulle part").exists()


def test_communes_are_not_managed_as_quartiers(staff):
    with pytest.raises(ValidationError):
        quartier_update(actor=staff, quartier=t("schiltigheim"), name="X", commune=t("strasbourg"))
    assert t("schiltigheim").name == "Schiltigheim"


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_a_quartier_needs_a_name(staff, name):
    with pytest.raises(ValidationError):
        quartier_create(actor=staff, name=name, commune=t("strasbourg"))


def test_a_boundary_is_stored_as_its_geometry(staff):
    feature = {"type": "Feature", "properties": {"nom": "Neudorf"}, "geometry": POLYGON}
    quartier = quartier_create(
        actor=staff, name="Neudorf", commune=t("strasbourg"), boundary=json.dumps(feature)
    )
    assert quartier.boundary == POLYGON
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]}
    assert boundary_clean(multi) == multi
    assert boundary_clean("") is None and boundary_clean(None) is None


def _ring(n: int) -> list[list[float]]:
    points = [[7.7 + i * 1e-6, 48.5 + (i % 2) * 1e-6] for i in range(n - 1)]
    return [*points, points[0]]


@pytest.mark.parametrize(
    "value",
    [
        "pas du json",
        "[" * 100_000,
        json.dumps({"type": "Point", "coordinates": [7.7, 48.5]}),
        {"type": "LineString", "coordinates": SQUARE},
        {"type": "Polygon", "coordinates": "abc"},
        {"type": "Polygon", "coordinates": [SQUARE[:3]]},
        {"type": "Polygon", "coordinates": [SQUARE[:-1] + [[7.0, 48.0]]]},
        {"type": "Polygon", "coordinates": [[[7.7, "48"], *SQUARE[1:]]]},
        {"type": "Polygon", "coordinates": [[[True, 48.5], *SQUARE[1:]]]},
        {"type": "Polygon", "coordinates": [[[float("nan"), 48.5], *SQUARE[1:]]]},
        {"type": "Polygon", "coordinates": [[[48.57, 200.0], *SQUARE[1:]]]},
        # Latitude and longitude swapped: a quartier 41° wide.
        {
            "type": "Polygon",
            "coordinates": [[[7.76, 48.57], [48.57, 7.76], [7.78, 48.58], [7.76, 48.57]]],
        },
        {"type": "Polygon", "coordinates": [_ring(BOUNDARY_MAX_POSITIONS + 1)]},
        {"type": "MultiPolygon", "coordinates": [[SQUARE]] * 51},
        {"type": "Feature", "geometry": None},
        "x" * 300_000,
        ["Polygon"],
    ],
    ids=lambda v: str(v)[:30],
)
def test_a_bad_boundary_is_refused_and_nothing_is_stored(staff, value):
    with pytest.raises(ValidationError) as error:
        quartier_create(actor=staff, name="Neudorf", commune=t("strasbourg"), boundary=value)
    assert "boundary" in error.value.message_dict
    assert not Territory.objects.filter(slug="strasbourg-neudorf").exists()
    assert not Activity.objects.filter(verb__startswith="territory.").exists()


def test_a_detailed_boundary_within_the_limit_is_accepted(staff):
    ring = _ring(BOUNDARY_MAX_POSITIONS)
    quartier = quartier_create(
        actor=staff,
        name="Neudorf",
        commune=t("strasbourg"),
        boundary={"type": "Polygon", "coordinates": [ring]},
    )
    assert len(quartier.boundary["coordinates"][0]) == BOUNDARY_MAX_POSITIONS
