"""The open-data export: public sheets only (as an anonymous visitor, whoever asks), nothing
personal, streamed, CSV cells safe from formulas, JSON with its licence."""

import csv
import io
import json

import pytest

from accounts.models import PlatformRole
from portal.archives.export import FIELDS, csv_cell
from projects.models import SheetVersion, Stage
from territories.models import Territory
from tests.factories import MembershipFactory, SheetFactory, UserFactory, WorkspaceFactory
from workspace.models import Role, Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    public = WorkspaceFactory(visibility=Workspace.Visibility.PUBLIC, name="Collectif Jura")
    private = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
    author = UserFactory(display_name="Camille Secrète", email="camille@example.test")
    MembershipFactory(workspace=public, user=author, role=Role.EDITOR)
    open_ = SheetFactory(
        workspace=public,
        author=author,
        title="Piste rue du Jura",
        territory=Territory.objects.get(slug="strasbourg"),
        placed_sections={"decisions": "On fait la piste.", "initiators_contact": "06 00"},
    )
    archived = SheetFactory(workspace=public, title='=HYPERLINK("http://x")', stage=Stage.ARCHIVED)
    hidden = SheetFactory(workspace=private, title="Projet caché")
    members_only = SheetFactory(workspace=public, title="Fiche réservée", is_public=False)
    return {
        "open": open_,
        "archived": archived,
        "hidden": hidden,
        "members_only": members_only,
        "member": MembershipFactory(workspace=private, role=Role.OWNER).user,
    }


def body(response) -> str:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_the_json_holds_the_public_sheets_with_their_licence(client, world):
    response = client.get("/donnees/fiches.json")
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(body(response))
    assert "Licence Ouverte" in data["licence"]
    rows = {row["id"]: row for row in data["sheets"]}
    assert set(rows) == {world["open"].pk, world["archived"].pk}
    row = rows[world["open"].pk]
    assert list(row) == list(FIELDS)
    assert row["url"] == f"http://testserver/fiches/{world['open'].slug}/"
    assert row["territory"] == "strasbourg" and row["decisions"] == "On fait la piste."
    assert row["workspace_name"] == "Collectif Jura"
    assert rows[world["archived"].pk]["stage"] == "archived"


@pytest.mark.parametrize("who", ["outsider", "member", "staff"])
def test_the_export_is_the_same_for_everyone_and_never_private(client, world, who):
    user = (
        world["member"]
        if who == "member"
        else UserFactory(
            platform_role=PlatformRole.STAFF if who == "staff" else PlatformRole.CITIZEN
        )
    )
    client.force_login(user)
    for path in ("/donnees/fiches.json", "/donnees/fiches.csv"):
        text = body(client.get(path))
        assert "Projet caché" not in text and "Fiche réservée" not in text
        assert "Piste rue du Jura" in text


def test_nothing_personal(client, world):
    for path in ("/donnees/fiches.json", "/donnees/fiches.csv"):
        text = body(client.get(path))
        assert "Camille" not in text and "@example.test" not in text
        assert "06 00" not in text  # the initiators' contact section is not exported


def test_the_csv_has_a_header_and_neutralises_formulas(client, world):
    response = client.get("/donnees/fiches.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(response))))
    assert rows[0] == list(FIELDS)
    titles = {r[FIELDS.index("title")] for r in rows[1:]}
    assert titles == {"Piste rue du Jura", '\'=HYPERLINK("http://x")'}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
        (12, "12"),
        (None, ""),
        (["mobilite", "=x"], "mobilite|=x"),
        (["=x"], "'=x"),
    ],
)
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_a_summary_starting_with_a_formula_is_made_text(client, world):
    version = world["open"].current_version
    SheetVersion.objects.filter(pk=version.pk).update(summary="-1+cmd|' /C calc'!A0")
    rows = list(csv.reader(io.StringIO(body(client.get("/donnees/fiches.csv")))))
    summaries = [r[FIELDS.index("summary")] for r in rows[1:]]
    assert "'-1+cmd|' /C calc'!A0" in summaries


def test_the_export_reads_in_chunks_with_constant_queries(
    client, world, django_assert_max_num_queries
):
    public = world["open"].workspace
    for n in range(30):
        SheetFactory(workspace=public, title=f"Fiche {n}")
    with django_assert_max_num_queries(6):
        data = json.loads(body(client.get("/donnees/fiches.json")))
    assert len(data["sheets"]) == 32


def test_only_get_and_head(client, world):
    assert client.post("/donnees/fiches.csv").status_code == 405
    assert client.head("/donnees/fiches.json").status_code == 200
