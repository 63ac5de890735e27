"""Throwaway PostgreSQL for the benchmarks: a cluster of its own, or a database of its own.

A cluster is made the way .ci/run makes one: initdb in a temporary folder, owned by `postgres`
when we are root (the server refuses to run as root), listening on 127.0.0.1 only, on a free
port, with durability off. With DATABASE_URL naming a PostgreSQL server instead, a fresh
database is created in it and dropped afterwards: the database the URL names is never touched.
"""

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Durability is pointless for a database deleted at exit; these make loading much faster.
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "'4GB'",
}


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("postgres", "postgresql", "pgsql")


def server_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian's layout), or None."""
    found = glob.glob("/usr/lib/postgresql/*/bin")
    found = [p for p in found if Path(p, "pg_ctl").exists()]
    if not found:
        return None
    return Path(max(found, key=lambda p: [int(x) for x in Path(p).parent.name.split(".")]))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_cluster(settings: dict[str, str] | None = None) -> Iterator[str]:
    """Start a new cluster on 127.0.0.1 and yield a URL to its `postgres` database; on leaving,
    stop the server and delete every file it had."""
    bin_dir = server_bin()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server under /usr/lib/postgresql/*/bin")
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    data = folder / "data"

    def run(*args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if as_root else list(args)
        # cd /: the postgres user may not be able to read the folder we were started from.
        subprocess.run(command, cwd="/", check=True, stdout=subprocess.DEVNULL)

    try:
        if as_root:
            shutil.chown(folder, "postgres", "postgres")
        run(
            str(bin_dir / "initdb"),
            *("-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"),
            "--no-sync",
        )
        port = free_port()
        lines = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(port),
            "unix_socket_directories": f"'{folder}'",
            **FAST_SETTINGS,
            **(settings or {}),
        }
        with open(data / "postgresql.conf", "a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in lines.items())
        log = folder / "server.log"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start")
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [
                    *(["runuser", "-u", "postgres", "--"] if as_root else []),
                    str(bin_dir / "pg_ctl"),
                    *("-D", str(data), "stop", "-m", "fast", "-w"),
                ],
                cwd="/",
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """Create a fresh database on the server `url` points at and yield its URL; drop it on
    leaving. The database `url` names is only connected to, never changed."""
    import psycopg

    name = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(_libpq(url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(_libpq(url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq(url: str) -> str:
    # libpq reads postgresql:// URLs; dj-database-url also accepts postgres:// and pgsql://.
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


@contextmanager
def postgres_for_bench(
    required: bool = False, settings: dict[str, str] | None = None
) -> Iterator[str | None]:
    """PostgreSQL for a benchmark run: a scratch database on DATABASE_URL's server when it
    names one, else a throwaway cluster (with these extra `settings`) when asked
    (BENCH_POSTGRES=1, or `required`) and a server is installed; None when there is neither."""
    url = os.environ.get("DATABASE_URL")
    if is_postgres_url(url):
        with scratch_database(url) as scratch:
            yield scratch
    elif (required or os.environ.get("BENCH_POSTGRES") == "1") and server_bin() is not None:
        with throwaway_cluster(settings) as cluster:
            yield cluster
    else:
        yield None
