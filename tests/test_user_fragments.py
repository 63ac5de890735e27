"""Every write to a candidate's rows gives them a new data version, whatever ORM call makes it.

The pages keep what they work out from a candidate's rows under that version
(prep/fragments.py `cached_for_user`), so a write that left it as it was would leave a stale page.
These tests hold the rule at the model layer: which models take part, and every kind of write.
tests/test_user_pages_fresh.py goes through the pages, one write path at a time.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import ForeignKey, OneToOneField
from django.db.models.signals import m2m_changed
from django.test.utils import CaptureQueriesContext

from prep import portability
from prep.fragments import (
    CatalogueVersionMiddleware,
    _Kept,
    _Slots,
    cached_for_user,
    is_catalogue_model,
)
from prep.models import (
    Activity,
    ChapterDone,
    DesignStage,
    FocusArea,
    LearnChapter,
    MockProblem,
    PracticePrompt,
    Problem,
    ProblemEvent,
    ProblemProgress,
    Profile,
    Review,
    ReviewCard,
    ShareLink,
    StageWork,
    Story,
)
from prep.models.owned import UserData, UserDataQuerySet, changes_of, one_change_for
from tests.factories import (
    DesignAttemptFactory,
    MockRoundFactory,
    ProblemProgressFactory,
    ProfileFactory,
    ShareLinkFactory,
    StoryFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")

# Kept apart from these rules: the profile holds the version (every save gives a new one), and a
# candidate's own prompt is a catalogue model, whose signals tell its owner's version instead.
HOLDER, SIGNALLED = Profile, PracticePrompt


def _leads_to_user(model, seen=()) -> bool:
    for field in model._meta.concrete_fields:
        if not isinstance(field, ForeignKey | OneToOneField):
            continue
        target = field.related_model
        if target._meta.label == settings.AUTH_USER_MODEL:
            return True
        ours = target._meta.app_label == "prep" and target not in seen
        if ours and _leads_to_user(target, (*seen, model)):
            return True
    return False


def _prep_models_of_users():
    """The app's models with a way to a user, but the catalogue's (a snapshot names the admin
    who imported it: its writes change the catalogue's version)."""
    return [
        model
        for model in apps.get_app_config("prep").get_models()
        if model not in (HOLDER, SIGNALLED)
        and not is_catalogue_model(model)
        and _leads_to_user(model)
    ]


@pytest.mark.parametrize("model", _prep_models_of_users(), ids=lambda m: m.__name__)
def test_every_model_with_a_way_to_a_user_replaces_their_version(model):
    assert issubclass(model, UserData), f"{model.__name__} must mix in UserData"
    assert issubclass(model._default_manager._queryset_class, UserDataQuerySet)
    # owner_path leads to the user, one step or two.
    target = model
    for name in model.owner_path.split("__"):
        target = target._meta.get_field(name).related_model
    assert target._meta.label == settings.AUTH_USER_MODEL


def test_the_models_are_found_and_the_portable_ones_all_take_part():
    found = set(_prep_models_of_users())
    assert {ProblemProgress, StageWork, Review, MockProblem, ShareLink, Activity} <= found
    assert found | {HOLDER, SIGNALLED} >= portability.OWNED_MODELS


def test_stories_focus_areas_are_listened_to():
    assert m2m_changed.has_listeners(Story.focus_areas.through)


# --- Every kind of write ------------------------------------------------------------------------


@pytest.fixture
def alice_p(alice):
    return ProfileFactory(user=alice)


@pytest.fixture
def bob_p(bob):
    return ProfileFactory(user=bob)


def _version(profile) -> str:
    return Profile.objects.values_list("data_version", flat=True).get(pk=profile.pk)


def _versions(profile) -> tuple[str, str]:
    return Profile.objects.values_list("data_version", "rest_version").get(pk=profile.pk)


def _problem(n=0):
    return Problem.objects.order_by("pk")[n]


def _card(user, n=0):
    return ReviewCard.objects.create(user=user, problem=_problem(n), due_on="2026-12-01")


def _saved(row, update_fields=None, **values):
    for name, value in values.items():
        setattr(row, name, value)
    row.save(update_fields=update_fields)
    return row


def _noted(row):
    row.notes = "in bulk"
    return row


def _attempt(user):
    return DesignAttemptFactory(user=user, prompt=PracticePrompt.objects.catalogue().first())


def _work(attempt):
    return StageWork.objects.create(attempt=attempt, stage=DesignStage.objects.first(), notes="n")


def _reviewed(card):
    return Review.objects.create(card=card, rating=3, reviewed_on=card.due_on, due_on=card.due_on)


def _area():
    return FocusArea.objects.order_by("pk").first()


def _many(user, beyond=False):
    with changes_of(user):
        ProblemProgressFactory(user=user, problem=_problem(5))
        Activity.objects.bulk_create([Activity(user=user, item="problem:5")])
        if beyond:
            StoryFactory(user=user)


def _in_one_change(user, write):
    with changes_of(user):
        write()


def _titled(story):
    story.title = "in bulk"
    return story


def _nothing(user):
    return user


# Each write: what it needs made first (its own writes not counted), then the write, given that.
WRITES = {
    "save a new row": (_nothing, lambda a: ProblemProgressFactory(user=a, problem=_problem())),
    "save a row again": (
        lambda a: ProblemProgressFactory(user=a),
        lambda row: _saved(row, notes="again"),
    ),
    "save some fields": (
        lambda a: ProblemProgressFactory(user=a),
        lambda row: _saved(row, notes="only this", update_fields=["notes"]),
    ),
    "delete a row": (lambda a: ProblemProgressFactory(user=a), lambda row: row.delete()),
    "update by query": (
        lambda a: ProblemProgressFactory(user=a).user,
        lambda a: ProblemProgress.objects.filter(user=a).update(notes="x"),
    ),
    "delete by query": (
        lambda a: ProblemProgressFactory(user=a).user,
        lambda a: ProblemProgress.objects.filter(user=a).delete(),
    ),
    "delete through the user": (
        lambda a: StoryFactory(user=a).user,
        lambda a: a.stories.all().delete(),
    ),
    "create in bulk": (
        _nothing,
        lambda a: ProblemProgress.objects.bulk_create(
            [ProblemProgress(user=a, problem=_problem())]
        ),
    ),
    "create in bulk, already there": (
        lambda a: ProblemProgressFactory(user=a, problem=_problem()).user,
        lambda a: ProblemProgress.objects.bulk_create(
            [ProblemProgress(user=a, problem=_problem())], ignore_conflicts=True
        ),
    ),
    "update in bulk": (
        lambda a: ProblemProgressFactory(user=a),
        lambda row: ProblemProgress.objects.bulk_update([_noted(row)], ["notes"]),
    ),
    "save a session's stage notes": (_attempt, lambda attempt: _work(attempt)),
    "update stage notes by query": (
        lambda a: _work(_attempt(a)).attempt.user,
        lambda a: StageWork.objects.filter(attempt__user=a).update(notes="later"),
    ),
    "delete a session's stage notes": (
        lambda a: _work(_attempt(a)),
        lambda work: work.delete(),
    ),
    "create a mock's problems in bulk": (
        lambda a: MockRoundFactory(user=a),
        lambda mock: MockProblem.objects.bulk_create(
            [MockProblem(mock=mock, problem=_problem(), position=1)]
        ),
    ),
    "review a card": (lambda a: _card(a), lambda card: _reviewed(card)),
    "delete a card's reviews by query": (
        lambda a: _reviewed(_card(a)).card.user,
        lambda a: Review.objects.filter(card__user=a).delete(),
    ),
    "log activity": (
        _nothing,
        lambda a: Activity.objects.bulk_create([Activity(user=a, item="problem:1")]),
    ),
    "add a story's focus area": (
        lambda a: StoryFactory(user=a),
        lambda story: story.focus_areas.add(_area()),
    ),
    "remove a story's focus area": (
        lambda a: StoryFactory(user=a, focus_areas=[_area()]),
        lambda story: story.focus_areas.remove(_area()),
    ),
    "clear a story's focus areas": (
        lambda a: StoryFactory(user=a, focus_areas=[_area()]),
        lambda story: story.focus_areas.clear(),
    ),
    "remove a story from a focus area": (
        lambda a: StoryFactory(user=a, focus_areas=[_area()]),
        lambda story: _area().stories.remove(story),
    ),
    "clear a focus area's stories": (
        lambda a: StoryFactory(user=a, focus_areas=[_area()]),
        lambda story: _area().stories.clear(),
    ),
    "write an own prompt": (
        _nothing,
        lambda a: PracticePrompt.objects.create(owner=a, slug="own-1", title="Own", brief="B"),
    ),
    "delete an own prompt": (
        lambda a: PracticePrompt.objects.create(owner=a, slug="own-2", title="Own", brief="B"),
        lambda prompt: prompt.delete(),
    ),
    "delete own prompts by query": (
        lambda a: PracticePrompt.objects.create(owner=a, slug="own-3", title="Own", brief="B"),
        lambda prompt: PracticePrompt.objects.filter(owner=prompt.owner).delete(),
    ),
    "import own prompts in bulk": (
        _nothing,
        lambda a: PracticePrompt.objects.bulk_create(
            [PracticePrompt(owner=a, slug="own-4", title="Own", brief="B")]
        ),
    ),
    "change the profile": (
        lambda a: Profile.objects.get(user=a),
        lambda profile: _saved(profile, hours_per_week=12, update_fields=["hours_per_week"]),
    ),
    "change the profile by query": (
        _nothing,
        lambda a: Profile.objects.filter(user=a).update(hours_per_week=3),
    ),
    "change the share link's options": (
        lambda a: ShareLinkFactory(user=a),
        lambda link: _saved(link, shows_stories=True),
    ),
    "one change for many writes": (_nothing, lambda a: _many(a)),
    # Beyond the practice log, each way to write.
    "save a story again": (lambda a: StoryFactory(user=a), lambda story: _saved(story, title="B")),
    "update stories by query": (
        lambda a: StoryFactory(user=a).user,
        lambda a: Story.objects.filter(user=a).update(title="B"),
    ),
    "delete a story": (lambda a: StoryFactory(user=a), lambda story: story.delete()),
    "create chapters done in bulk": (
        _nothing,
        lambda a: ChapterDone.objects.bulk_create(
            [ChapterDone(user=a, chapter=LearnChapter.objects.first())]
        ),
    ),
    "update stories in bulk": (
        lambda a: StoryFactory(user=a),
        lambda story: Story.objects.bulk_update([_titled(story)], ["title"]),
    ),
    "one change for a tick and a story": (_nothing, lambda a: _many(a, beyond=True)),
    "one change for an update by query beyond the log": (
        lambda a: StoryFactory(user=a).user,
        lambda a: _in_one_change(a, lambda: Story.objects.filter(user=a).update(title="B")),
    ),
    "one change for a delete by query in the log": (
        lambda a: ProblemProgressFactory(user=a).user,
        lambda a: _in_one_change(a, lambda: ProblemProgress.objects.filter(user=a).delete()),
    ),
    "one change for clearing a focus area's stories": (
        lambda a: StoryFactory(user=a, focus_areas=[_area()]).user,
        lambda a: _in_one_change(a, lambda: _area().stories.clear()),
    ),
    "one change inside another": (
        _nothing,
        lambda a: _in_one_change(a, lambda: _in_one_change(a, lambda: StoryFactory(user=a))),
    ),
}

# The writes that touch only the practice log, what a status tick writes: they leave the rest
# version as it was. Every other write replaces both versions.
PRACTICE_LOG_ONLY = {
    "save a new row",
    "save a row again",
    "save some fields",
    "delete a row",
    "update by query",
    "delete by query",
    "create in bulk",
    "create in bulk, already there",
    "update in bulk",
    "review a card",
    "delete a card's reviews by query",
    "log activity",
    "one change for many writes",
    "one change for a delete by query in the log",
}


@pytest.mark.parametrize("name", WRITES)
def test_each_kind_of_write_gives_its_owner_a_new_version_and_no_one_else(
    name, alice, alice_p, bob_p
):
    prepare, write = WRITES[name]
    made = prepare(alice)
    before, bobs = _versions(alice_p), _versions(bob_p)

    write(made)

    data, rest = _versions(alice_p)
    assert data != before[0]
    if name in PRACTICE_LOG_ONLY:
        assert rest == before[1], "a write to the practice log alone gave a new rest version"
    else:
        assert rest != before[1], "a write beyond the practice log left the rest version"
    assert _versions(bob_p) == bobs


def test_the_practice_log_is_what_a_status_tick_writes():
    in_log = {model for model in _prep_models_of_users() if model.in_practice_log}
    assert in_log == {ProblemProgress, ProblemEvent, ReviewCard, Review, Activity}


@pytest.mark.parametrize(
    ("write", "rest_built_again"),
    [
        pytest.param(lambda a: StoryFactory(user=a), True, id="a-story"),
        pytest.param(
            lambda a: ProblemProgressFactory(user=a, problem=_problem()), False, id="a-tick"
        ),
    ],
)
def test_a_piece_asked_for_after_a_write_in_the_same_request_is_not_the_one_from_before(
    alice, alice_p, write, rest_built_again
):
    """A page that writes, then shows what it keeps, with the profile it read before the write:
    the versions are read again, so what was kept before the write is not found."""

    def view(request):
        profile = Profile.objects.get(pk=alice_p.pk)
        kept = lambda name, value, **practice: cached_for_user(  # noqa: E731
            name, profile, lambda: value, **practice
        )
        before = kept("all", "before"), kept("rest", "before", practice=False)
        write(alice)
        return before, (kept("all", "after"), kept("rest", "after", practice=False))

    before, after = CatalogueVersionMiddleware(view)(None)

    assert before == ("before", "before")
    assert after == ("after", "after" if rest_built_again else "before")


def test_a_mentors_visit_leaves_the_version_as_it_was(alice, alice_p):
    link = ShareLinkFactory(user=alice)
    before = _version(alice_p)

    link.record_visit()

    assert _version(alice_p) == before
    assert ShareLink.objects.get(pk=link.pk).open_count == 1


def test_one_change_for_many_writes_is_one_update_of_the_version(alice, alice_p):
    with CaptureQueriesContext(connection) as queries, changes_of(alice):
        for n in range(3):
            ProblemProgressFactory(user=alice, problem=_problem(n))
        Activity.objects.bulk_create([Activity(user=alice, item="problem:1")])

    bumps = [q for q in queries if 'UPDATE "prep_profile"' in q["sql"]]
    assert len(bumps) == 1


def _write_then_fail(user, block):
    with block:
        ProblemProgressFactory(user=user, problem=_problem())
        raise RuntimeError


def test_writes_that_roll_back_leave_the_version_as_it_was(alice, alice_p):
    before = _version(alice_p)

    with pytest.raises(RuntimeError):
        _write_then_fail(alice, transaction.atomic())
    with pytest.raises(RuntimeError):
        _write_then_fail(alice, changes_of(alice))

    assert _version(alice_p) == before
    assert not ProblemProgress.objects.filter(user=alice).exists()


def _story_then_fail(user):
    with one_change_for(user):
        StoryFactory(user=user)
        raise RuntimeError


def test_a_failed_batch_inside_another_still_counts_what_it_wrote_there(alice, alice_p):
    """Without a transaction of its own, a batch that fails keeps what it wrote before the
    error; the batch around it gives the versions, and must know the writes went beyond the
    practice log."""
    before = _versions(alice_p)

    with one_change_for(alice):
        ProblemProgressFactory(user=alice, problem=_problem())
        with pytest.raises(RuntimeError):
            _story_then_fail(alice)

    assert Story.objects.filter(user=alice).exists()
    data, rest = _versions(alice_p)
    assert data != before[0]
    assert rest != before[1]


def test_inside_one_change_for_writes_for_someone_else_still_count(alice, bob, alice_p, bob_p):
    bobs = _version(bob_p)

    with one_change_for(alice):
        ProblemProgressFactory(user=bob, problem=_problem())

    assert _version(bob_p) != bobs


def test_inside_one_change_for_writes_to_someone_elses_child_rows_still_count(
    alice, bob, alice_p, bob_p
):
    card, attempt = _card(bob), _attempt(bob)
    bobs = _version(bob_p)

    with changes_of(alice):
        # Fetched afresh: whose they are is then known only through their parents.
        _reviewed(ReviewCard.objects.get(pk=card.pk))
        StageWork.objects.create(attempt_id=attempt.pk, stage=DesignStage.objects.first())

    assert _version(bob_p) != bobs


AFTER_THE_WRITE = {
    "delete by query": (
        lambda a: ProblemProgressFactory(user=a).user,
        lambda a: ProblemProgress.objects.filter(user=a).delete(),
        'DELETE FROM "prep_problemprogress"',
    ),
    "update by query": (
        lambda a: ProblemProgressFactory(user=a).user,
        lambda a: ProblemProgress.objects.filter(user=a).update(notes="x"),
        'UPDATE "prep_problemprogress"',
    ),
    "delete a row": (
        lambda a: ProblemProgressFactory(user=a),
        lambda row: row.delete(),
        'DELETE FROM "prep_problemprogress"',
    ),
    "delete a child row": (
        lambda a: _work(_attempt(a)),
        lambda work: work.delete(),
        'DELETE FROM "prep_stagework"',
    ),
}


@pytest.mark.parametrize(
    ("prepare", "write", "statement"), AFTER_THE_WRITE.values(), ids=AFTER_THE_WRITE.keys()
)
def test_the_new_version_comes_after_the_write(prepare, write, statement, alice, alice_p):
    """Outside a transaction the write and the version commit apart: a page read between them
    must find the new rows under the old version, never the old rows under the new one."""
    made = prepare(alice)

    with CaptureQueriesContext(connection) as queries:
        write(made)

    sql = [q["sql"] for q in queries]
    wrote = next(n for n, q in enumerate(sql) if q.startswith(statement))
    versioned = next(n for n, q in enumerate(sql) if q.startswith('UPDATE "prep_profile"'))
    assert wrote < versioned


def test_deleting_an_account_stays_bulk_and_leaves_nothing_behind(alice, alice_p):
    for n in range(3):
        ProblemProgressFactory(user=alice, problem=_problem(n))
    _work(_attempt(alice))

    with CaptureQueriesContext(connection) as queries:
        alice.delete()

    # The rows go by query (DELETE ... WHERE user_id IN ...), not loaded one by one.
    assert not any('SELECT "prep_problemprogress"' in q["sql"] for q in queries)
    assert not Profile.objects.filter(pk=alice_p.pk).exists()


def test_a_candidates_piece_keeps_one_slot_its_newer_versions_replace():
    kept = _Slots(2)
    built = []

    def get(slot, version):
        return kept.get((slot, version), lambda: built.append((slot, version)) or version)

    assert get("coach:1", "v1") == "v1"
    assert get("coach:1", "v1") == "v1"  # kept
    assert get("coach:1", "v2") == "v2"  # a write: built again, in the same slot
    get("coach:2", "v1")

    assert built == [("coach:1", "v1"), ("coach:1", "v2"), ("coach:2", "v1")]
    assert len(kept.values) == 2


def test_the_kept_pages_are_bounded_least_recently_used_first():
    kept = _Kept(2)
    built = []
    for key in ["a", "b", "a", "c", "b"]:
        kept.get(key, lambda key=key: built.append(key) or key)

    # "a" was used again before "c" came, so "b" went first and was built again.
    assert built == ["a", "b", "c", "b"]
    assert list(kept.values) == ["c", "b"]
