"""Where the browser tests find Chromium, and how they launch it.

Playwright's own browser download cannot work on our machines, so the tests drive the Debian
`chromium` package at /usr/bin/chromium.
"""

import functools
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

LAUNCH_ARGS = [
    # Tests run as root, where Chromium refuses to start with its sandbox on.
    "--no-sandbox",
    "--disable-gpu",
    # Containers often give /dev/shm only 64 MB, too little for the renderer.
    "--disable-dev-shm-usage",
    "--disable-quic",
    # No first-run UI and no calls home: tests must not depend on the network.
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@functools.cache
def chromium_status() -> tuple[str | None, str]:
    """Return (version, "") when Chromium can run, else (None, a reason saying how to fix it)."""
    if not CHROMIUM.exists():
        return None, (
            f"{CHROMIUM} not found; install the chromium package (apt-get install chromium)"
        )
    try:
        result = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"{CHROMIUM} --version did not run: {error}"
    if result.returncode != 0:
        return None, (
            f"{CHROMIUM} --version exited with {result.returncode}: {result.stderr.strip()[-300:]}"
        )
    # "Chromium 131.0.6778.85 built on Debian GNU/Linux 12 (bookworm)" -> "Chromium 131.0.6778.85"
    return " ".join(result.stdout.split()[:2]), ""
