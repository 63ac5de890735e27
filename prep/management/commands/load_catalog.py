"""Sync the study catalogue in fixtures/ into the database, keeping what admins changed.

The fixtures are upstream and the admin is local, as a package manager treats the config files
it shipped. Rows are matched by natural key (slugs), and every row this command writes gets a
SyncRecord of the values it wrote. On the next run:

- a row nobody edited since (its values still equal its record) takes the fixtures' values;
- a row edited in the admin since is kept as the admin left it and named in the report;
- a row the admin created (it has no record) is never touched, and a row the admin deleted is
  not recreated;
- a row that left the fixtures is archived (hidden from users, never deleted, so nobody's
  progress is lost), unless it was edited here.

A list's sections and entries, a card's chapters and a level's phone-screen segments count as
edits of their parent: if any of them was edited, added or deleted here, the whole family is
kept, so reordering NeetCode 150 in the admin survives a sync. `--take-upstream SLUG` replaces
named rows, or whole families, with the fixtures' version.

Upgrading from a version without sync records: rows equal to the fixtures get a record silently;
rows that differ are kept and reported as having no sync record yet, since nothing proves this
command wrote them. Take the fixtures' version of those with `--take-upstream`.

Company lists are filled differently: fixtures/companies/ holds each company's published files
and manifest.json says which list, window and date each one is. A file whose snapshot (list and
date) is not in the database yet is imported through the same code path as an admin's import
(prep/snapshots.py); one that is there is left alone, whoever imported it. Entries of company lists
follow their newest snapshot, so the sync itself never writes them.

It runs in one transaction and is safe on every deploy: a broken fixture stops it with an error
naming the file and the entry, and nothing changes. `--dry-run` prints the same report and saves
nothing.
"""

import datetime
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from prep.company_files import CompanyFileError
from prep.fragments import catalogue_change
from prep.models import ListEntry, ListSnapshot, ProblemList
from prep.models.sync import (
    CHILDREN,
    FAMILIES,
    PARENTS,
    SyncRecord,
    changed_fields,
    describe_changes,
    edit_kind,
    field_labels,
    json_value,
    m2m_fields,
    synced_values,
)
from prep.snapshots import StalePlan, snapshot_import, snapshot_plan

# Parents before children, so natural-key references always resolve.
CATALOGUE_MODELS = [
    "prep.company",
    "prep.level",
    "prep.loop",
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
    "prep.breadthtopic",
    "prep.breadthquestion",
]

# The fields each model's natural_key() is made of; every other catalogue model is known by slug.
NATURAL_KEYS = {
    "prep.phonescreensegment": ("level", "position"),
    "prep.listsection": ("problem_list", "slug"),
    "prep.listentry": ("problem_list", "problem"),
    "prep.learnchapter": ("card", "slug"),
}

# What the report calls each model known by slug, and what --take-upstream accepts.
SHORT_NAMES = {
    "prep.company": "company",
    "prep.level": "level",
    "prep.loop": "loop",
    "prep.codingstep": "step",
    "prep.topic": "topic",
    "prep.problem": "problem",
    "prep.problemlist": "list",
    "prep.learncard": "card",
    "prep.designstage": "stage",
    "prep.practiceprompt": "prompt",
    "prep.focusarea": "area",
    "prep.resource": "resource",
    "prep.breadthtopic": "breadth-topic",
    "prep.breadthquestion": "question",
}

# What a fixture entry or row can be, before families are considered.
NEW = "new"  # in the fixtures, no row and no record: create it
ADOPT = "adopt"  # a row with no record that equals its entry: record it
SYNCED = "synced"  # the row equals its record: the fixtures decide
UNRECORDED = "unrecorded"  # a row with no record that differs from its entry: keep it
EDITED = "edited"  # the row differs from its record: keep it
DELETED = "deleted"  # a record whose row is gone: do not recreate it
BLOCKED = "blocked"  # the entry refers to a row deleted here: keep what is there
LOCAL = "local"  # not in the fixtures and never synced: never touch it
KEPT = {UNRECORDED, EDITED, DELETED, BLOCKED}


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


@dataclass
class Row:
    """A catalogue row as the run found it."""

    pk: int
    parts: list
    values: dict

    @property
    def key(self) -> str:
        return json.dumps(self.parts)


@dataclass
class Item:
    """One fixture entry or one row that is not in the fixtures, and what the run makes of it."""

    key: str
    entry: Entry | None
    row: Row | None
    record: SyncRecord | None
    parent_key: str | None = None
    upstream: dict | None = None  # the entry's values; None when unknown before deserializing
    state: str = ""
    changed: list[str] = field(default_factory=list)
    blocked: str = ""


class Table:
    """One catalogue model: its rows and sync records as the run found them, and its items."""

    def __init__(self, label: str):
        self.label = label
        self.model = apps.get_model(label)
        self.key_fields = NATURAL_KEYS.get(label, ("slug",))
        self.child = CHILDREN.get(label)
        self.short = SHORT_NAMES.get(label, self.model._meta.model_name)
        self.rows: dict[int, Row] = {}
        self.rows_by_key: dict[str, Row] = {}
        self.records: dict[str, SyncRecord] = {}
        self.records_by_pk: dict[int, SyncRecord] = {}
        self.items: dict[str, Item] = {}  # fixture entries first, in fixture order
        self.absent: dict[str, str] = {}  # keys that will have no row, and why
        self.writes: dict[str, tuple[int, dict]] = {}  # records to save: key -> (pk, values)

    def name(self, key: str) -> str:
        return f"{self.short} {'/'.join(map(str, json.loads(key)))}"


class Command(BaseCommand):
    help = (
        "Create, update and archive catalogue rows so the database matches fixtures/, "
        "keeping rows edited in the admin."
    )

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
        parser.add_argument(
            "--take-upstream",
            nargs="+",
            default=[],
            metavar="SLUG",
            help=(
                "Replace these rows with the fixtures' version even if edited here: a slug, or "
                "kind:slug such as problem:two-sum or list:neetcode-150 (a list, card or level "
                "brings its entries, sections, chapters or segments)."
            ),
        )

    def handle(self, *args, dry_run: bool = False, fixtures: Path, take_upstream=(), **options):
        entries = self._read(fixtures)
        with transaction.atomic():
            with catalogue_change():
                sync = Sync(entries, take_upstream)
                sync.run()
                shipped = ShippedSnapshots(fixtures / "companies")
                shipped.run()
            if dry_run:
                transaction.set_rollback(True)
        self._report(sync, shipped, dry_run)

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

    def _report(self, sync: "Sync", shipped: "ShippedSnapshots", dry_run: bool) -> None:
        counts = sync.counts
        for label in CATALOGUE_MODELS:
            c = counts[label]
            if c["created"] or c["updated"] or c["archived"]:
                name = apps.get_model(label)._meta.verbose_name_plural
                self.stdout.write(
                    f"  {name}: {c['created']} created, {c['updated']} updated, "
                    f"{c['archived']} archived"
                )
        if sync.edits:
            n = len(sync.edits)
            edits = "local edit" if n == 1 else "local edits"
            self.stdout.write(f"Kept {n} {edits}: {', '.join(sync.edits)}.")
        if sync.unrecorded:
            n = len(sync.unrecorded)
            rows = "row that differs" if n == 1 else "rows that differ"
            has = "has" if n == 1 else "have"
            self.stdout.write(
                f"Kept {n} {rows} from the fixtures but {has} no sync record yet: "
                f"{', '.join(sync.unrecorded)}."
            )
        if sync.edits or sync.unrecorded:
            self.stdout.write(
                "Run load_catalog --take-upstream SLUG to replace a local edit with the "
                "fixture's version."
            )
        if shipped.imported or shipped.present:
            self.stdout.write(
                f"  company snapshots: {shipped.imported} imported, {shipped.present} already there"
            )
        for note in shipped.skipped:
            self.stdout.write(f"Skipped {note}.")
        total = sum(counts.values(), Counter())
        summary = (
            f"{total['created']} created, {total['updated']} updated, "
            f"{total['archived']} archived, {total['unchanged']} unchanged"
        )
        if total["kept"]:
            summary += f", {total['kept']} kept"
        if dry_run:
            self.stdout.write(f"Dry run, nothing saved. Would have: {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Catalogue loaded: {summary}."))


class Sync:
    """One run: what the database and the fixtures hold, and what to do about each row.

    Everything is decided before the first write (a family is kept whole if any member changed
    here), then rows are written in CATALOGUE_MODELS order.
    """

    def __init__(self, entries: dict[str, list[Entry]], take_upstream: list[str]):
        self.tables = {label: Table(label) for label in CATALOGUE_MODELS}
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.edits: list[str] = []
        self.unrecorded: list[str] = []
        self.now = timezone.now()
        self._survey(entries)
        self.taken = self._resolve(take_upstream)
        for label in CATALOGUE_MODELS:
            self._classify(self.tables[label])
        self.kept_families = self._families()

    # --- What is there ---------------------------------------------------------------------

    def _survey(self, entries: dict[str, list[Entry]]) -> None:
        for record in SyncRecord.objects.filter(model__in=CATALOGUE_MODELS):
            table = self.tables[record.model]
            table.records[record.natural_key] = record
            table.records_by_pk[record.object_pk] = record
        for label in CATALOGUE_MODELS:
            table = self.tables[label]
            m2m = self._m2m(table.model)
            for obj in _synced_rows(table.model):
                values = synced_values(
                    obj, {name: pks.get(obj.pk, []) for name, pks in m2m.items()}
                )
                row = Row(obj.pk, self._row_parts(table, values), values)
                table.rows[row.pk] = row
                table.rows_by_key[row.key] = row
            for entry in entries.get(label, []):
                key = self._entry_key(table, entry)
                if key in table.items:
                    raise CommandError(f"{entry.describe()}: the same item appears twice.")
                row = table.rows_by_key.get(key)
                item = Item(key, entry, row, table.records.get(key))
                if table.child:
                    item.parent_key = json.dumps(entry.data["fields"][table.child.parent])
                table.items[key] = item
            for row in table.rows.values():
                record = table.records_by_pk.get(row.pk)
                if row.key in table.items or (record and record.natural_key in table.items):
                    continue  # the entry's item covers it
                if row.values.get("owner_id") is not None:
                    continue  # a user's own prompt, not the catalogue's
                item = Item(row.key, None, row, record)
                if table.child:
                    item.parent_key = self._parent_key(table, row.values)
                table.items[row.key] = item

    def _m2m(self, model: type[models.Model]) -> dict[str, dict[int, list[int]]]:
        # One query per many-to-many field for the whole table, not one per row.
        result = {}
        for f in m2m_fields(model):
            pks: dict[int, list[int]] = defaultdict(list)
            source, target = f"{f.m2m_field_name()}_id", f"{f.m2m_reverse_field_name()}_id"
            for row_pk, related_pk in f.remote_field.through.objects.values_list(source, target):
                pks[row_pk].append(related_pk)
            result[f.name] = pks
        return result

    def _row_parts(self, table: Table, values: dict) -> list:
        parts = []
        for name in table.key_fields:
            f = table.model._meta.get_field(name)
            if f.many_to_one:
                parts.extend(self._table_of(f).rows[values[f.attname]].parts)
            else:
                parts.append(values[f.attname])
        return parts

    def _entry_key(self, table: Table, entry: Entry) -> str:
        fields = entry.data["fields"]
        parts = []
        for name in table.key_fields:
            f = table.model._meta.get_field(name)
            value = fields.get(name)
            if f.many_to_one:
                if not isinstance(value, list):
                    raise CommandError(
                        f'{entry.describe()}: {name} must be a natural key such as ["slug"].'
                    )
                parts.extend(value)
            else:
                try:
                    parts.append(json_value(f, f.to_python(value)))
                except ValidationError as exc:
                    raise CommandError(f"{entry.describe()}: {name}: {_messages(exc)}") from exc
        return json.dumps(parts)

    def _parent_key(self, table: Table, values: dict) -> str | None:
        f = table.model._meta.get_field(table.child.parent)
        parents = self._table_of(f)
        pk = values.get(f.attname)
        if pk in parents.rows:
            return parents.rows[pk].key
        record = parents.records_by_pk.get(pk)
        return record.natural_key if record else None

    def _table_of(self, f: models.Field) -> Table | None:
        return self.tables.get(f.related_model._meta.label_lower)

    def _resolve(self, keys: list[str]) -> set[tuple[str, str]]:
        """The (model, natural key) pairs --take-upstream names; an unknown name is an error."""
        slugged = [label for label in CATALOGUE_MODELS if label not in CHILDREN]
        taken = set()
        for raw in keys:
            kind, _, slug = raw.rpartition(":")
            labels = slugged
            if kind:
                kind = kind.lower().removeprefix("prep.")
                labels = [
                    label
                    for label in slugged
                    if kind in (SHORT_NAMES[label], self.tables[label].model._meta.model_name)
                ]
                if not labels:
                    names = ", ".join(SHORT_NAMES.values())
                    raise CommandError(f"--take-upstream {raw}: unknown kind; use one of {names}.")
            key = json.dumps([slug])
            matched = [
                label
                for label in labels
                if (item := self.tables[label].items.get(key)) and (item.entry or item.record)
            ]
            if not matched:
                raise CommandError(f"--take-upstream {raw}: matches nothing in the fixtures.")
            taken.update((label, key) for label in matched)
        return taken

    # --- What to do ------------------------------------------------------------------------

    def _classify(self, table: Table) -> None:
        for item in table.items.values():
            if item.entry is None:
                item.state = self._row_state(item)
                continue
            item.upstream, item.blocked = self._upstream(table, item.entry)
            item.state = self._entry_state(table, item)
            if (
                item.row is None
                and item.state in (DELETED, BLOCKED)
                and not self._is_taken(table, item)
            ):
                # Rows that will not exist, so entries referring to them are kept too.
                table.absent[item.key] = "deleted here" if item.state == DELETED else "not created"

    def _entry_state(self, table: Table, item: Item) -> str:
        row, record = item.row, item.record
        if item.blocked:
            return BLOCKED
        if record is None:
            if row is None:
                return NEW
            if row.values == item.upstream:
                return ADOPT
            item.changed = changed_fields(row.values, item.upstream or {})
            return UNRECORDED
        if row is None or row.pk != record.object_pk:
            # Deleted here, or its natural key was changed here (a renamed slug or a child moved
            # to another parent): the recorded row, if any, says what was edited.
            recorded_row = table.rows.get(record.object_pk)
            if recorded_row is None and row is None:
                return DELETED
            item.changed = changed_fields((recorded_row or row).values, record.values)
            return EDITED
        item.changed = changed_fields(row.values, record.values)
        return EDITED if item.changed else SYNCED

    def _row_state(self, item: Item) -> str:
        if item.row.values["is_archived"]:
            return ""  # hidden already; the fixtures no longer have it: nothing to do
        if item.record is None:
            return LOCAL
        item.changed = changed_fields(item.row.values, item.record.values)
        return EDITED if item.changed else SYNCED

    def _upstream(self, table: Table, entry: Entry) -> tuple[dict | None, str]:
        """The entry's values as the deserializer will build them, without its queries.

        Returns (values, ""), or (None, "") when that needs a row this run has yet to create or
        the deserializer's own verdict on a broken entry, or (None, why) when the entry refers
        to a row that will not exist because it was deleted here.
        """
        # A child's references to its own family (an entry's list and section) never block it:
        # a change there already keeps the whole family.
        family = PARENTS.get(table.label)
        own = {family, *(c.label for c in FAMILIES[family])} if family else set()
        data, m2m = {}, {}
        for name, value in entry.data["fields"].items():
            try:
                f = table.model._meta.get_field(name)
            except FieldDoesNotExist:
                return None, ""
            if f.many_to_many:
                if not isinstance(value, list):
                    return None, ""
                pks = []
                for key in value:
                    pk, blocked = self._refer(f, key)
                    if pk is None:
                        return None, blocked
                    pks.append(pk)
                m2m[name] = pks
            elif f.many_to_one:
                pk, blocked = (None, "") if value is None else self._refer(f, value)
                if f.related_model._meta.label_lower in own:
                    blocked = ""
                if value is not None and pk is None:
                    return None, blocked
                data[f.attname] = pk
            elif f.concrete:
                try:
                    data[f.name] = f.to_python(value)
                except ValidationError:
                    return None, ""
            else:
                return None, ""
        return synced_values(table.model(**data), m2m), ""

    def _refer(self, f: models.Field, key) -> tuple[int | None, str]:
        target = self._table_of(f)
        if target is None or not isinstance(key, list):
            return None, ""
        key = json.dumps(key)
        if key in target.absent:
            return None, f"{target.name(key)}, {target.absent[key]}"
        row = target.rows_by_key.get(key)
        return (row.pk if row else None), ""

    def _family(self, table: Table, item: Item) -> tuple[str, str] | None:
        if table.child:
            return (PARENTS[table.label], item.parent_key)
        if table.label in FAMILIES:
            return (table.label, item.key)
        return None

    def _is_taken(self, table: Table, item: Item) -> bool:
        return (table.label, item.key) in self.taken or self._family(table, item) in self.taken

    def _families(self) -> set[tuple[str, str]]:
        """Families with a member changed here, kept whole: the parent and all its children.

        Only a family upstream has (its parent is in the fixtures, or was synced and is still
        active) can be kept: one the admin created, or archived and upstream dropped, is never
        touched anyway.
        """
        kept = set()
        for label, children in FAMILIES.items():
            parents = self.tables[label]
            for table in (parents, *(self.tables[c.label] for c in children)):
                for item in table.items.values():
                    if self._is_taken(table, item):
                        continue
                    family = self._family(table, item)
                    parent = parents.items.get(family[1])
                    if parent is None or (parent.entry is None and parent.state in ("", LOCAL)):
                        continue
                    if item.state in KEPT or (table.child and item.state == LOCAL):
                        kept.add(family)
        return kept

    def _describe_kept(self) -> None:
        """Name each kept row, or each kept family once, with what changed here."""
        families: dict[tuple[str, str], list[tuple[Table, Item]]] = defaultdict(list)
        for label in CATALOGUE_MODELS:
            table = self.tables[label]
            blocked: dict[str, list[Item]] = defaultdict(list)
            for item in table.items.values():
                family = self._family(table, item)
                if family in self.kept_families:
                    families[family].append((table, item))
                elif item.state == BLOCKED and not self._is_taken(table, item):
                    blocked[item.blocked].append(item)
                elif item.state in KEPT and not self._is_taken(table, item):
                    upstream = self._upstream_note(table, item)
                    self._note(table.name(item.key), self._own(table, item), upstream, [item])
            # One deleted topic can hold back dozens of problems: name them together.
            for reason, items in blocked.items():
                if len(items) > 3:
                    name = f"{len(items)} {table.model._meta.verbose_name_plural}"
                    self._note(name, f"refer to {reason}", "", items)
                else:
                    for item in items:
                        self._note(table.name(item.key), self._own(table, item), "", [item])
        for (label, key), members in families.items():
            parent = self.tables[label]
            kept = [(t, i) for t, i in members if i.state in KEPT or (t.child and i.state == LOCAL)]
            own = [self._own(t, i) for t, i in kept if t is parent or i.state == BLOCKED]
            own = list(dict.fromkeys(own))
            counts: dict = defaultdict(Counter)
            for t, i in kept:
                if t.child and i.state != BLOCKED:
                    counts[t.child][_tally(i)] += 1
            children = {child: counts[child] for child in FAMILIES[label] if child in counts}
            if parent.items[key].state == DELETED:
                children = {}  # its children went with it; "deleted here" says it all
            changed = any(self._upstream_changed(i) for _, i in members)
            upstream = "upstream changed too" if changed else ""
            self._note(
                parent.name(key), describe_changes(own, children), upstream, [i for _, i in kept]
            )

    def _note(self, name: str, description: str, upstream: str, items: list[Item]) -> None:
        text = f"{name} ({description}; {upstream})" if upstream else f"{name} ({description})"
        if all(item.state == UNRECORDED for item in items):
            self.unrecorded.append(text)
        else:
            self.edits.append(text)

    def _own(self, table: Table, item: Item) -> str:
        if item.state == DELETED:
            return "deleted here"
        if item.state == BLOCKED:
            return f"refers to {item.blocked}"
        return ", ".join(field_labels(table.model, item.changed)) or "changed here"

    def _upstream_note(self, table: Table, item: Item) -> str:
        if item.record is None or item.state == BLOCKED or not self._upstream_changed(item):
            return ""
        if item.entry is None:
            return "upstream removed it"
        if item.upstream is None:
            return "upstream changed too"
        changed = changed_fields(item.upstream, item.record.values)
        return f"upstream changed {', '.join(field_labels(table.model, changed))}"

    def _upstream_changed(self, item: Item) -> bool:
        if item.entry is None:
            # Upstream removed a row it had shipped, and this run has not archived it yet.
            return item.record is not None and not item.record.values.get("is_archived")
        if item.record is None:
            return item.row is None
        if item.upstream is None:
            # Unknown when the rows it refers to are gone too; say nothing rather than guess.
            return item.state != DELETED
        return bool(changed_fields(item.upstream, item.record.values))

    # --- Doing it --------------------------------------------------------------------------

    def run(self) -> None:
        for label in CATALOGUE_MODELS:
            table = self.tables[label]
            counts = self.counts[label]
            archive = []
            for item in table.items.values():
                taken = self._is_taken(table, item)
                family = self._family(table, item)
                if not taken and family in self.kept_families:
                    counts["kept"] += item.entry is not None or item.state in KEPT
                elif item.entry is not None:
                    if item.state in (UNRECORDED, EDITED) and item.upstream is None and not taken:
                        self._resolve_upstream(table, item)
                    if item.state == SYNCED and item.upstream == item.row.values and not taken:
                        # Nothing to write; skipping the deserializer keeps a re-run quick.
                        self._record(table, item.key, item.row.pk, item.row.values)
                        counts["unchanged"] += 1
                    elif taken or item.state in (NEW, SYNCED):
                        counts[self._sync(table, item)] += 1
                    elif item.state == ADOPT:
                        self._record(table, item.key, item.row.pk, item.row.values)
                        counts["unchanged"] += 1
                    else:
                        counts["kept"] += 1
                elif (taken or item.state == SYNCED) and not item.row.values["is_archived"]:
                    archive.append(item)
                elif item.state == EDITED:
                    counts["kept"] += 1
            if archive:
                counts["archived"] += table.model._default_manager.filter(
                    pk__in=[item.row.pk for item in archive]
                ).update(is_archived=True)
                for item in archive:
                    if item.record is not None:
                        values = {**item.row.values, "is_archived": True}
                        self._record(table, item.key, item.row.pk, values)
            self._save_records(table)
        self._describe_kept()

    def _resolve_upstream(self, table: Table, item: Item) -> None:
        """Deserialize a kept entry whose values the survey could not tell (it refers to a row
        this run creates, or is broken), so a broken entry still stops the run and the report
        is exact."""
        obj, m2m = self._deserialize(item.entry)
        item.upstream = synced_values(obj, m2m)
        if item.state == UNRECORDED:
            item.changed = changed_fields(item.row.values, item.upstream)
            if not item.changed:
                item.state = ADOPT

    def _deserialize(self, entry: Entry) -> tuple[models.Model, dict[str, list[int]]]:
        with _naming(entry):
            (deserialized,) = serializers.deserialize(
                "python", [entry.data], ignorenonexistent=False
            )
        m2m = {name: list(map(int, pks)) for name, pks in (deserialized.m2m_data or {}).items()}
        return deserialized.object, m2m

    def _sync(self, table: Table, item: Item) -> str:
        """Create or update the row for one fixture entry; return what happened."""
        obj, m2m = self._deserialize(item.entry)
        upstream = synced_values(obj, m2m)
        existing = table.rows.get(obj.pk) if obj.pk else None
        if existing is not None:
            # The deserializer found the row by natural key; validate it as an update.
            obj._state.adding = False
            if existing.values == upstream:
                self._record(table, item.key, existing.pk, upstream)
                return "unchanged"
        with _naming(item.entry):
            obj.full_clean()
            # A savepoint, so a constraint the validation missed still names the entry.
            with transaction.atomic():
                obj.save()
                for name, pks in m2m.items():
                    getattr(obj, name).set(pks)
        self._record(table, item.key, obj.pk, synced_values(obj, m2m))
        return "created" if existing is None else "updated"

    def _record(self, table: Table, key: str, pk: int, values: dict) -> None:
        record = table.records.get(key)
        if record is None or record.object_pk != pk or record.values != values:
            table.writes[key] = (pk, values)

    def _save_records(self, table: Table) -> None:
        new, changed = [], []
        for key, (pk, values) in table.writes.items():
            record = table.records.get(key)
            if record is None:
                new.append(
                    SyncRecord(
                        model=table.label,
                        natural_key=key,
                        object_pk=pk,
                        values=values,
                        synced_at=self.now,
                    )
                )
            else:
                record.object_pk, record.values, record.synced_at = pk, values, self.now
                changed.append(record)
        SyncRecord.objects.bulk_create(new, batch_size=500)
        SyncRecord.objects.bulk_update(
            changed, ["object_pk", "values", "synced_at"], batch_size=500
        )


def _synced_rows(model: type[models.Model]) -> models.QuerySet:
    rows = model._default_manager.all()
    if model is ListEntry:
        # A company list's entries follow its newest snapshot, not the fixtures.
        rows = rows.exclude(problem_list__in=ProblemList.objects.following_snapshots())
    return rows


class ShippedSnapshots:
    """The company files in fixtures/companies/, imported as snapshots where they are missing."""

    FIELDS = ("list", "company", "window", "file", "as_of", "source_name", "source_url")

    def __init__(self, folder: Path):
        self.folder = folder
        self.imported = 0
        self.present = 0
        self.skipped: list[str] = []

    def run(self) -> None:
        manifest = self.folder / "manifest.json"
        if not manifest.exists():
            return  # a fixtures folder with no company files
        items = self._read(manifest)
        lists = ProblemList.objects.filter(slug__in=[i["list"] for i in items])
        lists = {pl.slug: pl for pl in lists.select_related("company")}
        there = set(
            ListSnapshot.objects.filter(problem_list__in=lists.values()).values_list(
                "problem_list__slug", "as_of"
            )
        )
        for n, item in enumerate(items, start=1):
            where = f"companies/manifest.json, entry {n}"
            problem_list = lists.get(item["list"])
            if problem_list is None or problem_list.company is None:
                self.skipped.append(f"{item['file']}: list {item['list']} is not here")
                continue
            # An admin may have given the list another window or company: theirs to decide, so
            # the file is left out and named, and the deploy goes on.
            if (problem_list.window, problem_list.company.slug) != (
                item["window"],
                item["company"],
            ):
                self.skipped.append(
                    f"{item['file']}: list {item['list']} now covers "
                    f"{problem_list.company.slug}, {problem_list.window or 'no window'}, not "
                    f"{item['company']}, {item['window']}"
                )
                continue
            try:
                as_of = datetime.date.fromisoformat(item["as_of"])
            except (TypeError, ValueError) as exc:
                raise CommandError(f"{where}: as_of: {exc}.") from exc
            if (problem_list.slug, as_of) in there:
                self.present += 1
                continue
            try:
                data = (self.folder / item["file"]).read_bytes()
                plan = snapshot_plan(
                    data,
                    item["file"],
                    company=problem_list.company,
                    window=problem_list.window,
                    as_of=as_of,
                    source_name=item["source_name"],
                    source_url=item["source_url"],
                )
            except OSError as exc:
                raise CommandError(f"{where}: cannot read {item['file']}: {exc.strerror}.") from exc
            except CompanyFileError as exc:
                raise CommandError(f"{where}: {exc}.") from exc
            try:
                snapshot_import(plan, from_fixtures=True)
            except StalePlan as exc:
                raise CommandError(f"{where}: {exc}") from exc
            self.imported += 1

    def _read(self, manifest: Path) -> list[dict]:
        try:
            items = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"companies/manifest.json: not valid JSON: {exc}") from exc
        if not isinstance(items, list):
            raise CommandError("companies/manifest.json: expected a list of files.")
        for n, item in enumerate(items, start=1):
            missing = [f for f in self.FIELDS if not isinstance(item, dict) or f not in item]
            if missing:
                raise CommandError(
                    f"companies/manifest.json, entry {n}: missing {', '.join(missing)}."
                )
        return items


@contextmanager
def _naming(entry: Entry) -> Iterator[None]:
    """Turn what Django raises about a broken entry into an error naming its file and entry."""
    try:
        yield
    except serializers.base.DeserializationError as exc:
        raise CommandError(f"{entry.describe()}: {_cause(exc)}") from exc
    except ValidationError as exc:
        raise CommandError(f"{entry.describe()}: {_messages(exc)}") from exc
    except FieldDoesNotExist as exc:
        raise CommandError(f"{entry.describe()}: {exc}") from exc
    except (ObjectDoesNotExist, DatabaseError, ValueError, TypeError, LookupError) as exc:
        raise CommandError(f"{entry.describe()}: {exc}") from exc


def _tally(item: Item) -> str:
    if item.state == LOCAL:
        return "added"
    if item.state == DELETED:
        return "deleted"
    if item.state == UNRECORDED:
        return "differ"
    return edit_kind(item.changed)


def _cause(exc: Exception) -> str:
    # Django wraps the real problem (an unknown slug, a bad value) in DeserializationError.
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return str(exc) or exc.__class__.__name__


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
