"""The communes' widget in a real browser: framed by a page of a declared origin it loads, sets
no cookie and, with the parent's few lines, takes its own height; framed by any other origin the
browser refuses it (the CSP's frame-ancestors). axe-core finds nothing on the widget and the
webmasters' page, at phone and desktop widths.

The commune's page is served by a small HTTP server of the test on 127.0.0.1 (another origin than
the live server's localhost:port): a page Playwright fulfils itself (`page.route`) has no address,
counts as public for Chromium's Local Network Access checks, and may not frame localhost at all."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from .ui import UI, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OPEN_NOW = "Stationnement vélo sécurisé autour de la gare centrale"  # in Strasbourg


def parent_page(widget_url: str, site: str) -> str:
    """A commune's page: the iframe as the webmasters' page gives it, and its listener."""
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Mairie</title></head><body><main><h1>Participer</h1>
<iframe id="fabrique-widget" src="{widget_url}" title="Concertations ouvertes (Fabrique)"
        width="100%" height="100"></iframe>
<script>
window.addEventListener("message", function (event) {{
  if (event.origin !== "{site}") return;
  var frame = document.getElementById("fabrique-widget");
  var data = event.data;
  if (!frame || event.source !== frame.contentWindow) return;
  if (!data || data.type !== "fabrique-widget-height") return;
  var height = Number(data.height);
  if (height > 0 && height < 5000) frame.height = String(height);
}});
</script></main></body></html>"""


@pytest.fixture
def commune(site, settings):
    """The commune's web server: `GET /?w=<widget path>` answers a page framing it. Its origin
    as 127.0.0.1 is declared; as localhost (same server, another origin) it is not."""
    live = site.url

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            widget = parse_qs(urlsplit(self.path).query).get("w", ["/widget/"])[0]
            body = parent_page(f"{live}{widget}", live).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    settings.FABRIQUE_WIDGET_ORIGINS = [f"http://127.0.0.1:{port}"]
    yield {"declared": f"http://127.0.0.1:{port}", "other": f"http://localhost:{port}"}
    server.shutdown()
    server.server_close()


def check(ui: UI, name: str, page: Page) -> None:
    ui.check(name, page)
    width = overflow(page)
    assert width["scroll"] <= width["viewport"], f"{name} ({ui.viewport}) scrolls sideways: {width}"


def test_framed_by_a_declared_origin_it_loads_without_cookie_and_takes_its_height(
    commune, ui: UI, site
):
    page = ui.new_page()
    parent = f"{commune['declared']}/?w=/widget/territoires/strasbourg-neudorf/"
    page.goto(parent)
    frame = page.frame_locator("#fabrique-widget")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Concertations ouvertes : Neudorf")
    row = frame.get_by_role("listitem").filter(has=frame.get_by_role("link", name=OPEN_NOW))
    expect(row).to_contain_text("Toute la commune : Strasbourg")
    link = frame.get_by_role("link", name=f"{OPEN_NOW} (nouvel onglet)")
    expect(link).to_have_attribute("target", "_blank")
    # The widget told the parent its height, through the parent's own check of the origin.
    iframe = page.locator("#fabrique-widget")
    expect(iframe).not_to_have_attribute("height", "100")
    assert int(iframe.get_attribute("height")) > 150
    assert page.context.cookies() == []
    assert not page.errors  # type: ignore[attr-defined]
    # A link opens Fabrique in a new tab, the commune's page stays.
    with page.context.expect_page() as opened:
        link.click()
    new = opened.value
    new.wait_for_load_state()
    assert new.url.startswith(f"{site.url}/fiches/")
    assert page.url == parent


def test_framed_by_any_other_origin_the_browser_refuses_it(commune, ui: UI):
    page = ui.new_page()
    with page.expect_console_message(lambda msg: "frame-ancestors" in msg.text) as refusal:
        page.goto(f"{commune['other']}/?w=/widget/territoires/strasbourg/")
    assert "Content Security Policy" in refusal.value.text
    assert commune["declared"] in refusal.value.text  # the policy names the declared origin only
    page.wait_for_load_state("load")
    # The frame holds Chromium's error page, not the card.
    frame = next(f for f in page.frames if f != page.main_frame)
    assert not frame.url.startswith("http://localhost"), frame.url
    assert page.frame_locator("#fabrique-widget").get_by_role("heading").count() == 0


def test_the_widget_and_the_webmasters_page_are_accessible(commune, ui: UI):
    page = ui.page
    page.goto("/widget/territoires/strasbourg-neudorf/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Concertations ouvertes : Neudorf")
    check(ui, "widget-territory", page)
    page.get_by_role("link", name=f"{OPEN_NOW} (nouvel onglet)").get_attribute("href")
    page.goto("/widget/fiches/stationnement-velos-gare-centrale/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN_NOW)
    check(ui, "widget-sheet", page)
    page.goto("/territoires/integrer/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Intégrer Fabrique sur le site de votre commune"
    )
    page.get_by_label("Territoire", exact=True).select_option(label="Strasbourg — Neudorf")
    page.get_by_role("button", name="Afficher le code").click()
    expect(page.locator("pre.snippet").first).to_contain_text(
        "/widget/territoires/strasbourg-neudorf/"
    )
    check(ui, "widget-help", page)
