"""Search benchmark: N generated French sheets and documents, indexed and queried.

Reports the indexing rate (the real rebuild path: DB read → prepare → French analysis → one
Whoosh writer per batch), the index size on disk, the indexer's memory, and search latency
p50/p95 through the API (`GET /api/v1/search/?q=`, visibility re-checked in the database)
compared in the same run with a raw Whoosh query on the same index and with a trivial page
(the same API view with an empty query: routing, DRF, JSON, no search).

Runs in a throw-away SQLite database and index (config.settings.test): nothing of var/ is touched.

    .venv/bin/python bench/search_bench.py --n 100000 [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="runs per query")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--append", help="markdown file to append the figures to")
    args = parser.parse_args()

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"database {settings.DATABASES['default']['NAME']}", flush=True)
    index_path = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])

    data = generate(args.n)
    member = data.pop("member")
    print(f"generated {data}", flush=True)

    from haystack import connections

    from search.indexer import index_rebuild

    rss_before = rss_mib()
    t0 = time.perf_counter()
    total = index_rebuild(batch_size=args.batch_size)
    index_s = time.perf_counter() - t0
    rss_after = rss_mib()
    backend = connections["default"].get_backend()
    print(f"indexed {total} in {index_s:.1f}s", flush=True)

    # Optimise as an operator would after a full rebuild; report both sizes.
    size_before_opt = dir_size(index_path)
    t1 = time.perf_counter()
    backend.optimize()
    optimize_s = time.perf_counter() - t1
    size = dir_size(index_path)

    # Drain throughput on a realistic outbox: 2,000 changed sheets enqueued, then drained.
    from django.contrib.contenttypes.models import ContentType

    from projects.models import ProjectSheet
    from search.indexer import outbox_drain
    from search.models import IndexOutbox

    ct = ContentType.objects.get_for_model(ProjectSheet)
    pks = list(ProjectSheet.objects.values_list("pk", flat=True)[:2000])
    IndexOutbox.objects.bulk_create(
        [IndexOutbox(content_type=ct, object_id=str(pk), action="update") for pk in pks]
    )
    t2 = time.perf_counter()
    report = outbox_drain(batch_size=200)
    drain_s = time.perf_counter() - t2

    queries = [
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
    anon, logged = Client(), Client()
    logged.force_login(member)

    from whoosh.qparser import QueryParser

    backend.setup()
    raw_index = backend.index.refresh()
    raw_parser = QueryParser(backend.content_field_name, schema=backend.schema)

    # One searcher kept open for every query, as the search service keeps its own.
    raw_searcher = raw_index.searcher()

    def raw(q):
        hits = raw_searcher.search(raw_parser.parse(q), limit=20)
        return [hit["django_id"] for hit in hits], len(hits)

    results: dict[str, list[float]] = {
        "api_anonymous": [],
        "api_member": [],
        "raw_whoosh": [],
        "trivial": [],
    }
    counts = {}
    for q in queries:  # warm-up, and the counts each query returns
        counts[q] = anon.get("/api/v1/search/", {"q": q}).json()["count"]
        raw(q)
    for q in queries:
        results["api_anonymous"] += timed(
            lambda q=q: anon.get("/api/v1/search/", {"q": q}), args.runs
        )
        results["api_member"] += timed(
            lambda q=q: logged.get("/api/v1/search/", {"q": q}), args.runs
        )
        results["raw_whoosh"] += timed(lambda q=q: raw(q), args.runs)
        results["trivial"] += timed(lambda: anon.get("/api/v1/search/", {"q": ""}), args.runs)

    latency = {
        name: {"p50_ms": round(percentile(v, 0.5), 1), "p95_ms": round(percentile(v, 0.95), 1)}
        for name, v in results.items()
    }
    figures = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()} · {platform.machine()} · {os.cpu_count()} CPU · "
        f"Python {platform.python_version()} · SQLite · load average at start "
        f"{LOAD_AT_START:.1f}, at end {os.getloadavg()[0]:.1f} (shared with other jobs)",
        **data,
        "indexed": total,
        "index_s": round(index_s, 1),
        "docs_per_s": round(total / index_s),
        "index_mib": round(size / 2**20, 1),
        "index_mib_before_optimize": round(size_before_opt / 2**20, 1),
        "optimize_s": round(optimize_s, 1),
        "indexer_rss_mib_before": round(rss_before),
        "indexer_rss_mib_after": round(rss_after),
        "process_peak_rss_mib": round(peak_mib()),
        "drain_2000_s": round(drain_s, 2),
        "drain_rows": report.rows,
        "latency": latency,
        "result_counts": counts,
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False), flush=True)
    if args.append:
        with open(args.append, "a") as fh:
            fh.write(markdown(figures, args))


def markdown(f: dict, args) -> str:
    lat = f["latency"]
    rows = "\n".join(
        f"| {label} | {lat[key]['p50_ms']} | {lat[key]['p95_ms']} |"
        for key, label in [
            ("api_anonymous", "API `/api/v1/search/?q=` — anonymous"),
            ("api_member", "API — member of 10 workspaces"),
            (
                "raw_whoosh",
                "raw Whoosh query, same index, searcher kept open (top 20, no visibility)",
            ),
            ("trivial", "trivial page (same API view, empty `q`)"),
        ]
    )
    return f"""
### Run of {f["date"]} — `make bench-search` (n={args.n})

Machine: {f["machine"]}.

| measure | value |
| --- | --- |
| generated | {f["sheets"]:,} sheets + {f["documents"]:,} documents (synthetic French) in {f["generate_s"]} s |
| indexing (rebuild path, batches of {args.batch_size}) | {f["indexed"]:,} entries in {f["index_s"]} s = **{f["docs_per_s"]:,} docs/s** |
| index size | {f["index_mib"]} MiB after optimize ({f["index_mib_before_optimize"]} MiB before; optimize {f["optimize_s"]} s) |
| indexer memory (RSS) | {f["indexer_rss_mib_before"]} MiB before → {f["indexer_rss_mib_after"]} MiB after; process peak {f["process_peak_rss_mib"]} MiB |
| outbox drain | 2,000 sheet updates drained in {f["drain_2000_s"]} s (batches of 200) |

| search ({args.runs} runs × 10 queries) | p50 ms | p95 ms |
| --- | --- | --- |
{rows}

Result counts (anonymous): {", ".join(f"`{q}` {c}" for q, c in f["result_counts"].items())}.
"""


if __name__ == "__main__":
    main()
