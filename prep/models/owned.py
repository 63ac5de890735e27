"""Rows that belong to one candidate, and the version that says their data changed.

Each candidate's profile holds a data version (`Profile.data_version`), a random token replaced
by every write to any of their rows, in the same transaction as the write. Pages keep what they
work out from a candidate's rows under that version (prep/fragments.py `cached_for_user`), so a
page built before a write can never be found after it: the write made a new key.

A second token, `Profile.rest_version`, is replaced by every write but those to their practice
log: the models that say `in_practice_log = True` (problem progress and its events, review cards
and their reviews, the activity log), which are what a status tick writes. What is worked out
from the rest alone (Learn, design, stories, mocks) is kept under it, so it outlives a tick.

Every model holding a candidate's rows mixes in `UserData` and has a manager built on
`UserDataQuerySet`, and says in `owner_path` how a row leads to its user (`"user"`, or
`"attempt__user"` for a design session's stage notes). Then every way the ORM writes such a row
replaces the version:

- `save()` and `delete()` of one row;
- a QuerySet's `update()`, `delete()`, `bulk_create()` and `bulk_update()` (which Django
  writes through `update()`), through its related managers as well
  (`user.stories.all().delete()`);
- rows deleted in a cascade from one of the candidate's own rows (a session's stage notes with
  the session) are covered by the delete that started it. A cascade from the catalogue (an admin
  deleting a problem) changes the catalogue's version, which every key holds too; a cascade from
  deleting the account leaves no profile to keep anything for.

tests/test_user_fragments.py checks that every model with a way to a user is one of these, and
that each kind of write shows on the pages at once.
"""

import contextlib
import contextvars
import uuid
from collections.abc import Iterator

from django.db import models, transaction


class _Batch:
    """The writes under way in one_change_for(): whose rows, and whether any is beyond the
    practice log (then the rest version is replaced too)."""

    def __init__(self, user_id):
        self.user_id = user_id
        self.rest = False


# Inside one_change_for(): the batch whose rows are all being written, at once.
_batched = contextvars.ContextVar("user_data_batched", default=None)


def new_version() -> str:
    return uuid.uuid4().hex


def _note_changed(user_ids) -> None:
    # Imported here: the cache builds on the models, not the other way round.
    from prep.fragments import user_data_changed

    user_data_changed(user_ids)


@contextlib.contextmanager
def one_change_for(user) -> Iterator[None]:
    """Around many writes to one candidate's rows (`user`: the user or their id), such as a tick
    that also logs, schedules and rates, or an import: one new version when they are done,
    instead of one a write. Inside the writes' transaction, so the new version commits or
    rolls back with them (`changes_of` opens one). Rows written by name (a save, a bulk insert)
    that are someone else's still give them a new version; a write by query (an update, a
    delete) counts as this candidate's, and is not read for whose rows it touched."""
    batch = _Batch(getattr(user, "pk", user))
    token = _batched.set(batch)
    try:
        yield
    finally:
        _batched.reset(token)
        outer = _batched.get()
        if outer is not None and outer.user_id == batch.user_id:
            # Inside another batch of theirs, which gives the versions: even if this one
            # failed, what it wrote (outside a transaction) stands, and counts there.
            outer.rest = outer.rest or batch.rest
    versions_of({batch.user_id}, rest=batch.rest)


@contextlib.contextmanager
def changes_of(user) -> Iterator[None]:
    """A transaction for writes to one candidate's rows, with one new data version at its end."""
    with transaction.atomic(), one_change_for(user):
        yield


def batched_user() -> int | None:
    """The candidate whose writes are under way in `one_change_for`, if any: what is worked out
    from their rows now must not be kept, as their new version is not given yet."""
    batch = _batched.get()
    return batch.user_id if batch is not None else None


def _in_batch(model) -> bool:
    """Whether a write by query to `model` is the batched candidate's (one_change_for), noted in
    the batch; False outside one."""
    batch = _batched.get()
    if batch is None:
        return False
    batch.rest = batch.rest or not model.in_practice_log
    return True


def versions_of(user_ids, *, rest: bool = True) -> int:
    """Give these users' profiles a new data version (`user_ids`: ids, or a query of them), and
    a new rest version unless `rest` is False: the write was to their practice log only.

    Called after the write it stands for: outside a transaction the two commit one after the
    other, and a page read between them finds the new rows under the old version, where
    nobody looks once the new version is in. The other order would let a page read between
    them keep the old rows under the new version, for good."""
    from prep.models.progress import Profile

    batch = _batched.get()
    if isinstance(user_ids, set | frozenset | list | tuple):
        user_ids = {pk for pk in user_ids if pk is not None}
        if batch is not None and batch.user_id in user_ids:
            user_ids.discard(batch.user_id)
            batch.rest = batch.rest or rest
        if not user_ids:
            return 0
        _note_changed(user_ids)
        profiles = Profile.objects.filter(user_id__in=user_ids)
    elif batch is not None:
        # A write by query in a batch is the batched candidate's (one_change_for).
        batch.rest = batch.rest or rest
        return 0
    else:
        _note_changed(None)
        profiles = Profile.objects.filter(user_id__in=user_ids)
    versions = {"data_version": new_version()}
    if rest:
        versions["rest_version"] = new_version()
    return profiles.update(**versions)


def _users_of_rows(model, objs) -> set | models.QuerySet:
    """The users (ids, or a query of them) who own these unsaved or saved rows."""
    first, _, rest = model.owner_path.partition("__")
    field = model._meta.get_field(first)
    if not rest:
        return {getattr(obj, field.attname) for obj in objs}
    # A row one step away (a session's stage notes): its parent, when at hand, says whose;
    # else a subquery of the parents does.
    parent = field.related_model
    if all(field.is_cached(obj) for obj in objs):
        attname = parent._meta.get_field(rest).attname
        return {getattr(getattr(obj, first), attname) for obj in objs}
    owners = parent.objects.filter(pk__in={getattr(obj, field.attname) for obj in objs})
    if _batched.get() is not None:
        # In a batch, rows are written by name: read whose, so someone else's still count.
        return set(owners.values_list(rest, flat=True))
    return owners.values(rest)


def _users_of_query(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.order_by().values(queryset.model.owner_path)


class UserDataQuerySet(models.QuerySet):
    """Bulk writes of a candidate's rows: each replaces the data version of the users whose
    rows it touches, right after the write (`versions_of` says why after)."""

    def update(self, **kwargs):
        if not set(kwargs) - set(self.model.version_ignores):
            return super().update(**kwargs)
        if _in_batch(self.model):  # the batched candidate's rows (one_change_for)
            return super().update(**kwargs)
        # Whose rows they are is read first: the update may move them out of its own filter.
        owners = set(_users_of_query(self).values_list(self.model.owner_path, flat=True))
        rows = super().update(**kwargs)
        versions_of(owners, rest=not self.model.in_practice_log)
        return rows

    update.alters_data = True

    def delete(self):
        if _in_batch(self.model):  # the batched candidate's rows (one_change_for)
            return super().delete()
        # Whose rows they are is read before they go, the new versions given after.
        owners = set(_users_of_query(self).values_list(self.model.owner_path, flat=True))
        deleted = super().delete()
        versions_of(owners, rest=not self.model.in_practice_log)
        return deleted

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        versions_of(_users_of_rows(self.model, objs), rest=not self.model.in_practice_log)
        return created

    # bulk_update() needs nothing of its own: Django writes it through update() above.


class UserData(models.Model):
    """A row that belongs to one candidate: writing it replaces their data version."""

    # The lookup from a row to its user.
    owner_path = "user"
    # Fields no page keeps anything of (a share link's visit count): writing only these
    # leaves the version as it was.
    version_ignores: tuple[str, ...] = ()
    # Part of the practice log a status tick writes: a write leaves the rest version as it was.
    in_practice_log = False

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is None or set(fields) - set(self.version_ignores):
            versions_of(_users_of_rows(type(self), [self]), rest=not self.in_practice_log)

    def delete(self, *args, **kwargs):
        # Read now, while the row is here (a parent's query still finds the parent after).
        owners = _users_of_rows(type(self), [self])
        deleted = super().delete(*args, **kwargs)
        versions_of(owners, rest=not self.in_practice_log)
        return deleted
