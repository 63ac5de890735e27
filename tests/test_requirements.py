"""Tests that need PostgreSQL, Chromium or the reference data skip on a laptop and fail in CI."""

from pathlib import Path

import pytest
from django.conf import settings

from tests._requirements import VARIABLES, skip_unless_required

REASON = "needs PostgreSQL row locks"


@pytest.mark.parametrize("value", [None, "", "0", "false"])
def test_a_missing_requirement_skips_with_the_reason_when_not_required(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("REQUIRE_POSTGRES", raising=False)
    else:
        monkeypatch.setenv("REQUIRE_POSTGRES", value)

    with pytest.raises(pytest.skip.Exception, match=REASON):
        skip_unless_required("REQUIRE_POSTGRES", REASON)


@pytest.mark.parametrize("value", ["1", "true"])
def test_a_missing_requirement_fails_when_required(monkeypatch, value):
    monkeypatch.setenv("REQUIRE_POSTGRES", value)

    with pytest.raises(pytest.fail.Exception, match=f"REQUIRE_POSTGRES is set but {REASON}"):
        skip_unless_required("REQUIRE_POSTGRES", REASON)


def test_a_misspelt_value_fails_rather_than_meaning_not_required(monkeypatch):
    monkeypatch.setenv("REQUIRE_POSTGRES", "yes")

    with pytest.raises(pytest.fail.Exception, match="REQUIRE_POSTGRES must be 1, true, 0 or false"):
        skip_unless_required("REQUIRE_POSTGRES", REASON)


def test_ci_requires_postgresql_the_browser_and_the_reference_data():
    script = (Path(settings.BASE_DIR) / ".ci" / "run").read_text()

    for variable in VARIABLES:
        assert f"\nexport {variable}=1\n" in script
