"""Pieces of pages that change only when the catalogue does, or a candidate's own data,
worked out once and cached.

The catalogue version is a random token kept in the database (`CatalogueVersion`, one row).
Every write to a catalogue row replaces it in the same transaction as the write, so the version
a request reads always matches the rows it reads: a
rolled-back change rolls its new version back too, and a committed one is seen by every process
at once. Fragments are kept in each process's memory under the version they were built from, so
a stale fragment can never be found: a new version is a new key.

Writes through the ORM's `save()`, `delete()` and many-to-many changes bump the version by signal;
bulk writes through a catalogue model's QuerySet (`update`, `bulk_create`, `bulk_update`) bump it
themselves (prep/models/catalogue.py). Anything else (raw SQL, the snapshot tables' bulk writes)
goes inside `catalogue_change()`, which also keeps a sync of a thousand rows to one bump.

What is worked out from one candidate's rows (their dashboard's figures, their plan) is kept the
same way under their data version as well, which every write to their rows replaces
(prep/models/owned.py), and the candidate's date where a piece depends on the day:
`cached_for_user`. A piece that reads none of their practice log (what a status tick writes) is
kept under their rest version instead, which a tick leaves as it was.
"""

import contextlib
import contextvars
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db.models.signals import m2m_changed, post_delete, post_save

# Inside catalogue_change(): bump once at the end instead of on every write.
_quiet = contextvars.ContextVar("catalogue_quiet", default=False)


# The version one request has read, so the pieces of a page ask the database once; reset by
# CatalogueVersionMiddleware at the start of every request. None: not read yet in this request.
_request_version = contextvars.ContextVar("catalogue_request_version", default=None)
_in_request = contextvars.ContextVar("catalogue_in_request", default=False)


def catalogue_version() -> str:
    """The current catalogue version: one query, once per request."""
    if _quiet.get():
        # In the middle of a catalogue_change(): nothing built now may be kept for later.
        return f"changing-{uuid.uuid4().hex}"
    version = _request_version.get() if _in_request.get() else None
    if version is None:
        from prep.models import CatalogueVersion

        version = CatalogueVersion.objects.values_list("token", flat=True).first()
        if version is None:
            # A new database, or one a test flushed: any new token will do.
            version = bump_catalogue_version()
        if _in_request.get():
            _request_version.set(version)
    return version


def bump_catalogue_version() -> str:
    """Replace the version: one UPDATE, in the caller's transaction."""
    from prep.models import CatalogueVersion

    version = uuid.uuid4().hex
    if not CatalogueVersion.objects.filter(pk=1).update(token=version):
        CatalogueVersion.objects.update_or_create(pk=1, defaults={"token": version})
    if _in_request.get():
        _request_version.set(version)
    return version


@contextlib.contextmanager
def catalogue_change() -> Iterator[None]:
    """Around bulk writes to the catalogue: one new version when they are done."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)
    bump_catalogue_version()


# Users whose data this request changed, so their versions are read again (ANY: some, not
# known which); and what was read since the last change. Reset at the start of every request.
ANY = "any"
_changed_users = contextvars.ContextVar("user_data_changed", default=frozenset())
_read_versions = contextvars.ContextVar("user_versions_read", default=None)


class CatalogueVersionMiddleware:
    """Reads of the catalogue version are remembered for the rest of the request, and so are
    the candidates' data versions until the request changes their data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = (
            _in_request.set(True),
            _request_version.set(None),
            _changed_users.set(frozenset()),
            _read_versions.set({}),
        )
        try:
            return self.get_response(request)
        finally:
            _read_versions.reset(tokens[3])
            _changed_users.reset(tokens[2])
            _request_version.reset(tokens[1])
            _in_request.reset(tokens[0])


class _Kept:
    """Values in this process's memory (no pickling: callers treat them as read-only), the
    least recently used dropped first. Keys hold versions, so an entry is never stale, only
    old."""

    def __init__(self, size: int):
        self.size = size
        self.values: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, build: Callable[[], object]) -> object:
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = build()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


class _Slots(_Kept):
    """One value per slot (a piece of one candidate's page), under the versions it was built
    from: a value built from newer versions replaces it, so a candidate ticking all day holds
    one slot per piece, not one per tick."""

    def get(self, key: tuple[str, str], build: Callable[[], object]) -> object:
        slot, versions = key
        with self.lock:
            found = self.values.get(slot)
            if found is not None and found[0] == versions:
                self.values.move_to_end(slot)
                return found[1]
        value = build()
        with self.lock:
            self.values[slot] = (versions, value)
            self.values.move_to_end(slot)
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value


MAX_FRAGMENTS = 1024
_fragments = _Kept(MAX_FRAGMENTS)
# Kept apart, so a crowd of candidates never pushes out the catalogue's list pages, which cost
# far more to build again. A candidate holds up to seven slots (sizes pickled, for the bench's
# candidate): their plan, about 125 KB (its heatmap's HTML 28 KB), and its items beyond problems,
# about 55 KB but mostly the same objects; their dashboard's figures, about 20 KB, and those
# beyond problems, 5 KB; its "next up", 2 KB; and for a link that shows them, the mentor's
# stories and design notes, 10 to 20 KB each: some 30 MB a process at most, for about 128
# candidates at once.
MAX_USER_FRAGMENTS = 896
_user_fragments = _Slots(MAX_USER_FRAGMENTS)


def cached_fragment(name: str, build: Callable[[], object], *parts) -> object:
    """What `build()` returns for the current catalogue version, built at most once per version
    in this process (twice at worst, if two threads miss at once). `parts` tell apart the
    fragments of one kind (a list's id, a variant). The value is shared: never change it."""
    return _fragments.get(":".join([name, catalogue_version(), *map(str, parts)]), build)


def user_data_changed(user_ids) -> None:
    """The data of these users (ids; None: of someone) changed in this request: their
    versions are read again before anything is looked up under them (prep/models/owned.py)."""
    if not _in_request.get():
        return
    changed = _changed_users.get() | (frozenset(user_ids) if user_ids is not None else {ANY})
    _changed_users.set(changed)
    _read_versions.set({})


def user_version(profile, *, practice: bool = True) -> str:
    """The candidate's data version (or, with `practice` False, their rest version): as their
    profile was read, unless this request has changed their data since, then read again (one
    query) and remembered until the next change."""
    changed = _changed_users.get()
    if profile.user_id not in changed and ANY not in changed:
        return profile.data_version if practice else f"rest-{profile.rest_version}"
    read = _read_versions.get()
    if profile.user_id not in read:
        from prep.models import Profile

        versions = Profile.objects.filter(pk=profile.pk).values_list("data_version", "rest_version")
        gone = f"gone-{uuid.uuid4().hex}"
        read = {**read, profile.user_id: versions.first() or (gone, gone)}
        _read_versions.set(read)
    data, rest = read[profile.user_id]
    return data if practice else f"rest-{rest}"


def cached_for_user(
    name: str, profile, build: Callable[[], object], *parts, practice: bool = True
) -> object:
    """What `build()` works out from one candidate's rows (and the catalogue), built once per
    version of both in this process; `parts` hold anything else it depends on, such as the
    candidate's date. Only inside a request, where the versions are read once; elsewhere (a
    command, a shell) it is built every time. The value is shared: never change it.

    `practice=False` says `build()` reads none of the candidate's practice log (the models
    with `in_practice_log`: problem progress and events, review cards and reviews, activity):
    it is kept under their rest version, so a status tick leaves it kept.
    tests/test_user_fragments.py holds every such piece to that."""
    from prep.models.owned import batched_user

    if not _in_request.get() or profile.pk is None or batched_user() == profile.user_id:
        return build()
    slot = ":".join([name, str(profile.user_id), *map(str, parts)])
    versions = f"{catalogue_version()}:{user_version(profile, practice=practice)}"
    return _user_fragments.get((slot, versions), build)


def cached_query(queryset, evaluate: Callable = list, *, key: tuple | None = None):
    """`evaluate(queryset)` (its rows, or say its count) for the current catalogue version, for a
    query that reads only catalogue rows. Never pass a query that reads a user's rows.

    `key` names the question: a name and whatever else tells its variants apart (a list's id),
    which the query must depend on and nothing more. Without one the query is keyed by its SQL,
    so two querysets that ask the same question share one answer; but writing the SQL out costs
    as much as compiling the query (up to a millisecond for a query with joins and subqueries),
    on every call, so the queries of every page built per candidate name theirs. With a key,
    `queryset` may be a function that makes the query instead: then a question answered
    already is not even asked again (making a query with joins and subqueries costs a few tenths
    of a millisecond, before any SQL)."""
    make = queryset if callable(queryset) else lambda: queryset
    if key is not None:
        return cached_fragment("named-query", lambda: evaluate(make()), evaluate.__name__, *key)
    queryset = make()
    try:
        sql = str(queryset.query)
    except EmptyResultSet:
        return evaluate(queryset)
    return cached_fragment("query", lambda: evaluate(queryset), evaluate.__name__, sql)


def is_catalogue_model(model) -> bool:
    from prep.models.catalogue import CatalogueItem, Problem

    module = model.__module__
    return (
        module in ("prep.models.catalogue", "prep.models.snapshots")
        or issubclass(model, CatalogueItem)
        or model is Problem.topics.through
    )


def catalogue_changed() -> None:
    """A write to the catalogue happened: a new version, unless inside catalogue_change()."""
    if not _quiet.get():
        bump_catalogue_version()


def _changed(sender, instance=None, **kwargs) -> None:
    # A candidate's own prompt is theirs, not the catalogue's: it changes their pages only.
    if getattr(instance, "owner_id", None) is not None:
        from prep.models.owned import versions_of

        versions_of({instance.owner_id})
        return
    if _quiet.get():
        return
    bump_catalogue_version()


def _stories_changed(sender, instance=None, action="", reverse=False, pk_set=None, **kwargs):
    """A story's focus areas changed (or a focus area's stories): a change of their owners'."""
    from prep.models import Story
    from prep.models.owned import versions_of

    if action == "pre_clear" and reverse:  # a focus area's clear(): whose stories were in it
        versions_of(Story.objects.filter(focus_areas=instance).values("user"))
    elif action.startswith("post_") and not reverse:
        versions_of({instance.user_id})
    elif action.startswith("post_") and pk_set:
        versions_of(Story.objects.filter(pk__in=pk_set).values("user"))


def connect_signals() -> None:
    """Listen to the catalogue's models only: a receiver for every model would make Django load
    and signal each row of every cascading delete (an account's, an import's) instead of
    deleting them in bulk. Many-to-many changes send no delete signal, so stories' focus areas
    are listened to as well; the rest of a candidate's rows say so themselves
    (prep/models/owned.py)."""
    from prep.models import Story

    m2m_changed.connect(
        _stories_changed, sender=Story.focus_areas.through, dispatch_uid="prep.fragments.stories"
    )
    for model in apps.get_models(include_auto_created=True):
        if not is_catalogue_model(model):
            continue
        for signal in (post_save, post_delete, m2m_changed):
            uid = f"prep.fragments.{signal_name(signal)}.{model._meta.label_lower}"
            signal.connect(_changed, sender=model, dispatch_uid=uid)


def signal_name(signal) -> str:
    return {id(post_save): "save", id(post_delete): "delete", id(m2m_changed): "m2m"}[id(signal)]
