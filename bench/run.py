"""`make bench`: seed a candidate in a throwaway database, measure, print, write JSON.

For SQLite always (a file in a temporary folder), and for PostgreSQL when DATABASE_URL names a
server (a scratch database is made in it and dropped) or BENCH_POSTGRES=1 and a server is
installed (a throwaway cluster on 127.0.0.1). Per database: part A in a child process (Django's
test client), then part B against gunicorn. Exits 0 even when a target is missed, unless
BENCH_STRICT=1.

Knobs, all optional: BENCH_OUT (the JSON's path), BENCH_ROUNDS and BENCH_SECONDS (part A),
BENCH_WORKERS, BENCH_CONCURRENCY, BENCH_HTTP_ROUNDS, BENCH_HTTP_SECONDS, BENCH_LOAD_REQUESTS
and BENCH_LOAD_SECONDS (part B).
"""

import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import part_a, part_b, report
from bench.pg import postgres_for_bench

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results.json"


def bench_env(database_url: str, folder: Path) -> dict[str, str]:
    """The environment of production, less mail and https, plus the benchmark's URLconf."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.bench_settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PASSWORD_RESET": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Plain http on 127.0.0.1: no redirect to https. Cookies keep their Secure flag.
        "SECURE_SSL_REDIRECT": "false",
        "BENCH_STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
    }


def bench_database(name: str, url: str, folder: Path) -> dict:
    env = bench_env(url, folder)
    out = folder / f"{name}-part-a.json"
    print(f"\n== {name}: migrate, load the catalogue, seed a candidate, part A", flush=True)
    subprocess.run([sys.executable, "-m", "bench.part_a", str(out)], cwd=ROOT, env=env, check=True)
    a = json.loads(out.read_text())
    print(f"   {a['database']}; setup {a['setup']}; seeded {a['seed']['counts']}")
    part_a.print_table(f"Part A, {a['database']}: Django's test client, one process", a["pages"])
    print(f"\n== {name}: part B, gunicorn with {part_b.WORKERS} workers", flush=True)
    with part_b.gunicorn(env, folder / f"{name}-gunicorn.log") as port:
        b = part_b.measure(port, a["seed"])
    part_b.print_table(
        f"Part B, {a['database']}: gunicorn, {part_b.WORKERS} workers, "
        f"{part_b.CONCURRENCY} client threads for req/s",
        b,
    )
    return {"database": name, "version": a["database"], "part_a": a, "part_b": b}


def missed(runs: list[dict]) -> list[str]:
    """Every page whose part A median is over its target, named with its database."""
    return [
        f"{run['database']}: {row['label']} {report.times(row['ratio'])} > {row['target']}x"
        for run in runs
        for row in run["part_a"]["pages"]
        if row["verdict"] == "NOT met"
    ]


def summary_table(runs: list[dict]) -> str:
    """One table of both parts and every database, as the README shows it: each page's part A
    median as a multiple of the trivial view (whose own median heads the column), its target,
    the same read again with nothing changed between (kept) and built afresh, part B's requests
    per second, queries (built afresh) and gzipped size."""
    headers = ["page", "target"]
    for run in runs:
        name = run["database"]
        headers += [f"{name} x trivial", f"{name} kept x", f"{name} afresh x", f"{name} req/s"]
    headers += ["queries", "KB gzipped"]
    rows = []
    for n, page in enumerate(runs[0]["part_a"]["pages"]):
        row = [page["label"], f"<= {page['target']}x" if page["target"] else ""]
        for run in runs:
            a, b = run["part_a"]["pages"][n], run["part_b"][n]
            figure = (
                f"{a['median_ms']:.2f} ms" if a["key"] == "trivial" else report.times(a["ratio"])
            )
            row += [figure, report.times(a.get("kept_ratio"))]
            row += [report.times(a.get("afresh_ratio")), b["rps"]]
        row += [page["queries"], report.kb(page["gzip_bytes"]) if page["gzipped"] else ""]
        rows.append(row)
    return report.table(headers, rows)


def main() -> None:
    # A stop from outside still runs the cleanups (the throwaway cluster, gunicorn).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    out = Path(os.environ.get("BENCH_OUT") or DEFAULT_OUT)
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "settings": {
            "part_a": {"rounds": part_a.ROUNDS, "seconds": part_a.SECONDS},
            "part_b": {
                "workers": part_b.WORKERS,
                "concurrency": part_b.CONCURRENCY,
                "rounds": part_b.SINGLE_ROUNDS,
                "load_requests": part_b.LOAD_REQUESTS,
                "load_seconds": part_b.LOAD_SECONDS,
            },
        },
        "runs": [],
    }
    print(f"load average at start: {results['machine']['load_average_at_start']}")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp, postgres_for_bench() as pg:
        folder = Path(tmp)
        databases = [("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}")]
        if pg:
            databases.append(("postgresql", pg))
        else:
            print("PostgreSQL: skipped (set DATABASE_URL to a server, or BENCH_POSTGRES=1)")
        for name, url in databases:
            results["runs"].append(bench_database(name, url, folder))
    failures = missed(results["runs"])
    results["targets_met"] = not failures
    results["seconds"] = round(time.monotonic() - started, 1)
    report.write_json(out, results)
    print("\nSummary (part A medians as multiples of the trivial view; part B req/s)")
    print(summary_table(results["runs"]))
    print(f"\nWrote {out} in {results['seconds']} s.")
    if failures:
        print("Targets NOT met:\n  " + "\n  ".join(failures))
    else:
        print("Every target met.")
    if failures and os.environ.get("BENCH_STRICT") == "1":
        sys.exit(1)


if __name__ == "__main__":
    main()
