"""The share-link expiry date reaches the browser as ISO, the only value `type="date"` keeps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from documents.models import ShareLink

from .conftest import web_client

pytestmark = pytest.mark.django_db


def test_expiry_is_rendered_and_accepted_as_iso(make_workspace, make_document):
    workspace, actors = make_workspace()
    document = make_document(workspace, actors["owner"])
    client = web_client(actors["owner"])
    html = client.get(document.get_absolute_url()).content.decode()
    default = (timezone.localtime() + timedelta(days=7)).date()
    assert f'type="date" name="expires_on" value="{default.isoformat()}"' in html
    chosen = timezone.localdate() + timedelta(days=30)
    response = client.post(
        f"/documents/{document.pk}/liens/", {"expires_on": chosen.isoformat(), "label": "Presse"}
    )
    assert response.status_code == 302
    link = ShareLink.objects.get(document=document)
    assert timezone.localtime(link.expires_at).date() == chosen
