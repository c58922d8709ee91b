"""The moderation pages through the Django client: report, appeal, the queue and a case with
its decision forms, the charter, the register and one's notices — per role, without script."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from debates.models import Comment
from moderation.models import ModerationAction, ModerationCase, Notice, Report
from moderation.services import appeal_create, case_decide, report_create

from ..debates.factories import comment, debate, moderator, seasoned
from ..factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

SECRET = "Texte masqué que seule la modération lit"


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def html(response) -> str:
    return response.content.decode()


def reported(body: str = SECRET, **fields):
    """A comment with one report (the case open) and its case."""
    c = comment(debate(**fields), author=seasoned(), body=body)
    report_create(actor=seasoned(), comment=c, reason="abuse", details="Il insulte Bob.")
    return c, ModerationCase.objects.get(comment=c)


# --- report ---


def test_report_page_sends_a_report_once_and_never_names_the_reporter():
    c = comment(debate(), body="Un avis")
    reporter = UserFactory(display_name="Rapporteuse Discrète")
    url = f"/moderation/signaler/{c.pk}/"
    anonymous = client().get(url)
    assert anonymous.status_code == 302 and "/comptes/connexion/" in anonymous["Location"]
    page = html(client(reporter).get(url))
    assert 'type="radio" name="reason"' in page and "Motif du signalement" in page
    done = client(reporter).post(url, {"reason": "spam", "details": "Publicité"})
    assert done.status_code == 302 and done["Location"].endswith(f"#commentaire-{c.pk}")
    assert Report.objects.get().reporter == reporter
    again = client(reporter).post(url, {"reason": "abuse"})
    assert again.status_code == 409 and "déjà signalé" in html(again)
    assert Report.objects.count() == 1
    case = ModerationCase.objects.get(comment=c)
    assert "Rapporteuse Discrète" not in html(
        client(moderator()).get(f"/moderation/cas/{case.pk}/")
    )


@pytest.mark.parametrize(
    "data", [{}, {"reason": "pas-un-motif"}, {"reason": "spam", "details": "x" * 1001}]
)
def test_bad_reports_show_the_error_summary_and_save_nothing(data):
    c = comment(debate())
    response = client(UserFactory()).post(f"/moderation/signaler/{c.pk}/", data)
    assert response.status_code == 400
    assert "Rien n'a été enregistré" in html(response)
    assert not Report.objects.exists()


def test_one_does_not_report_ones_own_message_nor_a_private_debate_one_cannot_see():
    c = comment(debate())
    own = html(client(c.author).get(f"/moderation/signaler/{c.pk}/"))
    assert "On ne signale pas son propre message" in own and 'name="reason"' not in own
    refused = client(c.author).post(f"/moderation/signaler/{c.pk}/", {"reason": "spam"})
    assert refused.status_code == 400 and not Report.objects.exists()
    workspace = WorkspaceFactory(visibility="private")
    member = MembershipFactory(workspace=workspace, role="reader").user
    private = comment(debate(author=member, workspace=workspace), author=member)
    assert client(UserFactory()).get(f"/moderation/signaler/{private.pk}/").status_code == 404


# --- the queue and a case ---


def test_queue_is_for_moderators_and_staff_only():
    reported()
    assert client().get("/moderation/").status_code == 302
    assert client(UserFactory()).get("/moderation/").status_code == 403
    assert client(UserFactory(platform_role="official")).get("/moderation/").status_code == 403
    for user in (moderator(), UserFactory(platform_role="staff")):
        page = client(user).get("/moderation/")
        assert page.status_code == 200
        assert "insulte, harcèlement ou propos haineux (1)" in html(page)


def test_queue_orders_open_cases_by_due_date_and_says_overdue_in_words():
    late_comment, late = reported(body="tard")
    soon_comment, soon = reported(body="tôt")
    decided_comment, decided = reported(body="fini")
    case_decide(actor=moderator(), case=decided, action="dismiss", reason="Rien à redire.")
    ModerationCase.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page = html(client(moderator()).get("/moderation/"))
    assert page.index(f"Cas n° {late.pk}") < page.index(f"Cas n° {soon.pk}")
    assert page.index(f"Cas n° {soon.pk}") < page.index(f"Cas n° {decided.pk}")
    assert "En retard : échéance dépassée" in page
    assert SECRET not in page


def test_case_page_shows_the_text_reports_history_and_hides_with_a_reason():
    c, case = reported()
    url = f"/moderation/cas/{case.pk}/"
    assert client(UserFactory()).get(url).status_code == 403
    assert client().get(url).status_code == 302
    mod = moderator()
    page = html(client(mod).get(url))
    assert SECRET in page and "Il insulte Bob." in page and "Cas ouvert" in page
    assert '<option value="1">Article 1 — Respect des personnes</option>' in page
    missing = client(mod).post(url, {"form": "decision", "action": "hide", "reason": "Insulte"})
    assert missing.status_code == 400 and "Citez l&#x27;article" in html(missing)
    empty = client(mod).post(url, {"form": "decision", "action": "hide", "reason": "", "rule": "1"})
    assert empty.status_code == 400 and "Rien n'a été enregistré" in html(empty)
    case.refresh_from_db()
    assert case.state == "pending"
    done = client(mod).post(
        url, {"form": "decision", "action": "hide", "reason": "Insulte envers Bob", "rule": "1"}
    )
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.state == "hidden" and c.moderation_reason == "Insulte envers Bob"
    after = html(client(mod).get(url))
    assert "Insulte envers Bob" in after and SECRET in after  # moderators still read it
    assert "masqué au public" in after


def test_a_moderator_who_took_part_is_told_why_and_cannot_decide():
    c, case = reported()
    mod = moderator()
    comment(c.debate, author=mod, body="J'ai participé")
    page = html(client(mod).get(f"/moderation/cas/{case.pk}/"))
    assert "Vous avez pris part à ce débat" in page and 'name="action"' not in page
    forced = client(mod).post(
        f"/moderation/cas/{case.pk}/",
        {"form": "decision", "action": "dismiss", "reason": "Non"},
    )
    assert forced.status_code == 403
    case.refresh_from_db()
    assert case.state == "pending"


def test_a_concurrent_decision_shows_the_message_and_the_fresh_state():
    c, case = reported()
    first, second = moderator(), moderator()
    page = html(client(second).get(f"/moderation/cas/{case.pk}/"))
    assert 'name="action"' in page
    case_decide(actor=first, case=case, action="dismiss", reason="Rien à redire.")
    late = client(second).post(
        f"/moderation/cas/{case.pk}/",
        {"form": "decision", "action": "hide", "reason": "Trop tard", "rule": "1"},
    )
    assert late.status_code == 409
    body = html(late)
    assert "Rien n'a été enregistré : voici le cas tel qu'il est maintenant." in body
    assert "signalement écarté" in body and "Rien à redire." in body
    assert ModerationAction.objects.filter(case=case, kind="hide").count() == 0


def test_an_appeal_goes_to_another_moderator_who_may_reverse():
    c, case = reported()
    hider, other = moderator(), moderator()
    case_decide(actor=hider, case=case, action="hide", reason="Insulte", rule="1")
    appeal_create(actor=c.author, comment=c, text="C'était de l'ironie.")
    url = f"/moderation/cas/{case.pk}/"
    mine = html(client(hider).get(url))
    assert "Vous avez masqué ce message" in mine and 'value="reverse"' not in mine
    assert (
        client(hider)
        .post(url, {"form": "appeal", "action": "reverse", "reason": "Revu"})
        .status_code
        == 403
    )
    page = html(client(other).get(url))
    assert "C&#x27;était de l&#x27;ironie." in page and 'value="reverse"' in page
    done = client(other).post(url, {"form": "appeal", "action": "reverse", "reason": "Ironie."})
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.state == "visible" and c.reinstated_at is not None
    assert "rétabli après recours" in html(client().get(c.debate.get_absolute_url()))


# --- appeal ---


def test_appeal_page_for_the_author_within_the_deadline_once():
    c, case = reported()
    case_decide(actor=moderator(), case=case, action="hide", reason="Insulte", rule="1")
    url = f"/moderation/recours/{c.pk}/"
    assert client(UserFactory()).get(url).status_code == 403
    page = html(client(c.author).get(url))
    assert "motif : Insulte" in page and 'href="/moderation/charte/#article-1"' in page
    assert SECRET not in page
    empty = client(c.author).post(url, {"text": ""})
    assert empty.status_code == 400 and "Rien n'a été enregistré" in html(empty)
    done = client(c.author).post(url, {"text": "Je conteste."})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == "appealed"
    again = client(c.author).post(url, {"text": "Encore"})
    assert again.status_code == 409 and "en cours d&#x27;examen" not in html(again)
    assert "en cours d'examen" in html(again)


def test_appeal_after_the_deadline_is_explained_without_a_form():
    c, case = reported()
    case_decide(actor=moderator(), case=case, action="hide", reason="Insulte", rule="1")
    Comment.objects.filter(pk=c.pk).update(appealable_until=timezone.now() - datetime.timedelta(1))
    page = html(client(c.author).get(f"/moderation/recours/{c.pk}/"))
    assert "Le délai de recours de 14 jours est passé." in page and 'name="text"' not in page


# --- charter and register ---


def test_charter_has_article_anchors_versions_and_the_moderators():
    moderator(display_name="Modératrice Publique")
    page = html(client().get("/moderation/charte/"))
    assert 'id="article-1"' in page and 'id="article-9"' in page
    assert "Version 1" in page and "Modératrice Publique" in page
    assert 'href="/moderation/registre/"' in page


def test_register_is_a_captioned_table_with_month_navigation():
    c, case = reported()
    case_decide(actor=moderator(), case=case, action="hide", reason="Insulte", rule="1")
    month = timezone.localdate().strftime("%Y-%m")
    page = html(client().get("/moderation/registre/", {"month": month}))
    assert "<caption>Registre de la modération," in page
    assert (
        '<th scope="row">Signalements : insulte, harcèlement ou propos haineux</th><td>1</td>'
        in (page)
    )
    assert '<th scope="row">Décisions : message masqué</th><td>1</td>' in page
    assert "Mois précédent" in page and "Mois suivant" not in page
    assert SECRET not in page and "Insulte" not in page.split("<table>")[1]
    old = html(client().get("/moderation/registre/", {"month": "2020-01"}))
    assert "Mois suivant" in old and "<td>1</td>" not in old
    assert client().get("/moderation/registre/", {"month": "n'importe"}).status_code == 200


def test_register_of_a_private_workspace_is_404_to_outsiders():
    workspace = WorkspaceFactory(visibility="private")
    member = MembershipFactory(workspace=workspace, role="reader").user
    url = f"/moderation/registre/?espace={workspace.slug}"
    assert client(UserFactory()).get(url).status_code == 404
    assert client().get(url).status_code == 404
    page = client(member).get(url)
    assert page.status_code == 200 and workspace.name in html(page)
    assert client().get("/moderation/registre/?espace=inconnu").status_code == 404


# --- notices ---


def test_notices_tell_each_step_in_sentences_and_are_marked_read_with_a_button():
    c, case = reported()
    case_decide(actor=moderator(), case=case, action="hide", reason="Insulte", rule="1")
    author = c.author
    assert client().get("/moderation/avis/").status_code == 302
    from tests.notifications.world import drain

    drain()  # the worker turns the decision into the author's notification
    home = html(client(author).get("/"))
    assert '1<span class="visually-hidden"> non lue</span>' in home
    page = html(client(author).get("/moderation/avis/"))
    assert "a été masqué par la modération — motif : Insulte" in page
    assert 'href="/moderation/charte/#article-1"' in page
    assert f'href="/moderation/recours/{c.pk}/"' in page
    assert f'href="/debats/messages/{c.pk}/"' in page
    assert SECRET not in page
    reporter = Report.objects.get(case=case).reporter
    told = html(client(reporter).get("/moderation/avis/"))
    assert "Le message que vous avez signalé" in told and SECRET not in told
    marked = client(author).post("/moderation/avis/lus/")
    assert marked.status_code == 302
    assert not Notice.objects.filter(recipient=author, read_at__isnull=True).exists()
    assert "Tout marquer comme lu" not in html(client(author).get("/moderation/avis/"))


def test_comment_goto_leads_to_the_right_page_and_anchor():
    d = debate()
    from debates.selectors import THREADS_PER_PAGE

    for i in range(THREADS_PER_PAGE):
        comment(d, body=f"f{i}")
    last = comment(d, body="dernier")
    response = client().get(f"/debats/messages/{last.pk}/")
    assert response["Location"] == f"/debats/{d.pk}/?page=2#commentaire-{last.pk}"


# --- who opens which page: one table ---

# role: statuses of the queue, a case, the charter, the register, one's notices.
PAGE_STATUS = {
    "anonymous": (302, 302, 200, 200, 302),
    "citizen": (403, 403, 200, 200, 200),
    "official": (403, 403, 200, 200, 200),
    "moderator": (200, 200, 200, 200, 200),
    "staff": (200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("role", list(PAGE_STATUS))
def test_moderation_pages_per_role(role):
    _c, case = reported()
    user = {
        "anonymous": None,
        "citizen": UserFactory(),
        "official": UserFactory(platform_role="official"),
        "moderator": moderator(),
        "staff": UserFactory(platform_role="staff"),
    }[role]
    who = client(user)
    urls = [
        "/moderation/",
        f"/moderation/cas/{case.pk}/",
        "/moderation/charte/",
        "/moderation/registre/",
        "/moderation/avis/",
    ]
    assert [who.get(url).status_code for url in urls] == list(PAGE_STATUS[role])
    missing = {"anonymous": 302, "citizen": 403, "official": 403}.get(role, 404)
    assert who.get("/moderation/cas/999999/").status_code == missing
