"""Replace the database with a backup: `manage.py restore FILE` (make restore FILE=...)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from prep.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace everything in the database with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A file written by `manage.py backup`.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, file: Path, interactive: bool, **options):
        if interactive:
            answer = input(
                f"This replaces everything in the {connection.vendor} database with {file}. "
                "Type 'yes' to go on: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the {connection.vendor} database from {file}.")
