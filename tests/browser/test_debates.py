"""A debate and its moderation, by the people who take part: a citizen writes, another reports
the message, a moderator hides it with a reason, its author appeals, a second moderator
reinstates it — and every page they pass through (and the debate pages around them) passes
axe-core, at a phone's width and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from .ui import PASSWORD, menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Quels arceaux vélo devant la médiathèque ?"
MESSAGE = "Il faut des arceaux couverts, côté parvis : tout le monde y gagne."


@pytest.fixture
def debate_on_the_site(site):
    """An open debate about Strasbourg by the elected official (before Playwright starts), and a
    second moderator for the appeal if the demo has none."""
    from accounts.models import PlatformRole, User
    from accounts.services import user_set_platform_role
    from debates.services import debate_create
    from territories.models import Territory

    if not User.objects.filter(email="moderation2@demo.fabrique.test").exists():
        second = User.objects.create_user(
            "moderation2@demo.fabrique.test", PASSWORD, display_name="Second regard"
        )
        user_set_platform_role(actor=None, user=second, role=PlatformRole.MODERATOR)
    debate = debate_create(
        actor=User.objects.get(email="elue@demo.fabrique.test"),
        title=TITLE,
        body="Le parvis sera refait en 2027. **Où** placer les arceaux ?",
        territory=Territory.objects.get(slug="strasbourg"),
    )
    return debate.get_absolute_url()


def test_comment_report_hide_appeal_reverse(debate_on_the_site, ui):
    url = debate_on_the_site

    # A citizen finds the debate from the header and writes.
    alice = ui.as_user("alice@demo.fabrique.test")
    menu(alice).get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Débats"
    ).click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Débats")
    ui.check("debate-list", alice)
    alice.get_by_role("link", name="Ouvrir un débat").click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Ouvrir un débat")
    ui.check("debate-create", alice)
    alice.goto(url)
    expect(alice.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(alice.locator(".badge-role").first).to_have_text("élu·e")
    alice.get_by_label("Votre message").fill(MESSAGE)
    alice.get_by_label("pour", exact=True).check()
    alice.get_by_role("button", name="Publier le message").click()
    message = alice.locator("article.comment", has_text=MESSAGE)
    expect(message).to_be_visible()
    expect(alice.get_by_role("status")).to_contain_text("Message publié")
    ui.check("debate-detail", alice)

    # Another reports it, with a reason from the list.
    bob = ui.as_user("bob@demo.fabrique.test")
    bob.goto(url)
    bob.locator("article.comment", has_text=MESSAGE).get_by_role(
        "link", name=re.compile("^Signaler")
    ).click()
    expect(bob.get_by_role("heading", level=1)).to_have_text("Signaler un message")
    ui.check("report", bob)
    bob.get_by_label("hors sujet").check()
    bob.get_by_label("Précisions (facultatif)").fill("Rien à voir avec les arceaux.")
    bob.get_by_role("button", name="Envoyer le signalement").click()
    expect(bob.get_by_role("status")).to_contain_text("votre signalement est transmis")

    # A moderator finds it in the queue and hides it, with a reason and an article.
    moderator = ui.as_user("moderation@demo.fabrique.test")
    menu(moderator).get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Modération"
    ).click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text("File de modération")
    ui.check("moderation-queue", moderator)
    moderator.locator(".case-list li", has_text=TITLE).first.get_by_role(
        "link", name=re.compile("^Cas n°")
    ).click()
    expect(moderator.locator(".case-text")).to_contain_text("arceaux couverts")
    ui.check("moderation-case", moderator)
    moderator.get_by_label("Masquer le message", exact=True).check()
    moderator.get_by_label("Motif (publié)").fill("Propos hors du sujet du débat.")
    moderator.get_by_label("Article de la charte appliqué").select_option("2")
    moderator.get_by_role("button", name="Enregistrer la décision").click()
    expect(moderator.get_by_role("status")).to_contain_text("Décision enregistrée")
    ui.check("moderation-case-decided", moderator)

    # Its author sees the decision in its place, reads the notice, and appeals.
    alice.goto(url)
    hidden = alice.locator("article.comment", has_text="Message masqué par la modération")
    expect(hidden).to_contain_text("motif : Propos hors du sujet du débat.")
    expect(alice.get_by_role("main")).not_to_contain_text(MESSAGE)
    ui.check("debate-hidden", alice)
    # The decision reaches her through the header's bell and the notification centre.
    menu(alice).get_by_role("link", name=re.compile(r"^Notifications\s*\d+ non lues?$")).click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Notifications")
    # Newest first: this decision, above the demo's older one.
    alice.get_by_role("link", name="Décision de modération : message masqué").first.click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Mes avis de modération")
    ui.check("moderation-notices", alice)
    alice.get_by_role("link", name=re.compile(r"^Faire un recours")).click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Faire un recours")
    ui.check("appeal", alice)
    alice.get_by_label("Pourquoi la décision devrait-elle être revue ?").fill(
        "Les arceaux du parvis sont exactement le sujet du débat."
    )
    alice.get_by_role("button", name="Envoyer le recours").click()
    expect(alice.get_by_role("status")).to_contain_text("Recours enregistré")

    # The moderator who hid it is told the appeal goes to someone else.
    moderator.reload()
    expect(moderator.get_by_role("main")).to_contain_text("Vous avez masqué ce message")

    # A second moderator reverses it.
    second = ui.as_user("moderation2@demo.fabrique.test")
    second.goto("/moderation/")
    second.locator(".case-list li", has_text=TITLE).first.get_by_role(
        "link", name=re.compile("^Cas n°")
    ).click()
    expect(second.get_by_role("main")).to_contain_text("Recours de l'auteur")
    second.get_by_label("Rétablir le message", exact=True).check()
    second.get_by_label("Motif (dit à l'auteur)").fill("Le message porte bien sur le débat.")
    second.get_by_role("button", name="Enregistrer la décision sur le recours").click()
    expect(second.get_by_role("status")).to_contain_text("Décision enregistrée")

    # Everyone sees the message back, marked as reinstated after appeal.
    visitor = ui.page
    visitor.goto(url)
    back = visitor.locator("article.comment", has_text=MESSAGE)
    expect(back).to_contain_text("rétabli après recours")
    expect(back).to_contain_text("position : pour")
    ui.check("debate-reinstated", visitor)

    # The public pages around moderation, and the author's close page.
    visitor.get_by_role("link", name="Lire la charte").first.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Charte de modération")
    ui.check("charter", visitor)
    visitor.get_by_role("link", name=re.compile("registre public")).click()
    expect(visitor.get_by_role("table")).to_contain_text("Recours : message rétabli")
    ui.check("register", visitor)
    official = ui.as_user("elue@demo.fabrique.test")
    official.goto(url)
    official.get_by_role("link", name="Clore le débat avec une synthèse").click()
    expect(official.get_by_role("heading", level=1)).to_contain_text("Clore le débat")
    ui.check("debate-close", official)
    alice.goto(url)
    alice.locator("article.comment", has_text=MESSAGE).get_by_role(
        "link", name=re.compile("^Modifier")
    ).click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("Modifier votre message")
    ui.check("comment-edit", alice)
