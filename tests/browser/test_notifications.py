"""Notifications, in a browser (issue 16, item 7): a citizen follows a territory from the
notification settings and a sheet with its "Suivre" button (also with script switched off);
someone else moves that sheet on; the header's bell counts it, the centre lists it with its
reason, opening it reads it; the next morning's digest arrives through Django's console e-mail
backend, grouped by sheet, with its List-Unsubscribe header; its link unsubscribes without
signing in. Every page through axe-core at a phone's width and on a desktop.

The live server has no worker: the events' fan-out and the digest run in a worker thread
(`in_thread`), as the periodic runner would run them."""

import datetime
import email
import email.policy
import io
import re
from contextlib import redirect_stdout
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .steps import check_page
from .ui import PASSWORD, VIEWPORTS, in_thread, login, menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAN = "dan@demo.fabrique.test"  # a citizen of Bischheim; here he follows Schiltigheim
AGENT = "agent@demo.fabrique.test"
ZONE_30 = "zone-30-ecoles-schiltigheim"  # public, in Schiltigheim, at the realisation stage
TITLE = "Zones 30 autour des écoles de Schiltigheim"
CONSOLE_SEPARATOR = "\n" + "-" * 79 + "\n"


@pytest.fixture
def read_up(site) -> str:
    """Before Playwright starts: Dan has read what the demo told him, and this morning's digest
    went out (locmem), so that the bell and the next digest hold this test's news only.
    Returns the sheet's address."""
    from django.utils import timezone

    from accounts.demo import demo_user
    from notifications.digests import digests_send
    from notifications.services import notifications_mark_read
    from projects.models import ProjectSheet

    notifications_mark_read(actor=demo_user(DAN), every=True)
    digests_send(now=timezone.now())
    return ProjectSheet.objects.get(slug=ZONE_30).get_absolute_url()


def _move(name: str, note: str = "") -> int:
    """The agent (not the follower) moves the sheet through the workflow's service; then the
    worker's fan-out, which the live server does not run. Returns Dan's unread count."""
    from accounts.demo import demo_user
    from notifications.fanout import fan_out_pending
    from notifications.selectors import unread_count
    from projects.models import ProjectSheet
    from workflow.services import sheet_transition

    sheet = ProjectSheet.objects.get(slug=ZONE_30)
    sheet_transition(actor=demo_user(AGENT), sheet=sheet, name=name, note=note)
    while fan_out_pending():
        pass
    return unread_count(demo_user(DAN))


def _digest_through_console() -> tuple[list[str], tuple[int, int]]:
    """The digest run the morning after (8:00 Europe/Paris, past the 7:30 slot), with the
    console e-mail backend (the embedded default's) printing what it sends; run a second
    time, it sends nothing. Returns the printed messages and the two runs' counts of sent."""
    from django.test import override_settings

    from notifications.digests import PARIS, digests_send

    morning = datetime.datetime.now(PARIS) + datetime.timedelta(days=1)
    now = morning.replace(hour=8, minute=0, second=0, microsecond=0)
    printed = io.StringIO()
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"),
        redirect_stdout(printed),
    ):
        first = digests_send(now=now)
        again = digests_send(now=now + datetime.timedelta(minutes=5))
    messages = [part for part in printed.getvalue().split(CONSOLE_SEPARATOR) if part.strip()]
    return messages, (first.sent, again.sent)


def _invalid_token(path: str) -> str:
    """The same link with one character of its signature changed."""
    token = path.rstrip("/").rsplit("/", 1)[1]
    last = "A" if token[-1] != "A" else "B"
    return path.replace(token, token[:-1] + last)


def test_follow_an_event_the_bell_and_the_digest(read_up, ui, viewport, browser, site):
    sheet_url = read_up
    dan = ui.as_user(DAN)
    expect(menu(dan).locator("a.bell .count")).to_have_count(0)

    # Follow a territory from the settings page.
    dan.goto("/notifications/reglages/")
    followed = dan.locator(".subscription-list > li")
    expect(dan.get_by_role("heading", name="Ce que vous suivez")).to_be_visible()
    before = followed.count()
    place = dan.get_by_role("main").locator("form", has_text="Territoire")
    place.get_by_label("Territoire").select_option(label="Schiltigheim")
    place.get_by_label("Niveau").select_option(label="standard")
    place.get_by_role("button", name="Suivre", exact=True).click()
    expect(dan.get_by_text("Vous suivez « Schiltigheim ».")).to_be_visible()

    # Follow the sheet with its "Suivre" button, in a browser with script switched off.
    bare = browser.new_context(base_url=site.url, java_script_enabled=False, locale="fr-FR",
                               **VIEWPORTS[viewport])  # fmt: skip
    try:
        plain = bare.new_page()
        login(plain, DAN, PASSWORD)
        plain.goto(sheet_url)
        plain.get_by_label("Niveau de suivi").select_option(label="essentiel")
        plain.get_by_role("button", name="Suivre", exact=True).click()
        expect(plain.get_by_text("Vous suivez ceci (niveau essentiel).").first).to_be_visible()
        expect(plain.get_by_role("button", name="Ne plus suivre")).to_be_visible()
        assert urlsplit(plain.url).path == sheet_url
    finally:
        bare.close()

    dan.goto(sheet_url)
    expect(dan.get_by_role("button", name="Changer le niveau")).to_be_visible()
    expect(dan.get_by_label("Niveau de suivi")).to_have_value("essential")
    check_page(ui, "sheet-followed", dan)
    dan.goto("/notifications/reglages/")
    expect(followed).to_have_count(before + 2)
    expect(followed.filter(has_text="Schiltigheim").first).to_be_visible()
    expect(followed.filter(has_text=TITLE)).to_have_count(1)
    check_page(ui, "notification-settings", dan)

    # Someone else moves the sheet back a step; the worker fans it out.
    assert in_thread(_move, "step_back", "Les riverains demandent un nouvel atelier.") == 1
    dan.reload()
    menu_button = dan.get_by_role("banner").get_by_role("button", name=re.compile(r"^Menu"))
    if menu_button.is_visible():  # on a phone the count shows on the folded menu's button
        expect(menu_button).to_have_accessible_name(re.compile(r"^Menu\s*1 notification non lue$"))
    bell = menu(dan).locator("a.bell")
    expect(bell.locator(".count")).to_have_text("1 non lue")
    expect(bell.locator(".count .visually-hidden")).to_have_text(" non lue")
    expect(bell).to_have_accessible_name(re.compile(r"^Notifications\s*1 non lue$"))

    # The centre lists it, with why; opening it reads it.
    bell.click()
    expect(dan).to_have_url(re.compile(r"/notifications/$"))
    item = dan.locator(".notification-list > li.unread")  # the demo's, read, come after
    expect(item).to_have_count(1)
    expect(dan.locator(".notification-list > li").first).to_have_class(re.compile(r"\bunread\b"))
    expect(item).to_contain_text(TITLE)
    expect(item).to_contain_text("Vous suivez ceci.")
    check_page(ui, "notifications", dan)
    item.get_by_role("link").first.click()
    expect(dan).to_have_url(re.compile(re.escape(sheet_url) + r"$"))
    expect(menu(dan).locator("a.bell .count")).to_have_count(0)
    dan.goto("/notifications/")
    expect(dan.locator(".notification-list > li.unread")).to_have_count(0)
    expect(dan.get_by_text(re.compile(r"^Tout est lu\."))).to_be_visible()
    expect(dan.get_by_text(re.compile(r"^0 non lues?\."))).to_have_count(0)

    # A second event; "Tout marquer comme lu" reads it.
    assert in_thread(_move, "start_realisation") == 1
    dan.reload()
    expect(dan.locator(".notification-list > li.unread")).to_have_count(1)
    dan.get_by_role("button", name="Tout marquer comme lu").click()
    expect(dan.get_by_text("Toutes vos notifications sont marquées comme lues.")).to_be_visible()
    expect(dan.locator(".notification-list > li.unread")).to_have_count(0)
    expect(menu(dan).locator("a.bell .count")).to_have_count(0)

    # The morning's digest, printed by the console backend: one e-mail, grouped by sheet,
    # newest first, counts rather than repetitions; a second run sends nothing.
    printed, (sent, sent_again) = in_thread(_digest_through_console)
    assert sent == len(printed) and sent_again == 0, (sent, sent_again)
    parsed = [
        email.message_from_bytes(text.encode(), policy=email.policy.default) for text in printed
    ]
    to_dan = [message for message in parsed if message["To"] == DAN]
    assert len(to_dan) == 1, [message["To"] for message in parsed]  # others follow it too
    message = to_dan[0]
    assert message["Subject"] == "Fabrique : 2 nouveautés dans ce que vous suivez"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"* {TITLE} : passage en réalisation, retour à l'étape précédente" in text, text
    assert text.count(TITLE) == 1, text
    header = str(message["List-Unsubscribe"]).strip()  # folded: a long line
    stop_all = re.fullmatch(r"<(https?://\S+/notifications/desabonnement/\S+/)>", header)
    assert stop_all, message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Ne plus recevoir de courriel de Fabrique : {stop_all.group(1)}" in text
    stop_one = re.search(r"Ne plus suivre : (https?://\S+)", text)
    assert stop_one, text

    # The link unsubscribes without signing in.
    visitor = ui.new_page()
    visitor.goto(urlsplit(stop_one.group(1)).path)
    expect(visitor.get_by_text("Ne plus suivre cet élément")).to_be_visible()
    check_page(ui, "unsubscribe", visitor)
    visitor.get_by_role("button", name="Confirmer le désabonnement").click()
    expect(visitor.get_by_role("status")).to_contain_text("vous ne suivez plus cet élément")
    check_page(ui, "unsubscribe-done", visitor)
    visitor.goto(_invalid_token(urlsplit(stop_all.group(1)).path))
    expect(visitor.get_by_text("n'est pas valable")).to_be_visible()
    check_page(ui, "unsubscribe-invalid", visitor)

    # Dan follows one thing fewer.
    dan.goto("/notifications/reglages/")
    expect(followed).to_have_count(before + 1)
