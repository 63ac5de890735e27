"""Import a downloaded company-wise problem list as a dated snapshot of that company's list.

The public lists (snehasishroy, liquidslr, krishnadey30, hxu296) are refreshed upstream every few
weeks, long after a deploy shipped fixtures/companies/. This command brings a newer file in from
the shell, through the same code path as the admin's "Import a company list" page and
load_catalog (prep/snapshots.py), and prints what changes first: problems added to, dropped from
and moved in the list, problems new to the catalogue, problems leaving every list and
problems the catalogue archived.
`--dry-run` prints the same plan and saves nothing.
"""

import argparse
import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.utils import timezone

from prep.company_files import CompanyFileError
from prep.models import Company, ListSnapshot, ProblemList
from prep.snapshots import SnapshotPlan, StalePlan, snapshot_import, snapshot_plan


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-07-12"
        ) from None


class Command(BaseCommand):
    help = "Import a company's problem list from a downloaded CSV file as a dated snapshot."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file, in any of the four formats.")
        parser.add_argument("--company", required=True, help="The company's slug, e.g. google.")
        parser.add_argument(
            "--window",
            required=True,
            choices=ProblemList.Window.values,
            help="The period the file counts questions over.",
        )
        parser.add_argument(
            "--as-of",
            required=True,
            type=_date,
            help="The day the source took this snapshot, YYYY-MM-DD.",
        )
        parser.add_argument("--source-name", default="", help="Where the file comes from.")
        parser.add_argument("--source-url", default="", help="A link to the file upstream.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change, save nothing."
        )

    def handle(self, *args, file: Path, company: str, window: str, as_of, **options):
        found = self._company(company)
        source_name, source_url = self._source(options["source_name"], options["source_url"])
        if as_of > timezone.localdate():
            raise CommandError(f"--as-of {as_of} is in the future; a snapshot records a past day.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: cannot read the file: {exc.strerror}.") from exc
        try:
            plan = snapshot_plan(
                data,
                file.name,
                company=found,
                window=window,
                as_of=as_of,
                source_name=source_name,
                source_url=source_url,
            )
        except CompanyFileError as exc:
            raise CommandError(str(exc)) from exc
        self._print(plan)
        if options["dry_run"]:
            self.stdout.write("Dry run, nothing saved.")
            return
        try:
            snapshot_import(plan, user=None)
        except StalePlan as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(plan.outcome()))

    def _company(self, slug: str) -> Company:
        companies = list(Company.objects.active())
        found = next((c for c in companies if c.slug == slug), None)
        if found is None:
            known = ", ".join(sorted(c.slug for c in companies))
            raise CommandError(f"Unknown company {slug!r}; the companies are: {known}.")
        return found

    def _source(self, name: str, url: str) -> tuple[str, str]:
        longest = ListSnapshot._meta.get_field("source_name").max_length
        if len(name) > longest:
            raise CommandError(f"--source-name is longer than {longest} characters.")
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise CommandError(f"--source-url {url!r} is not an http(s) link.") from None
        return name, url

    def _print(self, plan: SnapshotPlan) -> None:
        for line in plan.overview():
            self.stdout.write(line)
        for heading, lines in plan.sections():
            self.stdout.write(f"\n{heading}:")
            for line in lines:
                self.stdout.write(f"  {line}")
        self.stdout.write("")
