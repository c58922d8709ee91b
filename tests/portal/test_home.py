"""The home page: open consultations (visibility, order, commune filter), recent results, the
three steps, each role's section, no cookie for the commune choice, and bounded queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import PlatformRole
from projects.models import FramingNote, ProjectSheet, Stage
from territories.models import Territory
from tests.factories import (
    FramingNoteFactory,
    MembershipFactory,
    SheetFactory,
    UserFactory,
    WorkspaceFactory,
)
from workflow.models import Attestation
from workflow.selectors import STALLED_AFTER_DAYS
from workspace.models import Role, Workspace

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(offset: int) -> str:
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def commune(slug: str) -> Territory:
    return Territory.objects.get(slug=slug, kind=Territory.Kind.COMMUNE)


def quartier(parent: Territory, name: str) -> Territory:
    return Territory.objects.create(
        name=name, slug=f"{parent.slug}-{name.lower()}", kind=Territory.Kind.QUARTIER, parent=parent
    )


def consultation(title: str, *, end: str | None = None, start: str | None = None, **kw):
    sections = {k: v for k, v in {"calendar_start": start, "calendar_end": end}.items() if v}
    sheet = SheetFactory(
        title=title,
        stage=Stage.CONSULTATION,
        placed_sections=sections,
        participation_level="co_construct",  # the sheet's promise, shown with its dates
        **kw,
    )
    FramingNoteFactory(sheet=sheet, participation_level="co_construct")
    return sheet


def result(title: str, *, days_ago: int = 1, **kw) -> ProjectSheet:
    """A sheet at evaluation whose restitution staff attested."""
    sheet = SheetFactory(title=title, stage=Stage.EVALUATION, **kw)
    ProjectSheet.objects.filter(pk=sheet.pk).update(
        stage_changed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    Attestation.objects.create(
        sheet=sheet,
        code="restitution_document",
        attested_by=UserFactory(platform_role=PlatformRole.STAFF),
    )
    return sheet


def home(client, **params) -> str:
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    """The HTML of one section of the home, from its heading to the next section."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.find("</section>", start)]


def test_open_consultations_soonest_closing_first_then_undated(client):
    consultation("Fin lointaine", end=day(40))
    consultation("Sans date")
    consultation("Fin proche", end=day(3))
    consultation("Déjà close", end=day(-1))
    consultation("Dernier jour", end=day(0))
    SheetFactory(title="Encore en initiative")
    html = section(home(client), "participer")
    titles = ["Dernier jour", "Fin proche", "Fin lointaine", "Sans date"]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "Déjà close" not in html and "Encore en initiative" not in html
    assert "participation : Co-construire" in html
    assert "Date de fin pas encore fixée" in html


def test_closing_date_reads_in_french_with_its_machine_date(client):
    end = datetime.date(TODAY.year + 1, 12, 12)
    consultation("Place verte", end=end.isoformat(), start=day(5))
    html = section(home(client), "participer")
    assert f'au <time datetime="{end.isoformat()}">12 décembre {end.year}</time>' in html
    assert html.count("<time") == 2  # a start still ahead is given too


def test_private_workspace_consultation_never_shows_to_outsiders(client):
    private = WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
    consultation("Consultation secrète", end=day(10), workspace=private)
    result("Résultat secret", workspace=private)
    hidden = SheetFactory(title="Fiche cachée d'un espace public", is_public=False)
    ProjectSheet.objects.filter(pk=hidden.pk).update(stage=Stage.CONSULTATION)
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    ProjectSheet.objects.update(stage_changed_at=timezone.now() - datetime.timedelta(days=200))
    for who in (None, UserFactory(), UserFactory(platform_role=PlatformRole.OFFICIAL), staff):
        client.logout()
        if who:
            client.force_login(who)
        html = home(client)
        assert "secrète" not in html and "secret" not in html and "cachée" not in html
        assert "Aucune concertation n'est ouverte en ce moment" in html
    # Not even as a count: staff's stalled number counts only what the board shows them.
    client.force_login(staff)
    assert "Aucune fiche n'est immobile" in section(home(client), "h-board")
    member = MembershipFactory(workspace=private, role=Role.READER).user
    client.force_login(member)
    html = home(client)
    assert "Consultation secrète" in section(html, "participer")
    assert "Résultat secret" in section(html, "resultats")


def test_commune_filter_keeps_the_commune_and_its_quartiers(client):
    strasbourg, schilick = commune("strasbourg"), commune("schiltigheim")
    consultation("Au centre", end=day(5), territory=strasbourg)
    consultation("Au Neudorf", end=day(6), territory=quartier(strasbourg, "Neudorf"))
    consultation("À Schiltigheim", end=day(7), territory=schilick)
    consultation("Partout", end=day(8))
    metropole = Territory.objects.get(kind=Territory.Kind.METROPOLE)
    consultation("Pour toute la métropole", end=day(9), territory=metropole)
    html = section(home(client, commune="strasbourg"), "participer")
    assert "Au centre" in html and "Au Neudorf" in html
    assert "Neudorf, Strasbourg" in html
    assert "À Schiltigheim" not in html and "Partout" not in html
    # What the whole Eurométropole is asked concerns Strasbourg too, and says so.
    assert "Pour toute la métropole" in html and metropole.name in html
    assert '<option value="strasbourg" selected>' in html
    # An unknown slug is the whole metropole, not an error.
    html = section(home(client, commune="nulle-part"), "participer")
    assert all(t in html for t in ("Au centre", "Au Neudorf", "À Schiltigheim", "Partout"))
    ProjectSheet.objects.filter(territory=metropole).update(stage=Stage.REALISATION)
    empty = section(home(client, commune="achenheim"), "participer")
    assert "Aucune concertation n'est ouverte à Achenheim en ce moment." in empty


def test_commune_chooser_lists_the_33_communes_and_sets_no_cookie(client):
    response = client.get(reverse("home"), {"commune": "schiltigheim"})
    html = section(response.content.decode(), "participer")
    assert '<label for="commune">Votre commune</label>' in html
    assert html.count("<option") == 34
    assert "Toute l&#x27;Eurométropole" in html or "Toute l'Eurométropole" in html
    assert 'method="get"' in html
    # Anonymous pages stay cacheable: the choice lives in the address, no cookie at all.
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_recent_results_latest_first_and_only_with_a_restitution(client):
    result("Bilan ancien", days_ago=30)
    result("Bilan récent", days_ago=2)
    SheetFactory(title="Bilan sans restitution", stage=Stage.EVALUATION)
    SheetFactory(title="En réalisation", stage=Stage.REALISATION)
    html = section(home(client), "resultats")
    assert html.index("Bilan récent") < html.index("Bilan ancien")
    assert "sans restitution" not in html and "En réalisation" not in html
    # Results older than a year are for the archives, not for "recent results".
    result("Bilan d'il y a deux ans", days_ago=730)
    assert "deux ans" not in section(home(client), "resultats")


def test_empty_home_explains_each_empty_list(client):
    html = home(client)
    assert "Aucune concertation n'est ouverte en ce moment" in html
    assert "Aucun résultat publié pour l'instant" in html
    steps = section(html, "comment")
    assert steps.count("<li>") == 3
    assert all(word in steps for word in ("Lire", "Donner son avis", "Suivre"))
    assert html.count("<h1") == 1
    assert "Mes espaces" not in html and "note de cadrage" not in html


def test_official_sees_sheets_awaiting_a_framing_note(client):
    official = UserFactory(platform_role=PlatformRole.OFFICIAL)
    SheetFactory(title="Jamais cadrée")
    unframed = SheetFactory(title="Brouillon commencé", stage=Stage.CONSULTATION)
    FramingNoteFactory(sheet=unframed, author=official, status=FramingNote.Status.DRAFT)
    framed = SheetFactory(title="Déjà cadrée")
    FramingNoteFactory(sheet=framed)
    by_citizen = SheetFactory(title="Cadrée par une citoyenne")
    FramingNoteFactory(sheet=by_citizen, author=UserFactory())
    SheetFactory(title="En réalisation sans cadrage", stage=Stage.REALISATION)
    client.force_login(official)
    html = section(home(client), "h-framing")
    assert "Jamais cadrée" in html and "Brouillon commencé" in html
    assert "votre brouillon est commencé" in html
    assert "Cadrée par une citoyenne" in html  # the checklist counts an official's note only
    assert "Déjà cadrée" not in html and "En réalisation" not in html
    client.force_login(UserFactory())
    assert "note de cadrage" not in home(client)


def test_official_with_nothing_to_frame_is_told_so(client):
    client.force_login(UserFactory(platform_role=PlatformRole.OFFICIAL))
    assert "Aucune fiche n'attend votre note de cadrage" in home(client)


def test_staff_sees_the_number_of_stalled_sheets_and_the_board_link(client):
    old = timezone.now() - datetime.timedelta(days=STALLED_AFTER_DAYS + 1)
    stalled = [SheetFactory(), SheetFactory(stage=Stage.CONSULTATION)]
    archived = SheetFactory(stage=Stage.ARCHIVED)
    SheetFactory()  # moved recently
    ProjectSheet.objects.filter(pk__in=[s.pk for s in [*stalled, archived]]).update(
        stage_changed_at=old
    )
    client.force_login(UserFactory(platform_role=PlatformRole.STAFF))
    html = section(home(client), "h-board")
    assert "2 fiches n&#x27;ont pas changé d&#x27;étape" in html or "2 fiches n'ont" in html
    assert f'href="/suivi/?stalled_days={STALLED_AFTER_DAYS}"' in html
    client.force_login(UserFactory())
    assert 'id="h-board"' not in home(client)


def test_signed_in_user_sees_own_workspaces_and_sheets_latest_first(client):
    user = UserFactory()
    workspace = MembershipFactory(user=user, role=Role.CONTRIBUTOR).workspace
    first = SheetFactory(workspace=workspace, title="Ma première fiche")
    SheetFactory(workspace=workspace, title="Ma seconde fiche")
    ProjectSheet.objects.filter(pk=first.pk).update(updated=timezone.now())
    SheetFactory(title="Fiche d'un autre espace")
    client.force_login(user)
    html = home(client)
    assert workspace.name in section(html, "mine")
    mine = section(html, "my-sheets")
    assert mine.index("Ma première fiche") < mine.index("Ma seconde fiche")
    assert "autre espace" not in mine
    client.force_login(UserFactory())
    html = home(client)
    assert "Vous n&#x27;êtes membre d&#x27;aucun espace." in html or "aucun espace" in html
    assert "Aucune fiche dans vos espaces pour l'instant" in html.replace("&#x27;", "'")


def _populate(n: int) -> tuple:
    """n of each list's rows, each sheet in its own workspace and quartier (no N+1 hides)."""
    strasbourg = commune("strasbourg")
    user = UserFactory()
    for i in range(n):
        place = quartier(strasbourg, f"Q{i}")
        consultation(f"Consultation {i}", end=day(i + 1), territory=place)
        result(f"Résultat {i}", territory=place)
        SheetFactory(title=f"À cadrer {i}", territory=place)
        SheetFactory(workspace=MembershipFactory(user=user).workspace)
    ProjectSheet.objects.update(stage_changed_at=timezone.now() - datetime.timedelta(days=200))
    return user


# anonymous: consultations, results, communes, the next meetings; a signed-in visitor adds the
# session, the user, their workspaces and sheets, and the header's count of unread moderation
# notices; an official the sheets to frame; staff the stalled count.
ROLE_QUERIES = {"anonymous": 4, "citizen": 9, "official": 10, "staff": 10}


@pytest.mark.parametrize("n", [1, 6])
@pytest.mark.parametrize("role", list(ROLE_QUERIES))
def test_query_count_is_bounded_per_role(client, django_assert_max_num_queries, role, n):
    user = _populate(n)
    if role != "anonymous":
        user.platform_role = {"citizen": PlatformRole.CITIZEN}.get(role, role)
        user.save()
        client.force_login(user)
    with django_assert_max_num_queries(ROLE_QUERIES[role]):
        html = home(client, commune="strasbourg")
    assert f"Consultation {n - 1}" in html and f"Résultat {n - 1}" in html


def test_demo_home_is_not_empty(client):
    """`make run` loads the demo: something is open (with a closing date) and a result is out."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    html = home(client)
    assert "Stationnement vélo sécurisé autour de la gare centrale" in section(html, "participer")
    assert "Jusqu'au <time" in section(html, "participer").replace("&#x27;", "'")
    assert "Vélorue du quai des Bateliers" in section(html, "resultats")
    client.force_login(UserFactory(platform_role=PlatformRole.OFFICIAL))
    assert "Piste cyclable rue du Jura" in section(home(client), "h-framing")


def test_home_reads_in_english_with_english_dates(client):
    end = datetime.date(TODAY.year + 1, 12, 12)
    consultation("Place verte", end=end.isoformat())
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Take part now" in html and "How to take part" in html
    assert f'Until <time datetime="{end.isoformat()}">12 December {end.year}</time>' in html
    assert "participation: Co-create" in html
