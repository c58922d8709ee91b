"""The header on a phone and on a desktop: on a phone it leaves the screen to the content (brand
and "Menu" on one line, the search box on the next) and its menu opens without any script; on a
desktop everything stands in one row and there is no menu button."""

import pytest
from playwright.sync_api import expect

from .ui import PASSWORD, UI, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADER_MAX_PX = 120  # issue 11: "the header is at most about 120 px" at 390 px
SEARCH_BOX_MAX_PX = 48


def expanded(page, name: str) -> bool | None:
    """The "expanded" state the browser gives assistive technologies for a button (a popover's
    invoker gets it from the browser itself, not from an aria-expanded attribute)."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    for node in nodes:
        if (
            node.get("role", {}).get("value") == "button"
            and node.get("name", {}).get("value") == name
        ):
            for prop in node.get("properties", []):
                if prop["name"] == "expanded":
                    return bool(prop["value"]["value"])
            return None
    raise AssertionError(f"no button named {name!r}")


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, "not rendered"
    return found


@pytest.mark.parametrize("who", [None, "agent@demo.fabrique.test"])
def test_phone_header_is_short_and_its_menu_opens(browser, site, request, who):
    ui = UI(browser, site.url, "phone", request.node.name)
    try:
        page = ui.page
        if who:
            login(page, who, PASSWORD)
        page.goto("/")
        header = page.get_by_role("banner")
        assert box(header)["height"] <= HEADER_MAX_PX, box(header)
        assert box(page.locator("#header-q"))["height"] <= SEARCH_BOX_MAX_PX
        expect(page.get_by_role("link", name="Fabrique")).to_be_visible()

        nav = page.get_by_role("navigation", name="Navigation principale")
        expect(nav).to_be_hidden()
        button = header.get_by_role("button", name="Menu")
        assert expanded(page, "Menu") is False
        button.click()
        assert expanded(page, "Menu") is True
        expect(nav.get_by_role("link", name="Projets")).to_be_visible()
        expect(page.get_by_role("form", name="Langue").get_by_role("button")).to_be_visible()
        if who:
            expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
            expect(nav.get_by_role("link", name="Suivi")).to_be_visible()
        else:
            expect(page.get_by_role("link", name="Créer un compte")).to_be_visible()
        ui.check("menu-open" + ("-staff" if who else ""))
        # The open menu fits the phone's screen.
        assert box(page.locator("#site-menu"))["width"] <= 390

        page.keyboard.press("Escape")
        expect(nav).to_be_hidden()
        button.click()
        page.get_by_role("button", name="Fermer le menu").click()
        expect(nav).to_be_hidden()

        # Without any script at all the menu still opens (a native popover).
        bare = browser.new_context(
            base_url=site.url,
            java_script_enabled=False,
            locale="fr-FR",
            viewport={"width": 390, "height": 844},
            is_mobile=True,
        )
        try:
            plain = bare.new_page()
            plain.goto("/")
            plain.get_by_role("button", name="Menu").click()
            expect(plain.get_by_role("link", name="Projets", exact=True)).to_be_visible()
        finally:
            bare.close()
    finally:
        ui.close()


def test_desktop_header_is_one_row_without_menu_button(browser, site, request):
    ui = UI(browser, site.url, "desktop", request.node.name)
    try:
        page = ui.page
        page.goto("/")
        header = page.get_by_role("banner")
        expect(header.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
        expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
        expect(page.get_by_role("button", name="English")).to_be_visible()
        brand, search = (
            box(page.get_by_role("link", name="Fabrique")),
            box(page.locator("#header-q")),
        )
        assert abs((brand["y"] + brand["height"] / 2) - (search["y"] + search["height"] / 2)) < 12
        assert box(header)["height"] <= 80
    finally:
        ui.close()
