"""Recorded OpenSearch exchanges replayed at the urllib3 level, checked exactly.

A cassette (tests/search/opensearch_cassettes/NAME.json) lists, in order, each request the
backend must send — method, path with its query string, optionally the node, the headers it
must carry and the JSON body (or the NDJSON lines of a `_bulk`) — and the answer to give it: a
status with a JSON body or, as a proxy in front of a node may answer, a text; or a refused
connection. Any request that is not the next one recorded, or that differs from it in
anything, fails the test; so does a recorded request never sent.

Values that depend on the test database (primary keys, slugs) are written as placeholders:
"{{name}}" stands for a value of any type (a number stays a number), "{name}" inside a string
for its text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import urllib3

CASSETTES = Path(__file__).parent / "opensearch_cassettes"
_WHOLE = re.compile(r"^\{\{(\w+)\}\}$")
_PART = re.compile(r"\{(\w+)\}")


def fill(value: Any, subs: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole:
            return subs[whole.group(1)]
        return _PART.sub(
            lambda m: str(subs[m.group(1)]) if m.group(1) in subs else m.group(0), value
        )
    if isinstance(value, list):
        return [fill(v, subs) for v in value]
    if isinstance(value, dict):
        return {fill(k, subs): fill(v, subs) for k, v in value.items()}
    return value


class _Response:
    def __init__(self, status: int, body: Any):
        self.status = status
        self.data = b"" if body is None else json.dumps(body).encode()


class Cassette:
    """Stands in for the transport's urllib3.PoolManager."""

    def __init__(self, name: str, **subs: Any):
        self.name = name
        recorded = json.loads((CASSETTES / f"{name}.json").read_text(encoding="utf-8"))
        self.interactions = fill(recorded["interactions"], subs)
        self.position = 0

    def request(self, method, url, body=None, headers=None, **kwargs):
        where = f"{self.name}[{self.position}]"
        assert self.position < len(self.interactions), (
            f"{self.name}: unrecorded request {method} {url} {body!r:.300}"
        )
        expected = self.interactions[self.position]["request"]
        answer = self.interactions[self.position]["response"]
        self.position += 1
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        assert (method, path) == (expected["method"], expected["path"]), where
        if "node" in expected:
            assert f"{parts.scheme}://{parts.netloc}" == expected["node"], where
        for name, value in expected.get("headers", {}).items():
            assert (headers or {}).get(name) == value, f"{where}: header {name}"
        if "ndjson" in expected:
            assert headers["Content-Type"] == "application/x-ndjson", where
            text = body.decode()
            assert text.endswith("\n"), where
            assert [json.loads(line) for line in text.splitlines()] == expected["ndjson"], where
        elif "body" in expected:
            assert headers["Content-Type"] == "application/json", where
            assert json.loads(body) == expected["body"], where
        else:
            assert body is None, f"{where}: unexpected body {body!r:.300}"
        if "error" in answer:
            raise urllib3.exceptions.NewConnectionError(None, answer["error"])
        response = _Response(answer["status"], answer.get("body"))
        if "text" in answer:  # not JSON: what a proxy in front of a node may answer
            response.data = answer["text"].encode()
        return response

    def assert_done(self) -> None:
        left = self.interactions[self.position :]
        assert not left, (
            f"{self.name}: recorded requests never sent: {[i['request'] for i in left]}"
        )
