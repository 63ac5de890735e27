"""Sync the study catalogue in fixtures/ into the database.

Unlike `loaddata`, this command is safe to run on every deploy: rows are matched by natural key
(slugs), created or updated in place, and rows that left the fixtures are archived (hidden from
users) instead of deleted, so nobody's progress is lost. It runs in one transaction: a broken
fixture stops it with an error naming the file and the entry, and nothing changes.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, models, transaction

# Parents before children, so natural-key references always resolve.
CATALOGUE_MODELS = [
    "prep.company",
    "prep.level",
    "prep.phonescreensegment",
    "prep.codingstep",
    "prep.topic",
    "prep.problem",
    "prep.problemlist",
    "prep.listsection",
    "prep.listentry",
    "prep.learncard",
    "prep.learnchapter",
    "prep.designstage",
    "prep.practiceprompt",
    "prep.focusarea",
    "prep.resource",
]


@dataclass
class Entry:
    path: Path
    index: int
    data: dict

    def describe(self) -> str:
        data = self.data if isinstance(self.data, dict) else {}
        fields = data.get("fields") if isinstance(data.get("fields"), dict) else {}
        key = fields.get("slug") or fields.get("problem") or fields.get("name") or ""
        label = f" {data.get('model', '?')} {key}".rstrip()
        return f"{self.path.name}, entry {self.index + 1}{label}"


class Command(BaseCommand):
    help = "Create, update and archive catalogue rows so the database matches fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change, change nothing."
        )
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=settings.BASE_DIR / "fixtures",
            help="Folder of JSON fixtures (default: fixtures/).",
        )

    def handle(self, *args, dry_run: bool = False, fixtures: Path, **options):
        entries = self._read(fixtures)
        counts: dict[str, Counter] = defaultdict(Counter)
        with transaction.atomic():
            for label in CATALOGUE_MODELS:
                model = apps.get_model(label)
                seen = set()
                for entry in entries.get(label, []):
                    pk, outcome = self._sync(entry)
                    if pk in seen:
                        raise CommandError(f"{entry.describe()}: the same item appears twice.")
                    seen.add(pk)
                    counts[label][outcome] += 1
                stale = model._default_manager.filter(is_archived=False).exclude(pk__in=seen)
                if any(f.name == "owner" for f in model._meta.fields):
                    # Users' own rows (their private prompts) are not the catalogue's to archive.
                    stale = stale.filter(owner__isnull=True)
                counts[label]["archived"] = stale.update(is_archived=True)
            if dry_run:
                transaction.set_rollback(True)
        self._report(counts, dry_run)

    def _read(self, folder: Path) -> dict[str, list[Entry]]:
        paths = sorted(folder.glob("*.json"))
        if not paths:
            raise CommandError(f"No fixtures found in {folder}.")
        entries: dict[str, list[Entry]] = defaultdict(list)
        for path in paths:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CommandError(f"{path.name}: not valid JSON: {exc}") from exc
            if not isinstance(data, list):
                raise CommandError(f"{path.name}: expected a list of objects.")
            for index, item in enumerate(data):
                entry = Entry(path, index, item)
                label = item.get("model", "").lower() if isinstance(item, dict) else ""
                if label not in CATALOGUE_MODELS:
                    raise CommandError(f"{entry.describe()}: not a catalogue model: {label!r}.")
                if not isinstance(item.get("fields"), dict) or "pk" in item:
                    raise CommandError(
                        f"{entry.describe()}: needs a 'fields' object and natural keys, no 'pk'."
                    )
                entries[label].append(entry)
        return entries

    def _sync(self, entry: Entry) -> tuple[int, str]:
        """Create or update the row for one fixture entry; return its pk and what happened."""
        try:
            (deserialized,) = serializers.deserialize(
                "python", [entry.data], ignorenonexistent=False
            )
            obj = deserialized.object
            m2m = {name: set(map(int, pks)) for name, pks in (deserialized.m2m_data or {}).items()}
            existing = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
            if existing is not None:
                # The deserializer found the row by natural key; validate it as an update.
                obj._state.adding = False
                if not _differs(existing, obj, m2m):
                    return existing.pk, "unchanged"
            obj.full_clean()
            # A savepoint, so a constraint the validation missed still names the entry.
            with transaction.atomic():
                obj.save()
                for name, pks in m2m.items():
                    getattr(obj, name).set(pks)
        except serializers.base.DeserializationError as exc:
            raise CommandError(f"{entry.describe()}: {_cause(exc)}") from exc
        except ValidationError as exc:
            raise CommandError(f"{entry.describe()}: {_messages(exc)}") from exc
        except FieldDoesNotExist as exc:
            raise CommandError(f"{entry.describe()}: {exc}") from exc
        except (ObjectDoesNotExist, DatabaseError, ValueError, TypeError, LookupError) as exc:
            raise CommandError(f"{entry.describe()}: {exc}") from exc
        return obj.pk, "created" if existing is None else "updated"

    def _report(self, counts: dict[str, Counter], dry_run: bool) -> None:
        for label in CATALOGUE_MODELS:
            c = counts[label]
            if c["created"] or c["updated"] or c["archived"]:
                name = apps.get_model(label)._meta.verbose_name_plural
                self.stdout.write(
                    f"  {name}: {c['created']} created, {c['updated']} updated, "
                    f"{c['archived']} archived"
                )
        total = sum(counts.values(), Counter())
        summary = (
            f"{total['created']} created, {total['updated']} updated, "
            f"{total['archived']} archived, {total['unchanged']} unchanged"
        )
        if dry_run:
            self.stdout.write(f"Dry run, nothing saved. Would have: {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Catalogue loaded: {summary}."))


def _differs(existing: models.Model, new: models.Model, m2m: dict[str, set[int]]) -> bool:
    for field in existing._meta.concrete_fields:
        if not field.primary_key and getattr(existing, field.attname) != getattr(
            new, field.attname
        ):
            return True
    return any(
        set(getattr(existing, name).values_list("pk", flat=True)) != pks
        for name, pks in m2m.items()
    )


def _cause(exc: Exception) -> str:
    # Django wraps the real problem (an unknown slug, a bad value) in DeserializationError.
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return str(exc) or exc.__class__.__name__


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
