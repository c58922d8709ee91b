"""Search benchmark: N generated French sheets and documents, indexed and queried by tantivy
(the default engine) and Whoosh side by side, in one run, on the same database.

For each engine:
- a full rebuild (`manage.py search_rebuild`, the real path: DB read -> prepare -> French
  analysis -> the engine's writer) in a child process: its wall time, entries per second and
  peak memory (the child's own maximum RSS, from wait4), and the index size on disk;
- an outbox drain of 2,000 changed sheets;
- in a process of its own, which has loaded no other engine, search latency p50/p95 through
  the API (`GET /api/v1/search/?q=`, visibility re-checked in the
  database, snippets of the page shown), anonymous and as a member of 10 workspaces, against a
  trivial API view (the same view with an empty query: routing, DRF, JSON, no search);
- the engine call the API makes (the backend's `ranked_keys`: the query haystack built, the
  visibility filter, the keys of the page's 20 best hits and the number of hits) against the
  engine's library called directly on the same index for the same work (tantivy: a term query
  per analysed word and the same filter, the clauses of one boolean query, top 20 with the
  count and the key columns; Whoosh: its parser and a kept searcher, top 20 as before).
Within each engine's process, queries and measures are interleaved round by round, the measures
of each query in an order drawn from a seeded generator, so that the machine's load (shared by
several people) and the caches a request finds weigh on all of them alike, and the API's ratio
is to the trivial view measured beside it; medians and ratios are what to read.

Runs in a throw-away SQLite database and indexes (config.settings.test): nothing of var/ is
touched.

    .venv/bin/python bench/search_bench.py --n 100000 [--append docs/benchmarks.md]

`--engines tantivy` measures tantivy alone (for iterating; it appends nothing: the figures
that count are side by side).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# Always the test settings, whatever the caller exported: the Makefile exports the developer's
# (config.settings.dev), under which this ran in var/fabrique.sqlite3 and var/index-*.
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

WORDS = """
aménagement amélioration arbre association atelier avenue bancs berge bibliothèque budget
bus canal carrefour centre chantier chemin circulation cité collège commerce commune compost
concertation consultation cour crèche culture cycliste déchets démocratie développement
éclairage école écologie économie élus énergie enfants entretien environnement équipement
espace étude évaluation façade famille fontaine forêt friche gare gymnase habitants
handicap îlot immeuble inclusion jardin jeunesse logement lumière mairie marché médiathèque
mobilité musée nature numérique parc parking participation passerelle patrimoine piéton piste
place plantation pollution pont potager projet propreté quai quartier rénovation réseau
restauration rue santé sécurité seniors solidarité sport stationnement tramway transition
trottoir usagers végétalisation vélo vie voirie zone rivière îles collectif réunion atelier
calendrier diagnostic restitution délibération conseil habitat chaleur canicule ombre eau
""".split()  # noqa: SIM905
GLUE = "le la les des du de un une et pour avec dans sur au aux l' d' qui que en par".split()  # noqa: SIM905
CITIES = ["Strasbourg", "Schiltigheim", "Illkirch", "Bischheim", "Lingolsheim", "Ostwald"]


def sentence(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        if rng.random() < 0.35:
            out.append(rng.choice(GLUE))
        word = rng.choice(WORDS)
        if rng.random() < 0.2:
            word += "s"
        out.append(word)
    if rng.random() < 0.3:
        out.append(rng.choice(CITIES))
    text = " ".join(out).replace("' ", "'")
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(6, 16)) for _ in range(sentences))


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def generate(n: int, seed: int = 42) -> dict:
    from documents.models import Document, DocumentRevision
    from projects.models import ProjectSheet, SheetVersion
    from territories.models import Territory, Theme
    from tests.factories import MembershipFactory, UserFactory
    from workspace.models import Workspace

    rng = random.Random(seed)
    territories = list(Territory.objects.all())
    themes = list(Theme.objects.all())
    workspaces = Workspace.objects.bulk_create(
        [
            Workspace(
                name=f"Espace {i}",
                slug=f"espace-{i}",
                kind="citizen_group",
                visibility="private" if i % 5 == 0 else "public",
            )
            for i in range(200)
        ]
    )
    member = UserFactory(email="membre@bench.test")
    for ws in workspaces[:10]:
        MembershipFactory(workspace=ws, user=member, role="reader")

    n_sheets = n // 2
    n_docs = n - n_sheets
    batch = 5000
    started = time.perf_counter()
    for offset in range(0, n_sheets, batch):
        size = min(batch, n_sheets - offset)
        with transaction.atomic():
            sheets = ProjectSheet.objects.bulk_create(
                [
                    ProjectSheet(
                        workspace=rng.choice(workspaces),
                        slug=f"fiche-{offset + i}",
                        title=sentence(rng, 5)[:190],
                        is_public=rng.random() < 0.85,
                        territory=rng.choice(territories) if territories else None,
                    )
                    for i in range(size)
                ]
            )
            versions = SheetVersion.objects.bulk_create(
                [
                    SheetVersion(
                        sheet=s,
                        number=1,
                        title=s.title,
                        summary=paragraph(rng, 3),
                        body=paragraph(rng, 8),
                    )
                    for s in sheets
                ]
            )
            for s, v in zip(sheets, versions, strict=True):
                s.current_version = v
            ProjectSheet.objects.bulk_update(sheets, ["current_version"])
            through = ProjectSheet.themes.through
            through.objects.bulk_create(
                [
                    through(projectsheet_id=s.pk, theme_id=t.pk)
                    for s in sheets
                    for t in rng.sample(themes, k=min(2, len(themes)))
                ]
            )
    for offset in range(0, n_docs, batch):
        size = min(batch, n_docs - offset)
        with transaction.atomic():
            docs = Document.objects.bulk_create(
                [
                    Document(
                        workspace=rng.choice(workspaces),
                        title=sentence(rng, 4)[:190],
                        description=sentence(rng, 12),
                        visibility="public" if rng.random() < 0.7 else "members",
                    )
                    for _ in range(size)
                ]
            )
            revisions = DocumentRevision.objects.bulk_create(
                [
                    DocumentRevision(
                        document=d,
                        number=1,
                        original_name=f"document-{d.pk}.pdf",
                        storage_key=f"bench/{d.pk}",
                        size=1000,
                        sha256="0" * 64,
                        mime_type="application/pdf",
                        extraction_status="done",
                        extracted_text=paragraph(rng, 12),
                    )
                    for d in docs
                ]
            )
            for d, r in zip(docs, revisions, strict=True):
                d.current_revision = r
            Document.objects.bulk_update(docs, ["current_revision"])
    return {
        "sheets": n_sheets,
        "documents": n_docs,
        "generate_s": round(time.perf_counter() - started, 1),
        "member": member,
    }


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


LOAD_AT_START = os.getloadavg()[0]
BLOCK_ROUNDS = 5
ROOT = Path(__file__).resolve().parent.parent
ENGINES = {
    "tantivy": "search.backends_tantivy.FrenchTantivyEngine",
    "whoosh": "search.backends.FrenchWhooshEngine",
}
QUERIES = [
    "ecole",
    "velo",
    "amenagement du quartier",
    "concertations",
    "jardin partage",
    "Strasbourg",
    "piste cyclable",
    "restitution budget",
    "mobilite",
    "vegetalisation cour ecole",
]


def rebuild_in_child(engine: str, path: Path, db_name: str, batch_size: int) -> dict:
    """`manage.py search_rebuild` for one engine in a fresh process (what an operator runs):
    wall time, and the child's own peak RSS (wait4, not the sum of all children)."""
    env = child_env(engine, path, db_name)
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "search_rebuild", "--batch-size", str(batch_size)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    out = child.stdout.read() if child.stdout else ""
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"search_rebuild on {engine} failed: {out}")
    indexed = int(out.split("indexed=")[1].split()[0])
    return {
        "rebuild_s": round(wall, 1),
        "indexed": indexed,
        "docs_per_s": round(indexed / wall),
        # CPU seconds of the child (all its threads): what the machine's load does not inflate.
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "docs_per_cpu_s": round(indexed / max(usage.ru_utime + usage.ru_stime, 1e-6)),
        "peak_rss_mib": round(usage.ru_maxrss / 1024),
        "index_mib": round(dir_size(path) / 2**20, 1),
    }


def child_env(engine: str, path: Path, db_name: str) -> dict[str, str]:
    """The environment of a child process working on `engine`'s index and the bench's database."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{db_name}",
        HAYSTACK_ENGINE=ENGINES[engine],
        FABRIQUE_TEST_INDEX_PATH=str(path),
    )
    return env


def latency_in_child(engine: str, path: Path, db_name: str, member_pk: int, runs: int) -> dict:
    """`measure` for one engine in a fresh process: its samples (ms) and the counts found."""
    out = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--latency-of",
            engine,
            "--member",
            str(member_pk),
            "--runs",
            str(runs),
        ],
        cwd=ROOT,
        env=child_env(engine, path, db_name),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"latency of {engine} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(engine: str, member_pk: int, runs: int) -> dict:
    """Latency of one engine, in a process that has loaded no other engine (the child of
    `latency_in_child`; the settings name the engine and its index).

    Each engine is measured in a process of its own: sharing one, Whoosh's searches left the
    caches and the young generations full of their objects for tantivy's measures. Within the
    process, the measures are interleaved query by query, round by round, in a drawn order
    (below), so that the machine's load and the caches weigh on all of them alike
    (docs/decisions.md, "Search bench: each engine in a process of its own")."""
    from django.contrib.auth import get_user_model
    from haystack.inputs import AutoQuery
    from haystack.query import SQ, SearchQuerySet

    from search.analysis import analyze
    from search.services import PAGE_SIZE

    setup_test_environment()
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the whole URLconf imported before measuring

    def engine_call(q: str):
        """What the API asks the engine for a first page (anonymous, no entry awaiting the
        indexer): the 20 best keys and the number of hits, visibility as indexed terms."""
        sqs = SearchQuerySet().filter(content=AutoQuery(q))
        public = SearchQuerySet().filter(SQ(public=True)).query.build_query()
        return sqs.query.backend.ranked_keys(sqs.query.build_query(), PAGE_SIZE, public)

    if engine == "tantivy":
        import tantivy

        raw_index = tantivy.Index.open(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
        raw_schema = raw_index.schema
        public = tantivy.Query.term_query(raw_schema, "public", True)

        def raw(q: str):
            # The analysed words as term queries and the visibility filter, the clauses of one
            # boolean query: the quickest way found to ask tantivy this (a parsed query nested
            # under the filter took 0.3 ms more for several words).
            searcher = raw_index.searcher()
            query = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, tantivy.Query.term_query(raw_schema, "text", word))
                    for word in dict.fromkeys(analyze(q))
                ]
                + [(tantivy.Occur.Must, tantivy.Query.const_score_query(public, 0.0))]
            )
            found = searcher.search(query, PAGE_SIZE, count=True)
            hits = [address for _score, address in found.hits]
            keys = searcher.fast_field_values("_pk", hits), searcher.fast_field_values("_ct", hits)
            return keys, found.count

    else:
        from haystack import connections
        from whoosh.qparser import QueryParser

        backend = connections["default"].get_backend()
        backend.setup()
        raw_parser = QueryParser(backend.content_field_name, schema=backend.schema)
        raw_searcher = backend.index.refresh().searcher()

        def raw(q: str):
            hits = raw_searcher.search(raw_parser.parse(q), limit=20)
            return [hit["django_id"] for hit in hits]

    anon, logged = Client(), Client()
    logged.force_login(get_user_model().objects.get(pk=member_pk))
    results: dict[str, Any] = {
        key: []
        for key in ("trivial", "trivial_member", "api_anonymous", "api_member", "engine", "raw")
    }
    counts = {}
    for q in QUERIES:  # warm-up, and the counts each query returns
        counts[q] = anon.get("/api/v1/search/", {"q": q}).json()["count"]
        logged.get("/api/v1/search/", {"q": q})
        engine_call(q)
        raw(q)
    anon.get("/api/v1/search/", {"q": ""})
    logged.get("/api/v1/search/", {"q": ""})
    calls = {
        "trivial": lambda q: anon.get("/api/v1/search/", {"q": ""}),
        # The same trivial view signed in (session and account read): what any request of the
        # member pays before searching; the target's ratio is the anonymous one.
        "trivial_member": lambda q: logged.get("/api/v1/search/", {"q": ""}),
        "api_anonymous": lambda q: anon.get("/api/v1/search/", {"q": q}),
        "api_member": lambda q: logged.get("/api/v1/search/", {"q": q}),
        "engine": engine_call,
        "raw": raw,
    }
    # A request's time depends on what ran just before it (the caches it finds): in a fixed
    # order, the trivial view always followed the library's search and the API the signed-in
    # trivial view, which warmed the API's code for it. So the order of the six measures is
    # drawn again for each query (seeded: every run draws the same orders), and each measure
    # follows each other one about as often.
    rng = random.Random(20261201)
    order = list(calls)
    for _round in range(runs):
        for q in QUERIES:
            rng.shuffle(order)
            for kind in order:
                results[kind] += timed(lambda kind=kind, q=q: calls[kind](q), 1)
    # For reading only: the anonymous trivial view and API each timed in a run of their own
    # kind (ten trivial requests in a row, then the ten queries in a row, round by round).
    # Nothing else runs between two samples, so each runs with the caches it left itself:
    # what a tight loop measures, and what the interleaved measures above do not.
    results["trivial_in_a_row"], results["api_anonymous_in_a_row"] = [], []
    for _round in range(runs):
        for kind in ("trivial", "api_anonymous"):
            for q in QUERIES:
                results[f"{kind}_in_a_row"] += timed(lambda kind=kind, q=q: calls[kind](q), 1)
    results["counts"] = counts
    return results


class Engines:
    """Both engines live in this process; `use(name)` makes one the "default" connection, as
    if the settings named it (the search service and the indexer only ever ask for it)."""

    def __init__(self, paths: dict[str, Path]) -> None:
        from haystack import connections

        self.connections = connections
        self.confs = {name: {"ENGINE": ENGINES[name], "PATH": str(paths[name])} for name in ENGINES}
        self.objects = {}
        for name in ENGINES:
            self._install(name)
            self.objects[name] = connections.reload("default")

    def _install(self, name: str) -> None:
        settings.HAYSTACK_CONNECTIONS["default"] = self.confs[name]
        self.connections.connections_info["default"] = self.confs[name]

    def use(self, name: str) -> None:
        self._install(name)
        self.connections.thread_local.connections["default"] = self.objects[name]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    # 20 rounds: a p95 from 200 samples per measure. With 5 (50 samples, the p95 between the
    # 3rd and 4th largest) the API's ratio to the trivial view swung from 2.1× to 3.45× on the
    # same code, mostly on the trivial view's p95 (one garbage collection more or less in it).
    parser.add_argument("--runs", type=int, default=20, help="rounds over the 10 queries")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--append", help="markdown file to append the figures to")
    parser.add_argument("--engines", default="tantivy,whoosh", help="tantivy alone to iterate")
    parser.add_argument("--latency-of", choices=list(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--member", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.latency_of:  # the child of latency_in_child
        print(json.dumps(measure(args.latency_of, args.member, args.runs)), flush=True)
        return
    chosen = [name.strip() for name in args.engines.split(",") if name.strip()]
    if "tantivy" not in chosen or set(chosen) - set(ENGINES):
        raise SystemExit("--engines: tantivy, optionally with whoosh")
    for name in list(ENGINES):
        if name not in chosen:
            del ENGINES[name]
    if args.append and len(ENGINES) < 2:
        raise SystemExit("--append needs both engines: the figures are side by side")

    setup_test_environment()
    # The whole project's code now (its URLconf imports every app's views): the work tree may
    # be edited by others during a run of half an hour, and a module first imported by the
    # first request, twenty minutes in, once failed on a half-made change.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    call_command("migrate", verbosity=0, interactive=False)
    db_name = settings.DATABASES["default"]["NAME"]
    print(f"database {db_name}", flush=True)
    base = Path(db_name).parent
    paths = {name: base / f"index-{name}" for name in ENGINES}

    data = generate(args.n)
    member = data.pop("member")
    print(f"generated {data}", flush=True)

    from django.db import connection

    connection.close()  # the children open the SQLite file themselves
    per_engine: dict[str, dict] = {}
    for name in ENGINES:
        per_engine[name] = rebuild_in_child(name, paths[name], db_name, args.batch_size)
        print(f"{name}: rebuild {per_engine[name]}", flush=True)

    engines = Engines(paths)

    # Drain throughput on a realistic outbox: 2,000 changed sheets enqueued, then drained.
    from django.contrib.contenttypes.models import ContentType

    from projects.models import ProjectSheet
    from search.indexer import outbox_drain
    from search.models import IndexOutbox

    ct = ContentType.objects.get_for_model(ProjectSheet)
    pks = list(ProjectSheet.objects.values_list("pk", flat=True)[:2000])
    for name in ENGINES:
        engines.use(name)
        IndexOutbox.objects.bulk_create(
            [IndexOutbox(content_type=ct, object_id=str(pk), action="update") for pk in pks]
        )
        t0 = time.perf_counter()
        report = outbox_drain(batch_size=200)
        per_engine[name]["drain_2000_s"] = round(time.perf_counter() - t0, 2)
        per_engine[name]["drain_rows"] = report.rows

    # Latency: each engine in a process of its own, one after the other (see `measure`).
    from django.db import connection as db_connection

    db_connection.close()
    results: dict[str, list[float]] = {}
    counts: dict[str, dict[str, int]] = {}
    for name in ENGINES:
        measured = latency_in_child(name, paths[name], db_name, member.pk, args.runs)
        counts[name] = measured.pop("counts")
        for kind, samples in measured.items():
            results[f"{kind}_{name}"] = samples
        print(f"{name}: latency measured", flush=True)
    names = list(ENGINES)

    latency = {
        name: {"p50_ms": round(percentile(v, 0.5), 2), "p95_ms": round(percentile(v, 0.95), 2)}
        for name, v in results.items()
    }
    ratios = {}
    for name in names:
        trivial = latency[f"trivial_{name}"]["p95_ms"]
        ratios[name] = {
            "api_p95_over_trivial_p95": round(
                latency[f"api_anonymous_{name}"]["p95_ms"] / trivial, 2
            ),
            "api_member_p95_over_trivial_p95": round(
                latency[f"api_member_{name}"]["p95_ms"] / trivial, 2
            ),
            "api_member_p95_over_trivial_member_p95": round(
                latency[f"api_member_{name}"]["p95_ms"]
                / latency[f"trivial_member_{name}"]["p95_ms"],
                2,
            ),
            "api_p95_over_trivial_p95_each_in_a_row": round(
                latency[f"api_anonymous_in_a_row_{name}"]["p95_ms"]
                / latency[f"trivial_in_a_row_{name}"]["p95_ms"],
                2,
            ),
            "api_p50_over_trivial_p50": round(
                latency[f"api_anonymous_{name}"]["p50_ms"] / latency[f"trivial_{name}"]["p50_ms"],
                2,
            ),
        }
    # The same ratio over each block of BLOCK_ROUNDS rounds (what a shorter run would have
    # reported): how far one run's p95 can be trusted.
    per_block = len(QUERIES) * BLOCK_ROUNDS
    api, trivial_samples = results["api_anonymous_tantivy"], results["trivial_tantivy"]
    ratios["tantivy"]["api_p95_over_trivial_p95_by_block"] = [
        round(
            percentile(api[i : i + per_block], 0.95)
            / percentile(trivial_samples[i : i + per_block], 0.95),
            2,
        )
        for i in range(0, len(trivial_samples) - per_block + 1, per_block)
    ]
    # The engine call against the library's: each engine's own process.
    ratios["tantivy"]["engine_p95_over_raw_p95"] = round(
        latency["engine_tantivy"]["p95_ms"] / latency["raw_tantivy"]["p95_ms"], 2
    )
    figures = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()} · {platform.machine()} · {os.cpu_count()} CPU · "
        f"Python {platform.python_version()} · SQLite · load average at start "
        f"{LOAD_AT_START:.1f}, at end {os.getloadavg()[0]:.1f} (shared with other jobs)",
        **data,
        "engines": per_engine,
        "latency": latency,
        "ratios": ratios,
        "result_counts": counts,
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False), flush=True)
    if args.append:
        with open(args.append, "a") as fh:
            fh.write(markdown(figures, args))


def markdown(f: dict, args) -> str:
    lat, eng, rat = f["latency"], f["engines"], f["ratios"]
    t, w = eng["tantivy"], eng["whoosh"]

    def row(label: str, key: str) -> str:
        return f"| {label} | {lat[key]['p50_ms']} | {lat[key]['p95_ms']} |"

    rows = "\n".join(
        [
            row("API `/api/v1/search/?q=` — anonymous — **tantivy**", "api_anonymous_tantivy"),
            row("API — anonymous — Whoosh", "api_anonymous_whoosh"),
            row("API — member of 10 workspaces — **tantivy**", "api_member_tantivy"),
            row("API — member of 10 workspaces — Whoosh", "api_member_whoosh"),
            row("trivial API view (same view, empty `q`) — tantivy's process", "trivial_tantivy"),
            row("trivial API view — Whoosh's process", "trivial_whoosh"),
            row(
                "API — anonymous — **tantivy** — the 10 queries in a row (for reading only)",
                "api_anonymous_in_a_row_tantivy",
            ),
            row(
                "trivial API view — tantivy's process — 10 in a row (for reading only)",
                "trivial_in_a_row_tantivy",
            ),
            row(
                "trivial API view signed in as the member — tantivy's process",
                "trivial_member_tantivy",
            ),
            row(
                "trivial API view signed in as the member — Whoosh's process",
                "trivial_member_whoosh",
            ),
            row("engine call of the API (top 20 keys + count) — **tantivy**", "engine_tantivy"),
            row(
                "raw tantivy, same index: the words and the same filter in one query, top 20 + count + keys",
                "raw_tantivy",
            ),
            row("engine call of the API (top 20 keys + count) — Whoosh", "engine_whoosh"),
            row("raw Whoosh, same index, searcher kept open, top 20", "raw_whoosh"),
        ]
    )
    counts = f["result_counts"]["tantivy"]
    same = f["result_counts"]["tantivy"] == f["result_counts"]["whoosh"]
    return f"""
### Run of {f["date"]} — `make bench-search` (n={args.n}), tantivy and Whoosh side by side

Machine: {f["machine"]}.
Generated {f["sheets"]:,} sheets + {f["documents"]:,} documents (synthetic French) in
{f["generate_s"]} s; each engine rebuilt the index from the same database in its own process
(`manage.py search_rebuild --batch-size {args.batch_size}`).

| measure | tantivy | Whoosh | target (tantivy) |
| --- | --- | --- | --- |
| full rebuild (wall, process start included) | **{t["rebuild_s"]} s** | {w["rebuild_s"]} s | < 60 s at 100,000 |
| indexing rate | **{t["docs_per_s"]:,} entries/s** | {w["docs_per_s"]:,} entries/s | ≥ 3,000 |
| CPU time of the rebuild process (all threads) | {t["cpu_s"]} s | {w["cpu_s"]} s | |
| entries per CPU second of the rebuild (what the machine's load does not change) | {t["docs_per_cpu_s"]:,} | {w["docs_per_cpu_s"]:,} | |
| indexer peak memory (the rebuild process's max RSS) | **{t["peak_rss_mib"]} MiB** | {w["peak_rss_mib"]} MiB | ≤ 300 MiB |
| index size on disk | {t["index_mib"]} MiB | {w["index_mib"]} MiB | |
| outbox drain: 2,000 sheet updates (batches of 200) | {t["drain_2000_s"]} s | {w["drain_2000_s"]} s | |
| API p50 / trivial view p50 (anonymous; for reading only) | {rat["tantivy"]["api_p50_over_trivial_p50"]}× | {rat["whoosh"]["api_p50_over_trivial_p50"]}× | |
| API p95 / trivial view p95 (anonymous; member) | **{rat["tantivy"]["api_p95_over_trivial_p95"]}×; {rat["tantivy"]["api_member_p95_over_trivial_p95"]}×** | {rat["whoosh"]["api_p95_over_trivial_p95"]}×; {rat["whoosh"]["api_member_p95_over_trivial_p95"]}× | ≤ 3× |
| the same anonymous ratio over each block of {BLOCK_ROUNDS} rounds ({BLOCK_ROUNDS * len(QUERIES)} samples; for reading only) | {", ".join(f"{r}×" for r in rat["tantivy"]["api_p95_over_trivial_p95_by_block"]) or "—"} | | |
| the same, each timed in a run of its own kind (10 trivial requests in a row, then the 10 queries in a row; for reading only) | {rat["tantivy"]["api_p95_over_trivial_p95_each_in_a_row"]}× | {rat["whoosh"]["api_p95_over_trivial_p95_each_in_a_row"]}× | |
| engine p95 / raw tantivy p95 | **{rat["tantivy"]["engine_p95_over_raw_p95"]}×** | | ≤ 2× |
| member's API p95 / the trivial view's p95 signed in as the member (for reading only) | {rat["tantivy"]["api_member_p95_over_trivial_member_p95"]}× | {rat["whoosh"]["api_member_p95_over_trivial_member_p95"]}× | |

| latency ({args.runs} rounds × 10 queries; each engine in a process of its own, its measures interleaved) | p50 ms | p95 ms |
| --- | --- | --- |
{rows}

Result counts (anonymous, tantivy{"; Whoosh found the same" if same else "; Whoosh differs: see the JSON"}): {", ".join(f"`{q}` {c}" for q, c in counts.items())}.
"""


if __name__ == "__main__":
    main()
