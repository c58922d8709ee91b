"""The OpenAPI schema is what API clients generate code from: it must build cleanly."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_builds_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns any drf-spectacular warning (unresolvable serializer, enum name
    # collision...) into a failure.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/workspaces/", "/api/v1/documents/", "/api/v1/sheets/", "/api/v1/search/"):
        assert path in text


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn" not in response.content.lower()
