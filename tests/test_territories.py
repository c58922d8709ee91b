import pytest
from django.core.exceptions import ValidationError

from territories.models import Territory, Theme
from territories.services import territory_create

pytestmark = pytest.mark.django_db


def test_the_33_communes_are_loaded_under_the_metropole():
    metropole = Territory.objects.get(kind="metropole")
    communes = Territory.objects.filter(kind="commune")
    assert communes.count() == 33
    assert set(communes.values_list("parent", flat=True)) == {metropole.pk}
    assert {"strasbourg", "illkirch-graffenstaden", "la-wantzenau"} <= set(
        communes.values_list("slug", flat=True)
    )
    assert {"mobilite", "environnement", "education", "culture", "numerique"} <= set(
        Theme.objects.values_list("slug", flat=True)
    )


def test_quartier_hangs_under_a_commune_only():
    strasbourg = Territory.objects.get(slug="strasbourg")
    neudorf = territory_create(name="Neudorf", kind="quartier", parent=strasbourg)
    assert neudorf.slug == "strasbourg-neudorf"
    with pytest.raises(ValidationError):
        territory_create(name="Nulle part", kind="quartier", parent=strasbourg.parent)
    assert not Territory.objects.filter(name="Nulle part").exists()


def test_staff_adds_a_quartier_and_a_theme_in_the_admin(client):
    from accounts.models import PlatformRole
    from accounts.services import user_set_platform_role
    from tests.factories import UserFactory

    staff = UserFactory()
    user_set_platform_role(actor=None, user=staff, role=PlatformRole.STAFF)
    client.force_login(staff)
    strasbourg = Territory.objects.get(slug="strasbourg")
    response = client.post(
        "/admin/territories/territory/add/",
        {"name": "Neudorf", "kind": "quartier", "parent": strasbourg.pk},
    )
    assert response.status_code == 302
    assert Territory.objects.get(slug="strasbourg-neudorf").parent == strasbourg
    response = client.post(
        "/admin/territories/theme/add/", {"name": "Alimentation", "description": ""}
    )
    assert response.status_code == 302
    assert Theme.objects.filter(slug="alimentation").exists()


def test_citizen_cannot_reach_the_admin(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/admin/territories/territory/add/")
    assert response.status_code == 302
