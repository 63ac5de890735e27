"""Settings for `make bench` only: the site's own settings, plus what a benchmark needs.

The site never loads this module. It serves the site's URLs with one trivial view added
(bench/urls.py), the floor every figure is a multiple of.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import RATE_LIMITS, STATIC_ROOT

ROOT_URLCONF = "bench.urls"

# collectstatic writes to the run's throwaway folder, leaving the project's own alone.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT

# The benchmark opens the mentor's page more often in a minute than a mentor would in a month.
# The limiter still runs and counts, so its cost stays in the figures.
RATE_LIMITS = {**RATE_LIMITS, "share-token": "1000000/h"}
