"""Every key page, as the person who would open it, at 320, 390, 768 and 1366 px wide: the
document is never wider than the window (nothing scrolls sideways), and axe-core finds no
violation at the narrowest and the widest. Screenshots at 390 and 1366 px are kept."""

from collections.abc import Callable

import pytest
from django.urls import reverse

from .ui import UI, WIDTHS, axe_report, axe_violations, in_thread, login, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ALICE = "alice@demo.fabrique.test"  # owner of collectif-velo-neudorf
ELUE = "elue@demo.fabrique.test"
AGENT = "agent@demo.fabrique.test"
MODERATION = "moderation@demo.fabrique.test"


def sheet(slug: str, view: str = "portal:sheet", query: str = "") -> Callable[[], str]:
    def url() -> str:
        from projects.models import ProjectSheet

        return reverse(view, args=[ProjectSheet.objects.get(slug=slug).pk]) + query

    return url


def demo_amendment() -> str:
    from amendments.models import Amendment

    first = Amendment.objects.filter(sheet__slug="stationnement-velos-gare-centrale").first()
    assert first is not None, "the demo data has an amendment round"
    return reverse("amendments:detail", args=[first.pk])


def demo_official(what: str = "page") -> str:
    """The demo official elue@: her page, the form to write to her, or her answered request."""
    from officials.models import Request

    answered = Request.objects.select_related("official").get(state="answered")
    if what == "request":
        return answered.get_absolute_url()
    if what in ("write", "edit"):
        return reverse(f"officials:{what}", args=[answered.official.user_id])
    return answered.official.get_absolute_url()


def document(title: str) -> Callable[[], str]:
    def url() -> str:
        from documents.models import Document

        return reverse("documents:detail", args=[Document.objects.get(title=title).pk])

    return url


def demo_debate(suffix: str = "") -> Callable[[], str]:
    """The demo's debate on the Gare centrale sheet (one of its messages hidden by moderation)."""

    def url() -> str:
        from debates.models import Debate

        debate = Debate.objects.get(sheet__slug="stationnement-velos-gare-centrale")
        return debate.get_absolute_url() + suffix

    return url


def demo_case() -> str:
    from moderation.models import ModerationCase

    case = ModerationCase.objects.get(
        comment__debate__sheet__slug="stationnement-velos-gare-centrale"
    )
    return reverse("moderation:case", args=[case.pk])


def demo_unsubscribe() -> str:
    """The link of dan@'s e-mails that stops them all (signed, no login needed)."""
    from accounts.demo import demo_user
    from notifications.tokens import Unsubscribe, unsubscribe_token

    token = unsubscribe_token(Unsubscribe(demo_user("dan@demo.fabrique.test").pk))
    return reverse("notifications:unsubscribe", args=[token])


JURA = "piste-cyclable-rue-du-jura"  # two versions, initiative stage, public
VELORUE = "velorue-quai-des-bateliers"  # evaluation stage, framing note, public document
NEUDORF = "collectif-velo-neudorf"

# name: (who signs in, the page's address)
PAGES: dict[str, tuple[str | None, str | Callable[[], str]]] = {
    "home": (None, "/"),
    "sheet-list": (None, "/fiches/"),
    "sheet": (None, sheet(VELORUE)),
    "sheet-versions": (None, sheet(VELORUE, "projects:versions")),
    "sheet-diff": (None, sheet(JURA, "projects:diff", "?from=1&to=2")),
    "search-results": (None, "/recherche/?q=v%C3%A9lo"),
    "login": (None, "/comptes/connexion/"),
    "signup": (None, "/comptes/inscription/"),
    "officials": (None, "/elus/"),
    "official": (None, lambda: demo_official()),
    "official-request": (None, lambda: demo_official("request")),
    "official-inbox": ("elue@demo.fabrique.test", "/elus/boite/"),
    "official-write": ("dan@demo.fabrique.test", lambda: demo_official("write")),
    "my-requests": ("dan@demo.fabrique.test", "/elus/demandes/"),
    "official-verify": ("agent@demo.fabrique.test", "/elus/verifier/"),
    "official-edit": ("agent@demo.fabrique.test", lambda: demo_official("edit")),
    "officials-finder": (None, "/elus/qui-contacter/?territory=strasbourg&theme=mobilite"),
    "officials-method": (None, "/elus/methode/"),
    "workspace-list": (None, "/espaces/"),
    "workspace": (None, f"/espaces/{NEUDORF}/"),
    "document-public": (None, document("Plan vélo métropolitain – synthèse")),
    "not-found": (None, "/cette-page-n-existe-pas/"),
    "home-member": (ALICE, "/"),
    "workspace-create": (ALICE, "/espaces/nouveau/"),
    "workspace-members": (ALICE, f"/espaces/{NEUDORF}/membres/"),
    "documents": (ALICE, f"/documents/espace/{NEUDORF}/"),
    "document-upload": (ALICE, f"/documents/espace/{NEUDORF}/deposer/"),
    "document-owner": (ALICE, document("Comptage vélo rue du Jura")),
    "documents-trash": (ALICE, f"/documents/espace/{NEUDORF}/corbeille/"),
    "sheet-create": (ALICE, f"/fiches/espace/{NEUDORF}/nouvelle/"),
    "sheet-edit": (ALICE, sheet(JURA, "projects:edit")),
    "profile": (ALICE, "/comptes/profil/"),
    "framing-note-form": (ELUE, sheet(JURA, "projects:framing_create")),
    "debate-list": (None, "/debats/"),
    "debate": (None, demo_debate()),
    "debate-member": (ALICE, demo_debate()),
    "debate-create": (ALICE, "/debats/nouveau/"),
    "charter": (None, "/moderation/charte/"),
    "register": (None, "/moderation/registre/"),
    "moderation-notices": (ALICE, "/moderation/avis/"),
    "moderation-queue": (MODERATION, "/moderation/"),
    "moderation-case": (MODERATION, demo_case),
    "board": (AGENT, "/suivi/"),
    "sheet-staff": (AGENT, sheet(JURA)),
    "amendment": (None, demo_amendment),
    "sheet-amendments": (None, sheet("stationnement-velos-gare-centrale")),
    "amendment-author": ("bob@demo.fabrique.test", demo_amendment),
    "notifications": ("dan@demo.fabrique.test", "/notifications/"),
    "notification-settings": ("dan@demo.fabrique.test", "/notifications/reglages/"),
    "sheet-follow": ("dan@demo.fabrique.test", sheet(VELORUE)),
    "unsubscribe": (None, demo_unsubscribe),
    "unsubscribe-invalid": (None, "/notifications/desabonnement/pas-un-lien-signe/"),
    "territory-index": (None, "/territoires/"),
    "territory-commune": (None, "/territoires/strasbourg/"),
    "territory-quartier": (None, "/territoires/strasbourg/strasbourg-neudorf/"),
    "territory-quartier-member": (
        "dan@demo.fabrique.test",
        "/territoires/strasbourg/strasbourg-neudorf/",
    ),
    "quartiers-manage": (AGENT, "/territoires/gestion/quartiers/"),
    "quartier-edit": (AGENT, "/territoires/gestion/quartiers/strasbourg-neudorf/"),
}

# Pages known to scroll sideways at some width, each with its cause: strict, so that the day the
# layout is fixed the test fails until the entry goes.
TOO_WIDE: dict[str, str] = {}


def cases():
    for name, (who, _url) in PAGES.items():
        marks = []
        if name in TOO_WIDE:
            marks.append(pytest.mark.xfail(reason=TOO_WIDE[name], strict=True))
        yield pytest.param(name, id=name, marks=marks)


@pytest.mark.parametrize("name", list(cases()))
def test_page_fits_every_width_and_passes_axe(browser, site, request, name):
    who, address = PAGES[name]
    if callable(address):
        address = in_thread(address)
    ui = UI(browser, site.url, "desktop", request.node.name)
    try:
        page = ui.page
        if who:
            login(page, who)
        page.goto(address)
        too_wide, violations = [], {}
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            measured = overflow(page)
            if measured["scroll"] > measured["viewport"]:
                too_wide.append(
                    f"{width} px: document {measured['scroll']} px, past the edge: "
                    + ", ".join(measured["past"])
                )
            if width in (320, 1366):
                found = axe_violations(page)
                if found:
                    violations[width] = axe_report(found)
            if width in (390, 1366):
                folder = "phone" if width == 390 else "desktop"
                ui.screenshot(page, f"{folder}/page-{name}")
        assert not too_wide, f"{name} ({address}) scrolls sideways:\n" + "\n".join(too_wide)
        assert not violations, f"axe-core on {name} ({address}):\n" + "\n".join(
            f"at {w} px:\n{report}" for w, report in violations.items()
        )
        assert not page.errors, f"{name} reported:\n" + "\n".join(page.errors)
    finally:
        ui.close()
