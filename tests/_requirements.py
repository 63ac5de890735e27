"""What a test does when the machine lacks what it needs: PostgreSQL, Chromium, reference data.

On a laptop such a test skips and gives the reason. CI sets REQUIRE_POSTGRES, REQUIRE_BROWSER and
REQUIRE_REFERENCE to 1, and there the same test fails: a run meant to cover something must not
pass by skipping it.
"""

import os
from typing import NoReturn

import pytest

VARIABLES = ("REQUIRE_POSTGRES", "REQUIRE_BROWSER", "REQUIRE_REFERENCE")


def is_required(variable: str) -> bool:
    """True for 1 or true, False for 0, false or unset; any other value is a mistake in CI's
    setup, so it fails rather than silently meaning "not required"."""
    value = os.environ.get(variable, "")
    if value not in ("", "0", "1", "false", "true"):
        pytest.fail(f"{variable} must be 1, true, 0 or false, got {value!r}", pytrace=False)
    return value in ("1", "true")


def skip_unless_required(variable: str, reason: str) -> NoReturn:
    """Skip the running test with the reason, or fail it if the variable says it must run."""
    if is_required(variable):
        pytest.fail(f"{variable} is set but {reason}", pytrace=False)
    pytest.skip(reason)
