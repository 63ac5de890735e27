"""Back up the database to one file: `manage.py backup [--output FILE]` (make backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from prep.backups import BackupError, backup, suffix


class Command(BaseCommand):
    help = "Back up the whole database to one file (pg_dump, or SQLite's online backup)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write it (default: backups/prep-<date and time> in the project).",
        )

    def handle(self, *args, output: Path | None, **options):
        if output is None:
            folder = Path(settings.BASE_DIR) / "backups"
            folder.mkdir(mode=0o700, exist_ok=True)
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = folder / f"prep-{stamp}{suffix(connection)}"
        if output.exists():
            raise CommandError(f"{output} exists already; choose another name.")
        try:
            backup(output)
        except BackupError as error:
            output.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        size = output.stat().st_size
        self.stdout.write(
            f"Backed up the {connection.vendor} database to {output} ({size:,} bytes)."
        )
