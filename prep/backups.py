"""Back up the whole database to one file, and restore it from one.

PostgreSQL: pg_dump's custom format, restored by pg_restore in a single transaction (a failed
restore leaves the database as it was). SQLite: the online backup API, which copies a
consistent snapshot even while the site is writing, and copies it back page by page.
Both work on the database Django is connected to, so tests can drill them on a test database.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper


class BackupError(Exception):
    """A backup or restore that could not be done, with a message for the operator."""


def suffix(connection: BaseDatabaseWrapper) -> str:
    return ".dump" if connection.vendor == "postgresql" else ".sqlite3"


def backup(path: Path, using: str = "default") -> Path:
    connection = connections[using]
    if connection.vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)],
            connection,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            with target:
                connection.connection.backup(target)
            # One self-contained file: no -wal or -shm beside it when it is opened later.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    # A backup holds password hashes, sessions and everyone's notes: its owner alone reads it.
    path.chmod(0o600)
    return path


def restore(path: Path, using: str = "default") -> None:
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    connection = connections[using]
    if connection.vendor == "postgresql":
        with path.open("rb") as file:
            header = file.read(5)
        if header != b"PGDMP":
            raise BackupError(f"{path} is not a pg_dump custom-format file.")
        connection.close()
        options = ["--clean", "--if-exists", "--no-owner", "--no-privileges"]
        _run(["pg_restore", *options, "--single-transaction", str(path)], connection)
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = source.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as error:
            source.close()
            raise BackupError(f"{path} is not a SQLite database ({error}).") from error
        if check != ("ok",):
            source.close()
            raise BackupError(f"{path} is damaged: {check[0]}.")
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise BackupError(f"Restoring {connection.vendor} databases is not supported.")


def _run(command: list[str], connection: BaseDatabaseWrapper) -> None:
    """Run a PostgreSQL client with the connection's settings (the password through the
    environment, never on the command line, where other users could read it)."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    params = connection.get_connection_params()
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    args = [command[0]]
    for flag, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if params.get(key):
            args += [flag, str(params[key])]
    args += ["--dbname", params.get("dbname") or connection.settings_dict["NAME"]]
    result = subprocess.run(args + command[1:], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
