"""A number too large for any column answers 404 like an unknown one, never 500."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from projects.models import ProjectSheet

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def alice_client():
    call_command("seed_demo")
    client = Client()
    client.force_login(User.objects.get(email="alice@demo.fabrique.test"))
    return client


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/workspaces/collectif-velo-neudorf/members/{HUGE}/",
        f"/api/v1/documents/{HUGE}/",
        f"/api/v1/sheets/{HUGE}/",
        f"/api/v1/sheets/{HUGE}/history/",
        f"/documents/{HUGE}/",
        f"/fiches/{HUGE}/",
        f"/espaces/collectif-velo-neudorf/membres/{HUGE}/role/",
    ],
)
def test_huge_ids_in_paths_are_not_found(alice_client, path):
    assert alice_client.get(path).status_code == 404


def test_huge_version_numbers_in_a_diff_are_not_found(alice_client):
    sheet = ProjectSheet.objects.get(slug="piste-cyclable-rue-du-jura")
    for base in (f"/api/v1/sheets/{sheet.pk}/diff/", f"/fiches/{sheet.pk}/diff/"):
        assert alice_client.get(f"{base}?from=1&to={HUGE}").status_code == 404
        assert alice_client.get(f"{base}?from=-{HUGE}&to=1").status_code == 404
        assert alice_client.get(f"{base}?from=1&to=1").status_code == 200
    sheet_versions = f"/api/v1/sheets/{sheet.pk}/versions/{HUGE}/"
    assert alice_client.get(sheet_versions).status_code == 404
