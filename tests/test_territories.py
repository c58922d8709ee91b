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
