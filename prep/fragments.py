"""Pieces of pages that change only when the catalogue does, rendered once and cached.

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


class CatalogueVersionMiddleware:
    """Reads of the catalogue version are remembered for the rest of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = _in_request.set(True), _request_version.set(None)
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(tokens[1])
            _in_request.reset(tokens[0])


# Built fragments, in this process's memory (no pickling: callers treat them as read-only), the
# least recently used dropped first. Keys hold the version, so an entry is never stale, only old.
_fragments: OrderedDict[str, object] = OrderedDict()
_fragments_lock = threading.Lock()
MAX_FRAGMENTS = 1024


def cached_fragment(name: str, build: Callable[[], object], *parts) -> object:
    """What `build()` returns for the current catalogue version, built at most once per version
    in this process (twice at worst, if two threads miss at once). `parts` tell apart the
    fragments of one kind (a list's id, a variant). The value is shared: never change it."""
    key = ":".join([name, catalogue_version(), *map(str, parts)])
    with _fragments_lock:
        if key in _fragments:
            _fragments.move_to_end(key)
            return _fragments[key]
    value = build()
    with _fragments_lock:
        _fragments[key] = value
        while len(_fragments) > MAX_FRAGMENTS:
            _fragments.popitem(last=False)
    return value


def cached_query(queryset, evaluate: Callable = list):
    """`evaluate(queryset)` (its rows, or say its count) for the current catalogue version, for a
    query that reads only catalogue rows: keyed by its SQL, so two querysets that ask the same
    question share one answer. Never pass a query that reads a user's rows."""
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
    if _quiet.get():
        return
    # A candidate's own prompt is theirs, not the catalogue's: it changes no shared page.
    if getattr(instance, "owner_id", None) is not None:
        return
    bump_catalogue_version()


def connect_signals() -> None:
    """Listen to the catalogue's models only: a receiver for every model would make Django load
    and signal each row of every cascading delete (an account's, an import's) instead of
    deleting them in bulk."""
    for model in apps.get_models(include_auto_created=True):
        if not is_catalogue_model(model):
            continue
        for signal in (post_save, post_delete, m2m_changed):
            uid = f"prep.fragments.{signal_name(signal)}.{model._meta.label_lower}"
            signal.connect(_changed, sender=model, dispatch_uid=uid)


def signal_name(signal) -> str:
    return {id(post_save): "save", id(post_delete): "delete", id(m2m_changed): "m2m"}[id(signal)]
