"""What `load_catalog` last wrote to each catalogue row, so a sync can tell local edits apart.

The fixtures are upstream and the admin is local, as a package manager treats a config file it
shipped: a row whose values still equal what the last sync wrote takes the fixtures' new values;
a row that differs was edited here and is kept. The values of a database row and of a fixture
entry are both computed by `synced_values`, so comparing two dicts says exactly which fields
differ.

A list's sections and entries, a card's chapters and a level's phone-screen segments belong to
their parent (`FAMILIES`): reordering a list's entries is an edit of the list.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import JSONField, OuterRef, Subquery
from django.utils import timezone


class SyncRecord(models.Model):
    """A catalogue row as `load_catalog` last wrote it: its natural key, id and field values."""

    model = models.CharField(
        max_length=100, help_text='The row\'s model label, e.g. "prep.problem".'
    )
    natural_key = models.CharField(
        max_length=400, help_text='The row\'s natural key as JSON, e.g. ["two-sum"].'
    )
    object_pk = models.PositiveBigIntegerField()
    values = models.JSONField(help_text="The row's fields as last synced, by attribute name.")
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "natural_key"], name="unique_sync_record")
        ]
        indexes = [models.Index(fields=["model", "object_pk"], name="sync_record_row")]

    def __str__(self) -> str:
        return f"{self.model} {self.natural_key}"


@dataclass(frozen=True)
class Child:
    """A kind of row whose edits count as edits of its parent."""

    label: str
    parent: str  # the foreign key to the parent
    related_name: str
    noun: tuple[str, str]


FAMILIES: dict[str, tuple[Child, ...]] = {
    "prep.level": (
        Child("prep.phonescreensegment", "level", "phone_screen", ("segment", "segments")),
    ),
    "prep.problemlist": (
        Child("prep.listsection", "problem_list", "sections", ("section", "sections")),
        Child("prep.listentry", "problem_list", "entries", ("entry", "entries")),
    ),
    "prep.learncard": (Child("prep.learnchapter", "card", "chapters", ("chapter", "chapters")),),
}
CHILDREN: dict[str, Child] = {child.label: child for kids in FAMILIES.values() for child in kids}
PARENTS: dict[str, str] = {child.label: label for label, kids in FAMILIES.items() for child in kids}


def synced_values(obj: models.Model, m2m: dict[str, list[int]] | None = None) -> dict:
    """A row's fields as JSON-safe values: every concrete field but the id, by attribute name,
    and many-to-many fields as sorted id lists (taken from `m2m` if given, else from the row)."""
    values = {
        field.attname: json_value(field, getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if not field.primary_key
    }
    for field in m2m_fields(type(obj)):
        if m2m is not None:
            values[field.name] = sorted(set(m2m.get(field.name, [])))
        else:
            values[field.name] = sorted({related.pk for related in getattr(obj, field.name).all()})
    return values


def json_value(field: models.Field, value):
    """A field value as JSON: decimals as strings to the field's places, dates in ISO format."""
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places)))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, str):
        # An admin form posts text with CRLF line breaks and strips it; neither is an edit.
        return value.replace("\r\n", "\n").strip()
    return value


def m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    # A list's problems are its entries, synced as rows of their own.
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def changed_fields(current: dict, recorded: dict) -> list[str]:
    """The fields (attribute names) whose value differs from the recorded one.

    A field the record does not know was added to the model after that sync; it counts as
    unchanged, so a migration adding a field does not make every row look edited.
    """
    changed = [name for name in current if name in recorded and current[name] != recorded[name]]
    # Model order, but "archived" (a CatalogueItem field, so first) reads best last.
    return sorted(changed, key=lambda name: name == "is_archived")


def field_labels(model: type[models.Model], names: list[str]) -> list[str]:
    """Readable names of fields given by attribute name: "title", "archived", "LeetCode number"."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    fields.update((f.name, f) for f in model._meta.many_to_many)
    return [str(fields[name].verbose_name) if name in fields else name for name in names]


def child_change(current: dict, recorded: dict | None, *, is_archived: bool) -> str | None:
    """How a child row differs from the last sync: "moved", "edited", "added" or None."""
    if recorded is None:
        # A row the fixtures never had; an archived one is hidden, so it changes nothing.
        return None if is_archived else "added"
    changed = changed_fields(current, recorded)
    return edit_kind(changed) if changed else None


def edit_kind(changed: list[str]) -> str:
    """A child row whose only change is its position was moved, as by reordering a list."""
    return "moved" if changed and set(changed) <= {"position"} else "edited"


def describe_changes(fields: list[str], children: dict[Child, Counter] | None = None) -> str:
    """Say what was changed here: "title, archived", "entries reordered", "2 entries edited, 1
    added". `children` counts, per kind, rows moved, edited, added, deleted or that differ."""
    parts = list(fields)
    for child, counts in (children or {}).items():
        one, many = child.noun
        said = []
        edited = counts["edited"] + counts["moved"]
        if counts["moved"] and not counts["edited"]:
            said.append(f"{many} reordered")
        elif edited:
            said.append(f"{edited} {one if edited == 1 else many} edited")
        for what in ("added", "deleted", "differ"):
            n = counts[what]
            if not n:
                continue
            verb = "differs" if what == "differ" and n == 1 else what
            said.append(f"{n} {verb}" if said else f"{n} {one if n == 1 else many} {verb}")
        parts.extend(said)
    return ", ".join(parts)


def with_synced_values(queryset: models.QuerySet) -> models.QuerySet:
    """Annotate `synced_values`: the row's values as the last sync wrote them, None if it never
    did (the row was added here)."""
    records = SyncRecord.objects.filter(
        model=queryset.model._meta.label_lower, object_pk=OuterRef("pk")
    )
    return queryset.annotate(
        synced_values=Subquery(records.values("values")[:1], output_field=JSONField())
    )


class CatalogueVersion(models.Model):
    """One row: a token replaced, in the same transaction, by every write to the catalogue, so
    pages can keep what only changes with the catalogue under it (prep/fragments.py). A random
    token, not a counter: a rolled-back change must never hand its number to another."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
