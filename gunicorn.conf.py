"""gunicorn's settings. gunicorn reads ./gunicorn.conf.py by default, and the Dockerfile and
docker-compose start it from this folder; command-line flags still override these."""

import logging

from prep.log_filters import RedactSecrets

# One line per request on stdout, with share-link and password-reset tokens replaced.
accesslog = "-"


def on_starting(server) -> None:
    # gunicorn's own loggers do not go through Django's LOGGING: filter them here, before any
    # worker is forked (workers inherit the loggers).
    for name in ("gunicorn.access", "gunicorn.error"):
        logging.getLogger(name).addFilter(RedactSecrets())
