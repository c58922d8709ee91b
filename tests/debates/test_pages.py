"""The debate pages through the Django client: the list and its filters, opening a debate (also
from a sheet or a workspace), a debate's threads with moderation shown in place, writing,
replying, editing, deleting, closing — per role, without any script."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from debates.models import Comment, Debate
from debates.selectors import THREADS_PER_PAGE
from debates.services import comment_delete, debate_close
from moderation.models import ModerationCase
from moderation.services import appeal_create, appeal_decide, case_decide, report_create
from territories.models import Territory, Theme

from ..factories import MembershipFactory, SheetFactory, UserFactory, WorkspaceFactory
from .factories import comment, debate, moderator, seasoned

pytestmark = pytest.mark.django_db

SECRET = "Texte injurieux à ne jamais montrer"


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def html(response) -> str:
    return response.content.decode()


def hide(c: Comment, reason: str = "Propos insultants", rule: str = "1"):
    """A moderator hides `c` after one report: the decision shown in its place."""
    report_create(actor=seasoned(), comment=c, reason="abuse")
    case = ModerationCase.objects.get(comment=c)
    mod = moderator()
    case_decide(actor=mod, case=case, action="hide", reason=reason, rule=rule)
    c.refresh_from_db()
    return case, mod


def strasbourg():
    return Territory.objects.get(slug="strasbourg")


def quartier_of(commune: Territory) -> Territory:
    return Territory.objects.create(
        name="Quartier test", slug=f"{commune.slug}-qtest", kind="quartier", parent=commune
    )


# --- the list ---


def test_list_shows_visible_debates_with_where_and_counts_and_hides_private_ones():
    public = debate(title="Débat public sur les vélos", territory=strasbourg())
    comment(public)
    comment(public)
    private_ws = WorkspaceFactory(visibility="private")
    owner = MembershipFactory(workspace=private_ws, role="owner").user
    debate(title="Débat des membres", author=owner, workspace=private_ws)
    page = html(client().get("/debats/"))
    assert "Débat public sur les vélos" in page and "2 messages" in page
    assert "Territoire : Strasbourg" in page
    assert "Débat des membres" not in page
    assert "Ouvrir un débat" not in page.replace("Connectez-vous pour ouvrir un débat", "")
    member_page = html(client(owner).get("/debats/"))
    assert "Débat des membres" in member_page and "Visible des membres seulement" in member_page
    assert 'href="/debats/nouveau/"' in member_page


def test_list_filters_by_commune_with_its_quartiers_theme_and_state_without_script():
    city = strasbourg()
    debate(title="Dans le quartier", territory=quartier_of(city))
    other = Territory.objects.filter(kind="commune").exclude(pk=city.pk).first()
    debate(title="Ailleurs", territory=other)
    theme = Theme.objects.order_by("pk").last()
    debate(title="Par thème", themes=[theme])
    closed = debate(title="Déjà clos", territory=city)
    debate_close(actor=closed.author, debate=closed, synthesis="S" * 60)
    page = html(client().get("/debats/", {"territory": "strasbourg"}))
    assert "Dans le quartier" in page and "Déjà clos" in page and "Ailleurs" not in page
    assert '<option value="strasbourg" selected>' in page
    assert "Strasbourg — Quartier test" in page
    by_theme = html(client().get("/debats/", {"theme": theme.slug}))
    assert "Par thème" in by_theme and "Ailleurs" not in by_theme
    by_state = html(client().get("/debats/", {"state": "closed"}))
    assert "Déjà clos" in by_state and "Dans le quartier" not in by_state
    unknown = client().get("/debats/", {"state": "bogus"})
    assert unknown.status_code == 200 and "Ailleurs" in html(unknown)


def test_list_paginates_and_keeps_the_filters():
    city = strasbourg()
    for i in range(23):
        debate(title=f"Débat {i}", territory=city)
    page = html(client().get("/debats/", {"territory": "strasbourg"}))
    assert "Page 1 sur 2" in page and "?territory=strasbourg&amp;page=2" in page
    second = html(client().get("/debats/", {"territory": "strasbourg", "page": 2}))
    assert second.count('class="card debate-card"') == 3


# --- opening a debate ---


def test_create_asks_to_sign_in_then_opens_a_territory_debate():
    anonymous = client().get("/debats/nouveau/")
    assert anonymous.status_code == 302 and "/comptes/connexion/" in anonymous["Location"]
    user = UserFactory()
    form = client(user).get("/debats/nouveau/")
    assert form.status_code == 200 and "Ouvrir un débat" in html(form)
    theme = Theme.objects.order_by("pk").first()
    response = client(user).post(
        "/debats/nouveau/",
        {
            "title": "Des bancs place Kléber ?",
            "body": "Où **manque-t-il** des bancs ?",
            "territory": strasbourg().pk,
            "themes": [theme.slug],
            "closes_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        },
    )
    created = Debate.objects.get(title="Des bancs place Kléber ?")
    assert response.status_code == 302 and response["Location"] == f"/debats/{created.pk}/"
    assert created.author == user and created.territory.slug == "strasbourg"
    assert list(created.themes.values_list("slug", flat=True)) == [theme.slug]
    page = html(client().get(f"/debats/{created.pk}/"))
    assert "<strong>manque-t-il</strong>" in page


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, "Titre du débat"),
        ({"title": "", "territory": ""}, "Titre du débat"),
        ({"title": "T" * 201, "territory": ""}, "Titre du débat"),
        ({"title": "Sans rattachement"}, "Rattachez le débat"),
        ({"title": "Passé", "closes_on": "2000-01-01", "themes": ["__first__"]}, "déjà passée"),
    ],
)
def test_create_refusals_show_the_error_summary_and_save_nothing(data, expected):
    if data.get("themes") == ["__first__"]:
        data["themes"] = [Theme.objects.order_by("pk").first().slug]
    response = client(UserFactory()).post("/debats/nouveau/", data)
    assert response.status_code == 400
    page = html(response)
    assert "Rien n'a été enregistré" in page and expected in page
    assert Debate.objects.count() == 0


def test_nul_bytes_are_refused_before_the_view():
    response = client(UserFactory()).post("/debats/nouveau/", {"title": "a\x00b"})
    assert response.status_code == 400
    assert Debate.objects.count() == 0


def test_create_on_a_sheet_is_prefilled_and_404_when_the_sheet_is_hidden():
    sheet = SheetFactory(title="Piste rue du Jura", territory=strasbourg())
    user = UserFactory()
    form = html(client(user).get(f"/debats/nouveau/?fiche={sheet.pk}"))
    assert "Piste rue du Jura" in form
    assert f'<option value="{strasbourg().pk}" selected>' in form
    response = client(user).post(f"/debats/nouveau/?fiche={sheet.pk}", {"title": "Le tracé"})
    created = Debate.objects.get(title="Le tracé")
    assert response.status_code == 302
    assert created.sheet == sheet and created.workspace == sheet.workspace
    hidden = SheetFactory(workspace=WorkspaceFactory(visibility="private"))
    assert client(user).get(f"/debats/nouveau/?fiche={hidden.pk}").status_code == 404
    assert (
        client(user).post(f"/debats/nouveau/?fiche={hidden.pk}", {"title": "x"}).status_code == 404
    )
    assert client(user).get("/debats/nouveau/?fiche=abc").status_code == 404


def test_create_in_a_private_workspace_members_only():
    workspace = WorkspaceFactory(visibility="private")
    member = MembershipFactory(workspace=workspace, role="contributor").user
    url = f"/debats/nouveau/?espace={workspace.slug}"
    assert client(UserFactory()).get(url).status_code == 404
    assert "seuls ses membres verront le débat" in html(client(member).get(url))
    response = client(member).post(url, {"title": "Entre nous"})
    assert response.status_code == 302
    created = Debate.objects.get(title="Entre nous")
    assert created.workspace == workspace and created.is_private
    assert client(UserFactory()).get(created.get_absolute_url()).status_code == 404
    assert client().get(created.get_absolute_url()).status_code == 404
    assert client(member).get(created.get_absolute_url()).status_code == 200


# --- a debate's page ---


def test_detail_shows_author_badges_in_words_dates_stances_and_edits():
    official = UserFactory(platform_role="official", display_name="Mme la Maire")
    agent = UserFactory(platform_role="staff", display_name="Service voirie")
    d = debate(author=official, territory=strasbourg())
    c = comment(d, author=agent, body="Nous étudions.", stance="nuanced")
    comment(d, body="Oui !", stance="for")
    comment(d, body="Non.", stance="against")
    Comment.objects.filter(pk=c.pk).update(edited_at=timezone.now())
    page = html(client().get(d.get_absolute_url()))
    assert '<span class="badge badge-role">élu·e</span>' in page
    assert '<span class="badge badge-role">agent</span>' in page
    assert "1 pour" in page and "1 contre" in page and "1 nuancé" in page
    assert "position : nuancé" in page and "modifié le" in page
    assert "Connectez-vous pour participer au débat" in page
    assert "?next=/debats/" in page


def test_a_hidden_message_is_replaced_in_place_and_its_text_is_on_no_page():
    sheet = SheetFactory(title="Fiche avec débat")
    d = debate(sheet=sheet)
    author = seasoned()
    c = comment(d, author=author, body=SECRET)
    reply = comment(d, body="Réponse qui reste visible", parent=c)
    hide(c, reason="Insulte envers un participant", rule="1")
    pages = [
        client().get(d.get_absolute_url()),
        client(author).get(d.get_absolute_url()),
        client(UserFactory()).get("/debats/"),
        client().get(sheet.get_absolute_url()),
        client(author).get("/moderation/avis/"),
        client(author).get(f"/moderation/recours/{c.pk}/"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert SECRET not in html(response)
    page = html(pages[0])
    assert "Message masqué par la modération le" in page
    assert "motif : Insulte envers un participant" in page
    assert 'href="/moderation/charte/#article-1">charte, article 1</a>' in page
    assert "Réponse qui reste visible" in page and f'id="commentaire-{reply.pk}"' in page
    assert f"/moderation/recours/{c.pk}/" in html(pages[1])  # the author may appeal
    assert f"/moderation/recours/{c.pk}/" not in page


def test_pending_review_deleted_and_reinstated_markers():
    d = debate()
    pending = comment(d, author=seasoned(), body=SECRET)
    for _ in range(3):
        report_create(actor=seasoned(), comment=pending, reason="spam")
    deleted = comment(d, body="Bientôt effacé")
    comment(d, body="Une réponse", parent=deleted)
    comment_delete(actor=deleted.author, comment=deleted)
    lonely = comment(d, body="Supprimé sans réponse")
    comment_delete(actor=lonely.author, comment=lonely)
    back = comment(d, author=seasoned(), body="Message rétabli")
    case, hider = hide(back)
    appeal_create(actor=back.author, comment=back, text="C'était de l'ironie.")
    appeal_decide(actor=moderator(), case=case, action="reverse", reason="Ironie manifeste.")
    page = html(client().get(d.get_absolute_url()))
    assert "Message masqué en attente d'examen par la modération." in page
    assert SECRET not in page
    assert "Message supprimé par son auteur." in page and "Une réponse" in page
    assert "Bientôt effacé" not in page and f'id="commentaire-{lonely.pk}"' not in page
    assert "Message rétabli" in page and "rétabli après recours" in page


def test_private_debate_is_404_for_anonymous_and_outsiders():
    workspace = WorkspaceFactory(visibility="private")
    member = MembershipFactory(workspace=workspace, role="reader").user
    d = debate(author=member, workspace=workspace)
    assert client().get(d.get_absolute_url()).status_code == 404
    assert client(UserFactory()).get(d.get_absolute_url()).status_code == 404
    assert client(member).get(d.get_absolute_url()).status_code == 200
    post = client(UserFactory()).post(f"/debats/{d.pk}/messages/", {"body": "x"})
    assert post.status_code == 404
    assert client(UserFactory()).get("/debats/999999/").status_code == 404


def test_threads_are_paginated():
    d = debate()
    for i in range(THREADS_PER_PAGE + 2):
        comment(d, body=f"Fil {i}", author=UserFactory())
    first = html(client().get(d.get_absolute_url()))
    assert "Fil 0" in first and f"Fil {THREADS_PER_PAGE + 1}" not in first
    second = html(client().get(d.get_absolute_url(), {"page": 2}))
    assert f"Fil {THREADS_PER_PAGE + 1}" in second


def test_page_queries_do_not_grow_with_the_messages(django_assert_max_num_queries):
    """A page of 10 messages and one of 200 (with replies, authors of every role, moderation
    notices) cost the same number of queries."""

    def fill(d, n):
        authors = [UserFactory(platform_role=r) for r in ("citizen", "official", "staff")]
        for i in range(n):
            top = Comment.objects.create(debate=d, author=authors[i % 3], body=f"m{i}")
            Comment.objects.create(debate=d, author=authors[(i + 1) % 3], body="r", parent=top)

    viewer = UserFactory()
    small, big = debate(), debate()
    fill(small, 5)
    fill(big, 100)
    c = client(viewer)
    c.get(small.get_absolute_url())  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert c.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(big.get_absolute_url()).status_code == 200


# --- writing ---


def test_comment_and_reply_without_script():
    d = debate()
    user = UserFactory()
    response = client(user).post(
        f"/debats/{d.pk}/messages/", {"body": "Je propose *ceci*.", "stance": "for"}
    )
    c = Comment.objects.get(debate=d)
    assert response.status_code == 302 and response["Location"].endswith(f"#commentaire-{c.pk}")
    assert c.stance == "for" and c.author == user
    other = UserFactory()
    reply = client(other).post(f"/debats/{d.pk}/messages/", {"body": "Bonne idée", "parent": c.pk})
    assert reply.status_code == 302
    r = Comment.objects.get(parent=c)
    page = html(client(other).get(d.get_absolute_url()))
    assert "<em>ceci</em>" in page
    assert f'<input type="hidden" name="parent" value="{c.pk}">' in page
    assert f'value="{r.pk}"' not in page  # depth 2: no reply form under a reply
    deeper = client(user).post(f"/debats/{d.pk}/messages/", {"body": "Trop", "parent": r.pk})
    assert deeper.status_code == 400 and "deux niveaux au plus" in html(deeper)
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"body": ""}, "Votre message"),
        ({"body": "   "}, "Votre message"),
        ({"body": "x" * 5001}, "Votre message"),
        ({"body": "ok", "stance": "peut-être"}, "Votre position"),
    ],
)
def test_bad_messages_show_the_error_summary_and_save_nothing(data, expected):
    d = debate()
    response = client(UserFactory()).post(f"/debats/{d.pk}/messages/", data)
    assert response.status_code == 400
    page = html(response)
    assert "Rien n'a été enregistré" in page and expected in page
    assert not Comment.objects.exists()


def test_a_reply_refused_keeps_its_text_in_its_opened_form():
    d = debate()
    c = comment(d)
    response = client(UserFactory()).post(
        f"/debats/{d.pk}/messages/", {"body": "x" * 5001, "parent": c.pk}
    )
    assert response.status_code == 400
    page = html(response)
    assert '<details class="reply" open>' in page and f'href="#reply-{c.pk}-body"' in page
    assert Comment.objects.count() == 1


def test_too_many_messages_answer_429_with_a_clear_error_and_nothing_saved(settings):
    settings.FABRIQUE_COMMENTS_PER_WINDOW = 2
    d = debate()
    user = UserFactory()
    for i in range(2):
        assert client(user).post(f"/debats/{d.pk}/messages/", {"body": f"m{i}"}).status_code == 302
    response = client(user).post(f"/debats/{d.pk}/messages/", {"body": "encore un"})
    assert response.status_code == 429
    page = html(response)
    assert "attendez un peu" in page and "Rien n'a été enregistré" in page
    assert "encore un" in page  # the text is kept in the form
    assert Comment.objects.filter(debate=d).count() == 2


def test_closed_and_past_debates_explain_and_refuse_messages():
    d = debate()
    debate_close(actor=d.author, debate=d, synthesis="Ce qui ressort : " + "beaucoup " * 8)
    page = html(client(UserFactory()).get(d.get_absolute_url()))
    assert "Le débat est clos" in page and "Synthèse" in page and "Ce qui ressort" in page
    assert 'name="body"' not in page
    refused = client(UserFactory()).post(f"/debats/{d.pk}/messages/", {"body": "Trop tard"})
    assert refused.status_code == 409 and "ne reçoit plus de message" in html(refused)
    past = debate()
    Debate.objects.filter(pk=past.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = html(client(UserFactory()).get(past.get_absolute_url()))
    assert "La période de contribution s'est terminée le" in page
    assert not Comment.objects.filter(body="Trop tard").exists()


def test_anonymous_post_is_sent_to_sign_in():
    d = debate()
    response = client().post(f"/debats/{d.pk}/messages/", {"body": "Bonjour"})
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    assert not Comment.objects.exists()


def test_edit_own_message_only_and_never_a_hidden_one():
    d = debate()
    author = seasoned()
    c = comment(d, author=author, body="Premier jet")
    assert client(UserFactory()).get(f"/debats/messages/{c.pk}/modifier/").status_code == 403
    form = client(author).get(f"/debats/messages/{c.pk}/modifier/")
    assert form.status_code == 200 and "Premier jet" in html(form)
    empty = client(author).post(f"/debats/messages/{c.pk}/modifier/", {"body": ""})
    assert empty.status_code == 400 and "Rien n'a été enregistré" in html(empty)
    done = client(author).post(f"/debats/messages/{c.pk}/modifier/", {"body": "Version 2"})
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.body == "Version 2" and c.edited_at is not None
    secret = comment(d, author=author, body=SECRET)
    hide(secret)
    refused = client(author).get(f"/debats/messages/{secret.pk}/modifier/")
    assert refused.status_code == 302
    assert SECRET not in html(client(author).get(refused["Location"]))


def test_delete_asks_for_confirmation_first():
    d = debate()
    c = comment(d, body="À effacer")
    url = f"/debats/messages/{c.pk}/supprimer/"
    assert client(UserFactory()).post(url).status_code == 403
    ask = client(c.author).post(url)
    assert ask.status_code == 200 and "Oui, supprimer mon message" in html(ask)
    c.refresh_from_db()
    assert c.state == "visible"
    done = client(c.author).post(url, {"confirmed": "1"})
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.state == "deleted" and c.body == ""


def test_close_page_for_author_moderator_and_staff_only():
    d = debate()
    url = f"/debats/{d.pk}/clore/"
    assert client(UserFactory()).get(url).status_code == 403
    assert client(UserFactory(platform_role="staff")).get(url).status_code == 200
    assert client(moderator()).get(url).status_code == 200
    assert "Clore le débat avec une synthèse" in html(client(d.author).get(d.get_absolute_url()))
    short = client(d.author).post(url, {"synthesis": "Trop court"})
    assert short.status_code == 400 and "Rien n'a été enregistré" in html(short)
    synthesis = "Nous retenons trois emplacements de stationnement vélo sécurisés."
    ask = client(d.author).post(url, {"synthesis": synthesis})
    assert ask.status_code == 200 and "Oui, clore le débat" in html(ask)
    d.refresh_from_db()
    assert d.state == "open"
    done = client(d.author).post(url, {"synthesis": synthesis, "confirmed": "1"})
    assert done.status_code == 302
    d.refresh_from_db()
    assert d.state == "closed" and d.synthesis == synthesis
    assert "déjà « clos »" in html(client(d.author).get(url))


# --- on the sheet page and the workspace page ---


def test_sheet_page_lists_its_debates_and_offers_to_open_one():
    sheet = SheetFactory(title="Fiche à débattre")
    d = debate(sheet=sheet, title="Le débat de la fiche")
    comment(d)
    anonymous = html(client().get(sheet.get_absolute_url()))
    assert "Le débat de la fiche" in anonymous and "1 message" in anonymous
    assert "Connectez-vous pour ouvrir un débat sur ce projet" in anonymous
    signed_in = html(client(UserFactory()).get(sheet.get_absolute_url()))
    assert f"/debats/nouveau/?fiche={sheet.pk}" in signed_in
    assert "Ouvrir un débat sur ce projet" in signed_in


def test_workspace_page_lists_its_debates():
    workspace = WorkspaceFactory(visibility="private")
    member = MembershipFactory(workspace=workspace, role="reader").user
    debate(author=member, workspace=workspace, title="Débat interne")
    page = html(client(member).get(workspace.get_absolute_url()))
    assert "Débat interne" in page
    assert f"/debats/nouveau/?espace={workspace.slug}" in page
    public = WorkspaceFactory()
    page = html(client().get(public.get_absolute_url()))
    assert "Aucun débat dans cet espace" in page


# --- who sees what: one table per page and role ---

ROLES = ["anonymous", "outsider", "reader", "owner", "moderator", "staff"]
# (public workspace, private workspace) statuses of a debate's page, per role.
DETAIL_STATUS = {
    "anonymous": (200, 404),
    "outsider": (200, 404),
    "reader": (200, 200),
    "owner": (200, 200),
    "moderator": (200, 404),
    "staff": (200, 404),
}
# The open form of a workspace's debate (?espace=): a visitor is sent to sign in (302).
CREATE_STATUS = {
    "anonymous": (302, 302),
    "outsider": (200, 404),
    "reader": (200, 200),
    "owner": (200, 200),
    "moderator": (200, 404),
    "staff": (200, 404),
}
# The close page of a debate opened by the workspace's owner.
CLOSE_STATUS = {
    "anonymous": (302, 302),
    "outsider": (403, 404),
    "reader": (403, 403),
    "owner": (200, 200),
    "moderator": (200, 404),
    "staff": (200, 404),
}


def _actors(make_workspace, visibility):
    workspace, actors = make_workspace(visibility=visibility)
    actors["moderator"] = moderator()
    return workspace, actors


@pytest.mark.parametrize("role", ROLES)
def test_debate_pages_per_role(make_workspace, role):
    for index, visibility in enumerate(("public", "private")):
        workspace, actors = _actors(make_workspace, visibility)
        d = debate(author=actors["owner"], workspace=workspace, title=f"Débat {visibility}")
        who = client(actors[role])
        assert who.get(d.get_absolute_url()).status_code == DETAIL_STATUS[role][index], visibility
        create = who.get(f"/debats/nouveau/?espace={workspace.slug}")
        assert create.status_code == CREATE_STATUS[role][index], visibility
        close = who.get(f"/debats/{d.pk}/clore/")
        assert close.status_code == CLOSE_STATUS[role][index], visibility
        listed = html(who.get("/debats/"))
        assert (d.title in listed) == (DETAIL_STATUS[role][index] == 200)


def test_the_debate_page_in_english():
    d = debate()
    c = comment(d, author=seasoned(), body=SECRET, stance="for")
    hide(c, reason="Insult")
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    page = html(english.get(d.get_absolute_url()))
    assert '<html lang="en">' in page
    assert "Stances taken" in page and "Message hidden by the moderators on" in page
    assert "charter, article 1" in page and "Sign in to take part in the debate" in page
    assert SECRET not in page
    assert "Moderation charter" in html(english.get("/moderation/charte/"))


def test_nul_bytes_in_a_message_are_refused_before_the_view():
    d = debate()
    response = client(UserFactory()).post(f"/debats/{d.pk}/messages/", {"body": "a\x00b"})
    assert response.status_code == 400
    assert not Comment.objects.exists()
