"""Every form that comes back with errors opens on one error summary (issue 11, item 6): it takes
the focus without any script, says that nothing was saved, and each of its entries links to the
field at fault, which is marked invalid and described by its own message."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.projects.factories import make_sheet

pytestmark = pytest.mark.django_db


class Summary(HTMLParser):
    """The summary box's attributes and links, and the ids and attributes of every element."""

    def __init__(self) -> None:
        super().__init__()
        self.boxes: list[dict] = []
        self.links: list[str] = []
        self.elements: dict[str, dict] = {}
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.elements[attributes["id"]] = attributes
        if "error-summary" in (attributes.get("class") or "").split():
            self.boxes.append(attributes)
            self._depth = 1
        elif self._depth:
            if tag == "a":
                self.links.append(attributes["href"])
            if tag not in ("br", "img", "input"):
                self._depth += 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1


def summary_of(response) -> Summary:
    assert response.status_code in (200, 400), response.status_code
    parsed = Summary()
    parsed.feed(response.content.decode())
    return parsed


def assert_summary_leads_to(parsed: Summary, fields: set[str]) -> None:
    assert len(parsed.boxes) == 1, parsed.boxes
    box = parsed.boxes[0]
    assert box.get("role") == "alert"
    assert box.get("tabindex") == "-1" and "autofocus" in box
    targets = {href.removeprefix("#") for href in parsed.links}
    assert targets >= fields, (targets, fields)
    for target in targets:
        field = parsed.elements[target]  # the link leads somewhere on the page
        assert field.get("aria-invalid") == "true", target
        assert f"{target}_error" in field.get("aria-describedby", "") or target.endswith("_0")


def test_sign_up_errors_are_summarised():
    response = Client().post(
        "/comptes/inscription/",
        {"email": "pas-une-adresse", "display_name": "", "password1": "a", "password2": "b"},
    )
    assert_summary_leads_to(summary_of(response), {"id_email", "id_display_name"})
    assert "Adresse électronique : " in response.content.decode()


def test_sheet_form_errors_are_summarised(make_workspace):
    workspace, actors = make_workspace()
    client = Client()
    client.force_login(actors["owner"])
    response = client.post(f"/fiches/espace/{workspace.slug}/nouvelle/", {"title": ""})
    assert_summary_leads_to(summary_of(response), {"id_title"})


def test_radio_group_error_links_to_its_first_box(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    client = Client()
    client.force_login(actors["official"])
    response = client.post(f"/fiches/{sheet.pk}/cadrage/nouveau/", {"action": "publish"})
    parsed = summary_of(response)
    assert "#id_participation_level_0" in parsed.links
    assert parsed.elements["id_participation_level_0"].get("type") == "radio"


def test_a_valid_page_has_no_summary(make_workspace):
    workspace, actors = make_workspace()
    client = Client()
    client.force_login(actors["owner"])
    parsed = summary_of(client.get(f"/fiches/espace/{workspace.slug}/nouvelle/"))
    assert parsed.boxes == []
