"""Every operation of the OpenAPI schema, fed hostile values, never answers 5xx.

The operations come from the schema served at /api/schema/, so an endpoint added later is
fuzzed without touching this file (and a URL missing from the schema fails the coverage test).
Each path parameter, query parameter and body field gets hostile values one at a time, the
others staying valid so that the hostile one reaches the code behind the first check. The
values per field are a deterministic sample of the corpus (rotating with the field's name), not
the full cross product, so the file stays fast on both databases. Every request runs in a
savepoint that is rolled back, so one request's success (a deletion, a purge) never hides the
code paths the next one should reach.
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PlatformRole, User
from documents.services import document_create
from documents.services.sharing import share_link_create
from projects.services import framing_note_create
from tests.documents import samples
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.projects.factories import make_sheet
from workflow.checklist import ATTESTED, ITEMS
from workspace.models import Role

pytestmark = pytest.mark.django_db

# --- the corpus -----------------------------------------------------------------------------

DEEP = 500  # past any sane nesting; json.dumps itself recurses, so not deeper


def _nested(depth: int) -> Any:
    value: Any = []
    for _i in range(depth):
        value = [value]
    return value


def _nested_dict(depth: int) -> Any:
    value: Any = {}
    for _i in range(depth):
        value = {"a": value}
    return value


HOSTILE_SCALARS: list[tuple[str, Any]] = [
    ("nul", "a\x00b"),
    ("nul-only", "\x00"),
    ("long", "x" * 100_000),
    ("long-words", "mot " * 25_000),
    ("empty", ""),
    ("blank", "   "),
    ("null", None),
    ("true", True),
    ("false", False),
    ("zero", 0),
    ("negative", -1),
    ("int64-max+1", 2**63),
    ("int64-min-1", -(2**63) - 1),
    ("huge-int", 10**40),
    ("float", 1.5),
    ("huge-float", 1e300),
    ("exp-string", "1e30"),
    ("neg-exp-string", "-1e30"),
    ("tiny-exp-string", "1e-30"),
    ("nan", "NaN"),
    ("infinity", "Infinity"),
    ("neg-infinity", "-Infinity"),
    ("int-string-huge", "9" * 40),
    ("neg-string", "-1"),
    ("year-99999", "99999-01-01"),
    ("year-0", "0000-01-01"),
    ("bad-date", "2024-13-45"),
    ("datetime-far", "9999-12-31T23:59:59+14:00"),
    ("datetime-tz-garbage", "2030-01-01T00:00:00+99:99"),
    ("list", ["a", "b"]),
    ("list-of-nul", ["\x00"]),
    ("empty-list", []),
    ("dict", {"a": 1}),
    ("empty-dict", {}),
    ("nested-list", _nested(DEEP)),
    ("nested-dict", _nested_dict(DEEP)),
    ("rtl", "\u202eevil\u202c txt.exe"),
    ("emoji", "😀" * 50),
    ("zero-width", "\u200b\u200d\ufeff"),
    ("lone-surrogate", "a\ud800b"),
    ("combining", "e" + "\u0301" * 5_000),
    ("sql", "' OR 1=1 --"),
    ("sql-like", "%_\\%"),
    ("markdown-bomb", "[" * 8_000),
    ("markdown-nest", "> " * 5_000 + "x"),
    ("html", "<script>alert(1)</script>"),
    ("path", "../../../../etc/passwd"),
    ("format", "%s%s%s{0}{}"),
    ("newlines", "\r\n" * 1_000),
]

# Path and query values are text by nature; each is percent-encoded into the URL.
HOSTILE_TEXT: list[tuple[str, str]] = [
    ("nul", "a\x00b"),
    ("nul-only", "\x00"),
    ("long", "x" * 20_000),
    ("zero", "0"),
    ("negative", "-1"),
    ("int64-max+1", str(2**63)),
    ("huge-int", "9" * 40),
    ("exp", "1e30"),
    ("nan", "NaN"),
    ("infinity", "Infinity"),
    ("float", "1.5"),
    ("word", "abc"),
    ("empty", ""),
    ("brackets", "[]"),
    ("rtl", "\u202eevil"),
    ("emoji", "😀"),
    ("sql", "' OR 1=1 --"),
    ("sql-like", "%_\\"),
    ("dots", ".."),
    ("year-99999", "99999-01-01"),
    ("markdown-bomb", "[" * 2_000),
    ("whoosh-syntax", 'a AND (b OR "c NOT * ?~2^9 [x TO}'),
]

SAMPLES_PER_FIELD = 2
# Sent to every field, whatever its type: the cases that broke before (a NUL byte reaching
# PostgreSQL, a number overflowing a Decimal context, a lone surrogate no driver can encode).
ALWAYS = ("nul", "exp-string", "lone-surrogate")
# And to the fields that hold numbers or dates.
NUMERIC = ("nan", "infinity", "negative", "int64-max+1", "year-99999")

# Raw bodies sent whole, with their content type, to every operation that takes a body: the
# first ones (what a view does with a body that is not an object) to each, the rest (the
# parsers' business, shared by every view) as a sample.
RAW_EVERYWHERE = 10
RAW_BODIES: list[tuple[str, str, bytes]] = [
    ("json-null", "application/json", b"null"),
    ("json-list", "application/json", b"[1, 2]"),
    ("json-string", "application/json", b'"texte"'),
    ("empty-json", "application/json", b""),
    ("json-nul-escape", "application/json", b'{"\\u0000": "\\u0000"}'),
    ("deep-array", "application/json", b"[" * 100_000),
    ("form-nul", "application/x-www-form-urlencoded", b"title=a%00b&name=%00&email=%00"),
    (
        "multipart-nul",
        "multipart/form-data; boundary=B",
        b'--B\r\nContent-Disposition: form-data; name="title"\r\n\r\na\x00b\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="a\x00b.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + samples.pdf() + b"\r\n--B--\r\n",
    ),
    ("text-plain", "text/plain", b"bonjour"),
    ("no-content-type", "", b'{"title": "x"}'),
    # Parser-level: sampled.
    ("deep-object", "application/json", b'{"a":' * 50_000),
    ("deep-valid", "application/json", b"[" * 900 + b"]" * 900),
    ("truncated", "application/json", b'{"title": "x'),
    ("json-nan", "application/json", b'{"title": NaN}'),
    ("json-huge-number", "application/json", b'{"title": 1e999, "sheet": ' + b"9" * 5_000 + b"}"),
    ("json-raw-nul", "application/json", b'{"title": "a\x00b"}'),
    ("json-bad-utf8", "application/json", b'{"title": "\xff\xfe"}'),
    ("json-bom", "application/json", b'\xef\xbb\xbf{"title": "x"}'),
    ("json-dup-keys", "application/json", b'{"title": "a", "title": "b"}'),
    ("form-bad-utf8", "application/x-www-form-urlencoded", b"title=%ff%fe"),
    ("form-many", "application/x-www-form-urlencoded", b"&".join([b"a=1"] * 5_000)),
    ("multipart-no-boundary", "multipart/form-data", b"--x\r\n"),
    ("multipart-bad-boundary", "multipart/form-data; boundary=", b"--\r\n"),
    ("xml", "application/xml", b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>"),
    ("charset-garbage", "application/json; charset=klingon", b'{"title": "x"}'),
]

HOSTILE_HEADERS: list[tuple[str, dict[str, str]]] = [
    ("accept-language-nul", {"HTTP_ACCEPT_LANGUAGE": "fr\x00"}),
    ("accept-garbage", {"HTTP_ACCEPT": "application/json; version=\x00; q=NaN"}),
    ("token-nul", {"HTTP_AUTHORIZATION": "Token a\x00b"}),
    ("token-long", {"HTTP_AUTHORIZATION": "Token " + "x" * 10_000}),
    ("cookie-nul", {"HTTP_COOKIE": 'sessionid="\\000abc"; csrftoken=\x00'}),
]


def _sample(pool: list, key: str, count: int = SAMPLES_PER_FIELD) -> list:
    """A deterministic rotation through the pool, different for each field; NUL always first."""
    start = zlib.crc32(key.encode())
    step = max(1, len(pool) // count)
    picked = [pool[0]]
    for j in range(count):
        item = pool[(start + j * step) % len(pool)]
        if item not in picked:
            picked.append(item)
    return picked


def _field_values(key: str, prop: dict) -> list[tuple[str, Any]]:
    """The hostile values one body field receives: the typed must-haves, then a sample."""
    numeric = prop.get("type") in ("integer", "number") or prop.get("format") in (
        "decimal",
        "date",
        "date-time",
    )
    wanted = set(ALWAYS) | (set(NUMERIC) if numeric else set())
    chosen = [item for item in HOSTILE_SCALARS if item[0] in wanted]
    rest = [item for item in HOSTILE_SCALARS if item[0] not in wanted]
    return chosen + _sample(rest, key)


# --- the schema -----------------------------------------------------------------------------

METHODS = ("get", "post", "put", "patch", "delete")


def load_schema() -> dict:
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def schema_operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    ]


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node and node[key]:
            return _resolve(schema, node[key][0])
    return node


# --- the world the fuzzer works in ---------------------------------------------------------


@pytest.fixture
def world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    owner = UserFactory(platform_role=PlatformRole.OFFICIAL)  # an official may frame its sheets
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    workspace = WorkspaceFactory()
    MembershipFactory(workspace=workspace, user=owner, role=Role.OWNER)
    member = MembershipFactory(workspace=workspace, role=Role.EDITOR).user
    sheet = make_sheet(workspace, owner)
    document = document_create(
        actor=owner,
        workspace=workspace,
        file=ContentFile(samples.pdf(), name="rapport.pdf"),
        name="rapport.pdf",
        visibility="public",
        sheet=sheet,
    )
    note = framing_note_create(
        actor=owner,
        sheet=sheet,
        political_intent="Le sens de la demande.",
        participation_level="consult",
        use_of_contributions="Chaque contribution reçoit une réponse.",
    )
    link, _token = share_link_create(
        actor=owner, document=document, expires_at=timezone.now() + timedelta(days=3)
    )
    return {
        "owner": owner,
        "staff": staff,
        "member": member,
        "workspace": workspace,
        "sheet": sheet,
        "document": document,
        "note": note,
        "link": link,
        **_participation(workspace, owner, member),
    }


def _participation(workspace, owner, member) -> dict:
    """A debate with a reported message, and a round in its judgment window with an amendment,
    so that their endpoints are fuzzed past the 404 of a missing object."""
    from amendments.models import AmendmentRound
    from amendments.services import amendment_submit, round_open
    from debates.services import comment_create, debate_create
    from moderation.models import ModerationCase
    from moderation.services import report_create
    from tests.factories import SheetFactory

    debate = debate_create(actor=owner, title="Un débat", workspace=workspace)
    comment = comment_create(actor=member, debate=debate, body="Un message.")
    report_create(actor=owner, comment=comment, reason="spam")
    consulted = SheetFactory(workspace=workspace, author=owner, stage="consultation")
    now = timezone.now()
    round_ = round_open(
        actor=owner,
        sheet=consulted,
        submission_ends=now + timedelta(days=1),
        judgment_ends=now + timedelta(days=3),
    )
    amendment = amendment_submit(
        actor=member, sheet=consulted, field="summary", text="Autre résumé.", base_version=1
    )
    AmendmentRound.objects.filter(pk=round_.pk).update(submission_ends=now)
    return {
        "debate": debate,
        "comment": comment,
        "case": ModerationCase.objects.get(comment=comment),
        "round": round_,
        "amendment": amendment,
    }


def _path_value(path: str, name: str, world: dict) -> str:
    """A valid value for a path parameter, from the segment it follows."""
    before = path.split("{" + name + "}")[0].rstrip("/").rsplit("/", 1)[-1]
    if name == "slug":
        return world["workspace"].slug
    if name == "id":
        ids = {
            "documents": world["document"].pk,
            "sheets": world["sheet"].pk,
            "debates": world["debate"].pk,
            "comments": world["comment"].pk,
            "cases": world["case"].pk,
            "rounds": world["round"].pk,
            "amendments": world["amendment"].pk,
        }
        return str(ids.get(before, 1))
    if name == "number":
        return "1"
    if name == "note_id":
        return str(world["note"].pk)
    if name == "link_id":
        return str(world["link"].pk)
    if name == "user_id":
        return str(world["member"].pk)
    if name == "code":
        return next(item.code for item in ITEMS if item.kind == ATTESTED)
    if name == "name":
        return "open_consultation"
    return "1"


FIELD_VALUES = {
    "email": lambda w: w["member"].email,
    "password": lambda w: "correct-horse-battery",
    "territory": lambda w: "strasbourg",
    "themes": lambda w: ["mobilite"],
    "sheet": lambda w: w["sheet"].pk,
    "base_version": lambda w: w["sheet"].current_version.number,
    "expires_at": lambda w: (timezone.now() + timedelta(days=2)).isoformat(),
    "summary": lambda w: "Un résumé assez long. " * 20,
}


def _valid_value(schema: dict, name: str, prop: dict, world: dict) -> Any:
    if name in FIELD_VALUES:
        return FIELD_VALUES[name](world)
    prop = _resolve(schema, prop)
    if "enum" in prop:
        return prop["enum"][0]
    kind, fmt = prop.get("type"), prop.get("format")
    if fmt == "binary":
        return ContentFile(samples.pdf(), name="note.pdf")
    if fmt == "date":
        return "2030-01-01"
    if fmt == "date-time":
        return "2030-01-01T00:00:00+01:00"
    if fmt == "decimal":
        return "12.50"
    return {
        "integer": 1,
        "number": 1,
        "boolean": True,
        "array": [],
        "object": {},
    }.get(kind, "Texte valide")


def _body_spec(schema: dict, op: dict) -> tuple[str, dict[str, dict]] | None:
    content = op.get("requestBody", {}).get("content", {})
    if not content:
        return None
    media = "application/json" if "application/json" in content else next(iter(content))
    node = _resolve(schema, content[media].get("schema", {}))
    props = {k: v for k, v in node.get("properties", {}).items() if not v.get("readOnly")}
    return media, props


def _multipart_value(value: Any) -> Any:
    """What a hostile JSON value becomes in a form: text, repeated keys, or nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict,)):
        return json.dumps(value)[:10_000]
    if isinstance(value, list):
        return [_multipart_value(v) if not isinstance(v, list) else "[]" for v in value[:5]]
    if isinstance(value, str):
        # A form is bytes: a lone surrogate cannot be sent as such (it arrives as invalid UTF-8,
        # which Django decodes with replacement characters).
        return LONE_SURROGATE.sub("\ufffd", value)
    return str(value)


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# --- the run --------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


class Fuzzer:
    def __init__(self, schema: dict, world: dict, actor: str):
        self.schema = schema
        self.world = world
        self.actor = actor
        self.failures: list[str] = []
        self.requests = 0
        self.operations: set[tuple[str, str]] = set()

    def client(self) -> APIClient:
        client = APIClient()
        if self.actor != "anonymous":
            # A fresh instance each time: no per-request cache survives a rolled-back request.
            client.force_authenticate(User.objects.get(pk=self.world[self.actor].pk))
        return client

    def send(self, label: str, method: str, url: str, **kwargs: Any) -> int | None:
        for cache in caches.all():
            # No throttle count carried from one hostile request to the next (a database cache
            # is rolled back with the request's savepoint already).
            if not isinstance(cache, DatabaseCache):
                cache.clear()
        self.requests += 1
        status: Any = None
        try:
            with transaction.atomic():
                response = self.client().generic(method.upper(), url, **kwargs)
                status = response.status_code
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                raise _Rollback
        except _Rollback:
            pass
        except Exception as error:  # noqa: BLE001 - the test client re-raises the view's error
            status = f"{type(error).__name__}: {str(error)[:200]}"
        if not isinstance(status, int) or status >= 500:
            self.failures.append(f"{self.actor} {method.upper()} {url[:120]} [{label}] → {status}")
            return None
        return status

    def url(self, path: str, params: dict[str, str], query: dict[str, Any] | None = None) -> str:
        url = path
        for name, value in params.items():
            url = url.replace("{" + name + "}", quote(value, safe=""))
        if query:
            parts = []
            for key, value in query.items():
                for item in value if isinstance(value, list) else [value]:
                    parts.append(f"{quote(key, safe='')}={quote(item, safe='')}")
            url += "?" + "&".join(parts)
        return url

    def run(self, path: str, method: str, op: dict) -> None:
        self.operations.add((path, method))
        key = f"{method} {path}"
        parameters = op.get("parameters", [])
        valid = {
            p["name"]: _path_value(path, p["name"], self.world)
            for p in parameters
            if p["in"] == "path"
        }
        body = _body_spec(self.schema, op)
        base = self.base_body(body)

        # 1. The operation as a valid caller would send it, then each path parameter hostile.
        status = self.send_body("valid", method, self.url(path, valid), body, base)
        # Refused before the body is read (not signed in, not allowed, not found): the body's
        # fields would never be looked at, so only a sample of whole bodies goes there.
        allowed = status not in (401, 403, 404)
        for name in valid:
            for label, value in _sample(HOSTILE_TEXT, f"{key} path {name}"):
                self.send(f"path {name}={label}", method, self.url(path, {**valid, name: value}))
        # 2. Each query parameter hostile, and repeated.
        for param in (p for p in parameters if p["in"] == "query"):
            name = param["name"]
            for label, value in _sample(HOSTILE_TEXT, f"{key} query {name}"):
                self.send(f"query {name}={label}", method, self.url(path, valid, {name: value}))
            self.send(f"query {name} twice", method, self.url(path, valid, {name: ["1", "x"]}))
        # 3. Each body field hostile, the others valid; then whole hostile bodies. A caller
        # refused before the body is read gets only a sample of the whole bodies.
        if body is not None:
            _media, props = body
            for name in props if allowed else ():
                for label, value in _field_values(f"{key} body {name}", props[name]):
                    if _resolve(self.schema, props[name]).get("type") == "object":
                        value = {other: value for other in props if other != name} or value
                    self.send_body(
                        f"body {name}={label}",
                        method,
                        self.url(path, valid),
                        body,
                        {**base, name: value},
                    )
            raws = RAW_BODIES[:RAW_EVERYWHERE] if allowed else []
            raws += _sample(RAW_BODIES[RAW_EVERYWHERE:], key, 3)
            for label, content_type, raw in raws:
                self.send(
                    f"raw {label}",
                    method,
                    self.url(path, valid),
                    data=raw,
                    content_type=content_type,
                )
        # 4. Hostile headers on the valid request.
        for label, headers in _sample(HOSTILE_HEADERS, f"{key} headers", 1):
            self.send_body(f"header {label}", method, self.url(path, valid), body, base, **headers)

    def base_body(self, body: tuple[str, dict] | None) -> dict:
        if body is None:
            return {}
        _media, props = body
        return {
            name: _valid_value(self.schema, name, prop, self.world) for name, prop in props.items()
        }

    def send_body(self, label: str, method: str, url: str, body, values: dict, **extra) -> Any:
        if body is None:
            return self.send(label, method, url, **extra)
        media, props = body
        if media == "application/json":
            data = json.dumps(values)
            return self.send(
                label, method, url, data=data, content_type="application/json", **extra
            )
        from django.test.client import MULTIPART_CONTENT, encode_multipart

        form: dict[str, Any] = {}
        for name, value in values.items():
            if props.get(name, {}).get("format") == "binary":
                if isinstance(value, ContentFile):
                    value.seek(0)
                    form[name] = value
                else:  # a hostile value in place of a file: text, or a file with that name
                    name_text = str(_multipart_value(value))[:300] or "vide"
                    form[name] = ContentFile(samples.pdf(), name=f"{name_text}.pdf")
            else:
                form[name] = _multipart_value(value)
        payload = encode_multipart("BoUnDaRy", form)
        return self.send(
            label,
            method,
            url,
            data=payload,
            content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"),
            **extra,
        )


@pytest.fixture(scope="module")
def schema() -> dict:
    return load_schema()


@pytest.mark.parametrize("actor", ["anonymous", "owner"])
def test_no_operation_answers_5xx_to_hostile_input(schema, world, actor):
    fuzzer = Fuzzer(schema, world, actor)
    operations = schema_operations(schema)
    for path, method, op in operations:
        fuzzer.run(path, method, op)
    assert len(fuzzer.operations) == len(operations)
    assert not fuzzer.failures, (
        f"{len(fuzzer.failures)} of {fuzzer.requests} requests:\n" + "\n".join(fuzzer.failures)
    )


def test_staff_operations_answer_no_5xx_to_hostile_input(schema, world):
    """What the owner may not do (attestations, transitions…) fuzzed as staff: the operations
    are those the owner's valid request is refused, so a new staff-only endpoint is included."""
    owner = Fuzzer(schema, world, "owner")
    refused = []
    for path, method, op in schema_operations(schema):
        body = _body_spec(schema, op)
        params = {
            p["name"]: _path_value(path, p["name"], world)
            for p in op.get("parameters", [])
            if p["in"] == "path"
        }
        status = owner.send_body(
            "valid", method, owner.url(path, params), body, owner.base_body(body)
        )
        if status in (401, 403):
            refused.append((path, method, op))
    assert refused, "the owner may do everything: no staff-only operation left to fuzz?"
    fuzzer = Fuzzer(schema, world, "staff")
    for path, method, op in refused:
        fuzzer.run(path, method, op)
    assert not fuzzer.failures, (
        f"{len(fuzzer.failures)} of {fuzzer.requests} requests:\n" + "\n".join(fuzzer.failures)
    )


def _api_routes(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    routes: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes |= _api_routes(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            routes.add(route)
    return routes


def test_the_schema_lists_every_api_route(schema):
    """A view left out of the schema would escape the fuzzer: every api/v1 URL is in it."""
    assert len(schema["paths"]) == len(_api_routes())
