#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Management commands on a developer's machine need no environment; production sets DEBUG
    # explicitly (docker-compose.yml, .env.example), and the WSGI entry point has no default.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
