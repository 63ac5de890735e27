"""`make bench` and `make bench-scale`: how fast the pages are, measured against Django's floor.

Nothing here is part of the site. The benchmark runs the site with its own settings module
(config/bench_settings.py), which adds one trivial view to the site's URLs; every figure is
reported as a multiple of that view's time, so the numbers mean the same on a faster machine.
"""
