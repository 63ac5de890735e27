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
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
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


# A key as strong as production needs, and a mail server, so DEBUG=false starts.
KEY = "k7Vq2-this-is-only-a-test-key-with-enough-random-looking-chars-9xZ"
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": KEY, "EMAIL_HOST": "smtp.example.com"}


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
    result = _run(PRINT_SETTINGS, DEBUG="maybe", SECRET_KEY=KEY)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "must be true or false" in result.stderr
    assert "'maybe'" in result.stderr


def test_production_with_a_secret_key_starts_with_production_defaults():
    values = _settings(**PRODUCTION)

    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == KEY
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
        **PRODUCTION,
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


# --- Configuration that refuses to be unsafe ---------------------------------------------------


def test_a_placeholder_or_weak_secret_key_refuses_to_start():
    for key in ["change-me", "replace-with-a-long-random-string", "short-key", "a" * 60]:
        result = _run(PRINT_SETTINGS, **{**PRODUCTION, "SECRET_KEY": key})

        assert result.returncode != 0, key
        assert "SECRET_KEY is a placeholder or too weak" in result.stderr, key


def test_production_without_a_mail_server_refuses_to_start():
    result = _run(PRINT_SETTINGS, DEBUG="false", SECRET_KEY=KEY)

    assert result.returncode != 0
    assert "No mail server is configured" in result.stderr
    assert "PASSWORD_RESET=false" in result.stderr


def test_production_refuses_a_console_mail_backend_even_when_named():
    result = _run(
        PRINT_SETTINGS, **PRODUCTION, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
    )

    assert result.returncode != 0
    assert "No mail server is configured" in result.stderr


def test_production_with_a_mail_server_sends_mail_over_smtp():
    assert _settings(**PRODUCTION)["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


RESET_PAGES = """
import django
import django.conf
django.setup()
from django.test import Client
from django.urls import NoReverseMatch, reverse
try:
    reverse("password_reset")
    print("reset on")
except NoReverseMatch:
    print("reset off")
from django.test.utils import override_settings
# No collectstatic here: serve static names as they are.
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**django.conf.settings.STORAGES, "staticfiles": plain}):
    client = Client(HTTP_HOST="prep.example.com")
    print(client.get("/accounts/password_reset/", secure=True).status_code)
    login = client.get("/accounts/login/", secure=True).content.decode()
print("Forgot your password?" in login)
"""


def test_turning_password_reset_off_starts_without_mail_and_removes_its_pages():
    env = {"DEBUG": "false", "SECRET_KEY": KEY, "PASSWORD_RESET": "false"}
    env |= {"ALLOWED_HOSTS": "prep.example.com"}

    result = _run(RESET_PAGES, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["reset", "off", "404", "False"]


def test_password_reset_pages_are_there_when_mail_works():
    result = _run(RESET_PAGES, **PRODUCTION, ALLOWED_HOSTS="prep.example.com")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["reset", "on", "200", "True"]


def test_production_defaults_turn_on_https_redirect_and_hsts():
    values = _settings(**PRODUCTION)

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SESSION_COOKIE_SECURE"] is True


def test_local_work_has_no_https_redirect_or_hsts():
    values = _settings(DEBUG="true")

    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_the_forwarded_proto_header_is_trusted_only_behind_a_proxy():
    assert _settings(**PRODUCTION)["SECURE_PROXY_SSL_HEADER"] is None
    behind = _settings(**PRODUCTION, TRUSTED_PROXY_COUNT="1")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def _documented_production_environment() -> dict:
    """The variables .env.example documents, with a fresh key for its placeholder."""
    env = {}
    for line in (Path(settings.BASE_DIR) / ".env.example").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        env[name.strip()] = value.strip().strip('"')
    env["SECRET_KEY"] = KEY
    return env


def test_the_deploy_check_passes_with_the_documented_production_environment():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **_documented_production_environment(),
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
