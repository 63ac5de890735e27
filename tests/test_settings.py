"""config/settings.py read from the environment, each case in a fresh Python process.

Settings are read once per process, so each case imports them in a subprocess with exactly the
environment it is about, nothing inherited from the shell running the tests.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "STATICFILES": settings.STORAGES["staticfiles"]["BACKEND"],
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "OPTIONS": db.get("OPTIONS", {}),
    "CONN_MAX_AGE": db["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
}))
"""

SQLITE_PRAGMAS = """
import django, json
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    (journal_mode,) = cursor.fetchone()
print(json.dumps({"journal_mode": journal_mode}))
"""


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(**env: str) -> dict:
    result = _run(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_without_a_secret_key_refuses_to_start():
    result = _run(PRINT_SETTINGS, DEBUG="false")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_no_environment_at_all_means_production_and_refuses_to_start_without_a_key():
    result = _run(PRINT_SETTINGS)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_must_be_true_or_false():
    result = _run(PRINT_SETTINGS, DEBUG="maybe", SECRET_KEY="s3cret")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "must be true or false" in result.stderr
    assert "'maybe'" in result.stderr


def test_production_with_a_secret_key_starts_with_production_defaults():
    values = _settings(DEBUG="false", SECRET_KEY="s3cret")

    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == "s3cret"
    assert values["ALLOWED_HOSTS"] == []
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_local_work_runs_without_a_secret_key():
    values = _settings(DEBUG="true")

    assert values["DEBUG"] is True
    assert values["SECRET_KEY"]
    assert "localhost" in values["ALLOWED_HOSTS"]


def test_default_database_is_sqlite_in_the_project_with_wal_and_immediate_transactions():
    values = _settings(DEBUG="true")

    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == str(Path(settings.BASE_DIR) / "db.sqlite3")
    assert values["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in values["OPTIONS"]["init_command"]
    assert values["OPTIONS"]["timeout"] > 0


def test_a_sqlite_connection_really_uses_wal(tmp_path):
    database = tmp_path / "wal.sqlite3"

    result = _run(SQLITE_PRAGMAS, DEBUG="true", DATABASE_URL=f"sqlite:///{database}")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"journal_mode": "wal"}


def test_a_postgres_database_url_gets_health_checks_and_persistent_connections():
    values = _settings(
        DEBUG="false",
        SECRET_KEY="s3cret",
        DATABASE_URL="postgres://prep:pw@db.example.com:5432/prep",
    )

    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "prep"
    assert values["CONN_HEALTH_CHECKS"] is True
    assert values["CONN_MAX_AGE"] == 60
    assert "init_command" not in values["OPTIONS"]


def test_behind_a_proxy_lockouts_key_on_the_forwarded_client_address():
    code = (
        "from django.conf import settings; "
        "order = getattr(settings, 'AXES_IPWARE_META_PRECEDENCE_ORDER', ['axes default']); "
        "print(settings.AXES_IPWARE_PROXY_COUNT, order[0])"
    )

    behind = _run(code, DEBUG="true", TRUSTED_PROXY_COUNT="1")
    direct = _run(code, DEBUG="true")

    assert behind.stdout.split() == ["1", "HTTP_X_FORWARDED_FOR"], behind.stderr
    assert direct.stdout.split() == ["None", "axes", "default"], direct.stderr
