"""Browser check of the Content-Security-Policy: open pages in headless Chromium and report every
violation the browser raises (an inline script or style the policy blocked, an eval, a blocked
resource), and whether the API docs' Swagger UI still draws itself.

Needs Debian's `chromium` (apt-get install chromium), which the test suite does not: the suite
checks the headers and the HTML (tests/security/test_headers.py); this checks what a browser
actually refuses. A running site is needed, e.g. `make run` or gunicorn on a seeded database.

    .venv/bin/python bench/csp_browser_check.py [--base http://127.0.0.1:8000] [--session ID] [path ...]

Speaks the DevTools protocol over a bare WebSocket (standard library only). Exit status 1 when a
page raised a violation.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

PAGES = [
    "/",
    "/espaces/",
    "/fiches/",
    "/fiches/1/",
    "/fiches/1/versions/",
    "/fiches/1/diff/",
    "/recherche/?q=velo",
    "/comptes/connexion/",
    "/comptes/inscription/",
    "/elus/",
    "/api/docs/",
    "/api/v1/sheets/",
    "/api/v1/sheets/1/",
    "/admin/login/",
    "/nulle-part/",
]
# Runs before any page script, outside the page's policy: collects the violations it reports.
LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') +
    ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


class DevTools:
    """A minimal WebSocket client (text frames, client-masked) for one DevTools target."""

    def __init__(self, ws_url: str) -> None:
        host_port, path = ws_url.removeprefix("ws://").split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        assert b" 101 " in response.split(b"\r\n", 1)[0], response
        self.next_id = 0

    def _send(self, text: str) -> None:
        payload = text.encode()
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            data += chunk
        return data

    def _receive(self) -> dict:
        message = b""
        while True:
            first, second = self._exact(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exact(8))[0]
            message += self._exact(length)
            if first & 0x80:
                return json.loads(message)

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(reply["error"])
                return reply.get("result", {})


def check(base: str, paths: list[str], session: str | None = None) -> int:
    profile = tempfile.mkdtemp(prefix="fabrique-csp-")
    port = 9333
    browser = subprocess.Popen(
        [
            shutil.which("chromium") or "chromium",
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    failures = 0
    try:
        for _ in range(100):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.1)
        tools = DevTools(page["webSocketDebuggerUrl"])
        tools.call("Page.enable")
        tools.call("Page.addScriptToEvaluateOnNewDocument", source=LISTENER)
        if session:  # pages as a signed-in user: the admin, the forms
            tools.call("Network.setCookie", name="sessionid", value=session, url=base)
        for path in paths:
            tools.call("Page.navigate", url=base + path)
            time.sleep(3)  # let the page's own scripts run (Swagger UI fetches the schema)
            result = tools.call(
                "Runtime.evaluate",
                expression="JSON.stringify([window.__cspViolations || ['no listener'],"
                " document.querySelectorAll('.opblock-tag').length])",
                returnByValue=True,
            )
            violations, swagger_tags = json.loads(result["result"]["value"])
            extra = f", Swagger UI sections: {swagger_tags}" if path.startswith("/api/docs") else ""
            print(f"{path}: {len(violations)} violation(s){extra}")
            for violation in violations:
                print(f"    {violation}")
            failures += bool(violations)
            if path.startswith("/api/docs") and not swagger_tags:
                print("    Swagger UI did not draw itself")
                failures += 1
    finally:
        browser.terminate()
        browser.wait(10)
        shutil.rmtree(profile, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--session", help="a sessionid cookie value, to check signed-in pages")
    parser.add_argument("paths", nargs="*", default=PAGES)
    args = parser.parse_args()
    sys.exit(check(args.base.rstrip("/"), args.paths, args.session))
