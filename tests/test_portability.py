"""Your data is yours: "Download my data" gives one versioned JSON file of everything a
candidate owns, "Import my data" restores it (replacing what the account holds) or refuses it
whole, and deleting an account also forgets the login attempts kept under its name."""

import contextlib
import copy
import functools
import json
import operator
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prep import portability
from prep.models import (
    BreadthAnswer,
    BreadthQuestion,
    BreadthTopic,
    ListSnapshot,
    PracticePrompt,
    ProblemProgress,
    Profile,
    Review,
    ReviewCard,
    ShareLink,
    Status,
    Story,
    record_activity,
)
from tests.conftest import PASSWORD
from tests.factories import (
    CardDoneFactory,
    ChapterDoneFactory,
    CompanyFactory,
    DesignAttemptFactory,
    DesignStageFactory,
    FocusAreaFactory,
    LearnCardFactory,
    LearnChapterFactory,
    LevelFactory,
    MockProblemFactory,
    MockRoundFactory,
    PracticePromptFactory,
    ProblemEventFactory,
    ProblemFactory,
    ProblemProgressFactory,
    ProfileFactory,
    ShareLinkFactory,
    StageStudiedFactory,
    StageWorkFactory,
    StoryFactory,
    UserFactory,
)

EXPORT = reverse("prep:data-export")
IMPORT = reverse("prep:data-import")
SETTINGS = reverse("prep:settings")
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/settings/"}

# Measured on SQLite: a query or two per kind of row, the same with one row or a thousand.
# Exporting also looks up the slugs of what the activity log names, one query per kind; importing
# reads each catalogue model's slugs once, deletes what the account held, and writes in bulk.
# ML breadth answers: exporting reads them and the breadth questions the activity log names
# (+2); importing reads the questions' slugs, deletes, inserts and restores the answers' own
# timestamps (+4). The import then gives the candidate one new data version, for all its writes
# (+1, prep/models/owned.py).
EXPORT_QUERIES = 22 + 2
IMPORT_QUERIES = 51 + 4 + 1

# Rows that name a user without being theirs: who imported a company list is the catalogue's
# record, kept (SET_NULL) when that account goes.
NOT_USER_DATA = {ListSnapshot}


# The cast's data ----------------------------------------------------------------------------


def _everything(user, *, copies: int = 1) -> dict:
    """One or more of every kind of row a candidate can own, with text in every notes field."""
    made = {}
    ProfileFactory(user=user, interview_date=date(2030, 5, 1), hours_per_week=6)
    area, other_area = FocusAreaFactory(), FocusAreaFactory()
    for n in range(copies):
        problem, other = ProblemFactory(), ProblemFactory()
        ProblemProgressFactory(
            user=user,
            problem=problem,
            status=Status.SOLVED,
            confidence=4,
            minutes_spent=35,
            notes=f"Two pointers, **then** a hash map ({n}).",
            first_solved_on=date(2025, 3, 2),
            last_practised_on=date(2025, 3, 4),
        )
        ProblemProgressFactory(user=user, problem=other, status=Status.ATTEMPTED)
        ProblemEventFactory(user=user, problem=problem, status=Status.ATTEMPTED)
        ProblemEventFactory(
            user=user, problem=problem, old_status=Status.ATTEMPTED, status=Status.SOLVED
        )
        chapter = LearnChapterFactory()
        ChapterDoneFactory(user=user, chapter=chapter)
        CardDoneFactory(user=user, card=LearnCardFactory())
        stage = DesignStageFactory()
        StageStudiedFactory(user=user, stage=stage)
        own = PracticePromptFactory(
            owner=user,
            slug=f"my-feed-ranking-{n}-{user.pk:08x}",  # as prompt_create names them
            title=f"My feed ranking {n}",
            brief="Rank it.",
        )
        catalogue_prompt = PracticePromptFactory()
        attempt = DesignAttemptFactory(user=user, prompt=own, started_at=timezone.now())
        StageWorkFactory(attempt=attempt, stage=stage, notes="Clarify the objective.", rating=3)
        DesignAttemptFactory(
            user=user,
            prompt=catalogue_prompt,
            started_at=timezone.now() - timedelta(hours=1),
            ended_at=timezone.now(),
        )
        story = StoryFactory(user=user, title=f"The migration {n}", focus_areas=[area, other_area])
        StoryFactory(user=user, focus_areas=[area])
        mock = MockRoundFactory(
            user=user,
            level=LevelFactory(loop=False),
            company=CompanyFactory(),
            story=story,
            focus_area=area,
            is_recorded=True,
        )
        MockProblemFactory(mock=mock, problem=problem, position=1, outcome="hints", minutes=20)
        MockProblemFactory(mock=mock, problem=other, position=2)
        card = ReviewCard.objects.create(user=user, problem=problem, due_on=date(2025, 3, 9))
        for day, rating in [(2, 3), (5, 2)]:
            Review.objects.create(
                card=card,
                rating=rating,
                reviewed_on=date(2025, 3, day),
                due_on=date(2025, 3, day + 4),
            )
        story_card = ReviewCard.objects.create(user=user, story=story, due_on=date(2025, 4, 1))
        Review.objects.create(
            card=story_card,
            rating=4,
            source=Review.Source.REHEARSED,
            reviewed_on=date(2025, 3, 3),
            due_on=date(2025, 4, 1),
        )
        topic, _ = BreadthTopic.objects.get_or_create(slug="portable", defaults={"name": "Metrics"})
        question = BreadthQuestion.objects.create(
            topic=topic, slug=f"portable-{n}-{user.pk}", title="ROC AUC", question="What is it?"
        )
        BreadthAnswer.objects.create(user=user, question=question, notes=f"Order, not scale ({n}).")
        record_activity(user, problem, chapter, chapter.card, stage, own, catalogue_prompt)
        record_activity(user, question)
        record_activity(user, story, mock)
        gone = StoryFactory(user=user)
        record_activity(user, gone)
        gone.delete()  # its work still counted on its day
        made.update(problem=problem, own_prompt=own, story=story)
    made["link"] = ShareLinkFactory(user=user, expiry_days=30, shows_notes=True, shows_stories=True)
    return made


def _export(user) -> dict:
    """A user's file as the download gives it, read back."""
    return json.loads(json.dumps(portability.export_data(user)))


def _comparable(document: dict) -> dict:
    return {k: v for k, v in document.items() if k not in portability.INFORMATIONAL}


def _owned_counts(user) -> dict[str, int]:
    counts = {}
    for kind in portability.KINDS:
        path = kind.owner if kind.owner in ("user", "owner") else f"{kind.owner}__user"
        counts[kind.model.__name__] = kind.model.objects.filter(**{path: user}).count()
    return counts


def _upload(content, name: str = "mle-prep-data.json") -> SimpleUploadedFile:
    if isinstance(content, dict):
        content = json.dumps(content).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def _post(client, content, *, replace: bool = True, headers=None):
    data = {"file": _upload(content)}
    if replace:
        data["replace"] = "on"
    return client.post(IMPORT, data, headers=headers)


@pytest.fixture
def dave(db):
    return UserFactory(username="dave")


@pytest.fixture
def dave_client(client, dave):
    client.force_login(dave)
    return client


# Every row a user owns is in the file -------------------------------------------------------


def _user_owned_models() -> set:
    """Every model of the app whose rows belong to a user: those with a key to the user, and
    those with a key to such a row (a mock's problems, a session's stage work), found from
    the models alone, so a new one shows up here the day it is added."""
    user_model = get_user_model()
    owned: set = set()
    candidates = [m for m in apps.get_app_config("prep").get_models() if m not in NOT_USER_DATA]
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in owned:
                continue
            keys = [f for f in model._meta.get_fields() if f.concrete and f.is_relation]
            if any(f.related_model is user_model or f.related_model in owned for f in keys):
                owned.add(model)
                grew = True
    return owned


def test_every_model_holding_a_users_rows_is_exported():
    owned = _user_owned_models()

    missing = {m.__name__ for m in owned - portability.OWNED_MODELS}
    assert not missing, f"add these to prep/portability.py's KINDS: {sorted(missing)}"
    assert owned == portability.OWNED_MODELS


@pytest.mark.parametrize("kind", portability.KINDS, ids=lambda kind: kind.model.__name__)
def test_every_field_of_a_users_row_is_in_the_file_or_left_out_on_purpose(kind):
    meta = kind.model._meta
    names = {f.name for f in [*meta.concrete_fields, *meta.many_to_many] if not f.primary_key}

    accounted = {kind.owner, *kind.fields, *kind.refs, *kind.left_out}

    assert names == accounted, f"{kind.model.__name__}: decide on {sorted(names ^ accounted)}"
    owner = meta.get_field(kind.owner).related_model
    assert owner is get_user_model() or owner in portability.OWNED_MODELS


def test_the_file_holds_every_kind_of_row_named_by_slugs(alice):
    made = _everything(alice)

    document = _export(alice)

    assert document["format"] == "mle-prep-data"
    assert document["schema_version"] == portability.SCHEMA_VERSION
    exported_at = datetime.fromisoformat(document["exported_at"])
    assert abs(exported_at - timezone.now()) < timedelta(minutes=1)
    assert document["account"]["username"] == "alice"
    assert document["problems"][0]["problem"] == made["problem"].slug
    assert document["problems"][0]["notes"] == "Two pointers, **then** a hash map (0)."
    assert [e["status"] for e in document["problem_events"]] == ["attempted", "solved"]
    assert document["prompts"][0]["title"] == "My feed ranking 0"
    assert document["stories"][0]["title"] == "The migration 0"
    assert len(document["stories"][0]["focus_areas"]) == 2
    assert document["design_attempts"][0]["prompt_ref"] == 1
    assert document["design_attempts"][0]["work"][0]["notes"] == "Clarify the objective."
    assert document["mocks"][0]["story_ref"] == 1
    assert [p["outcome"] for p in document["mocks"][0]["problems"]] == ["hints", ""]
    assert [len(c["reviews"]) for c in document["review_cards"]] == [2, 1]
    kinds = [a["kind"] for a in document["activity"]]
    assert set(kinds) == portability.ACTIVITY_KINDS
    assert {k: v for k, v in document["activity"][-1].items() if k != "at"} == {
        "kind": "story",
        "gone": 1,
    }
    assert document["share_link"] == {
        "expiry_days": 30,
        "shows_notes": True,
        "shows_design_notes": False,
        "shows_stories": True,
    }


# Numbers the file may hold: counts, ratings, positions and its own refs, never a database id.
NUMBERS = {
    "schema_version",
    "hours_per_week",
    "confidence",
    "minutes_spent",
    "position",
    "paused_seconds",
    "rating",
    "minutes",
    "expiry_days",
    "ref",
    "prompt_ref",
    "story_ref",
    "gone",
}


def _numbers(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item, key)
    elif isinstance(value, int) and not isinstance(value, bool):
        yield key


def test_the_file_has_no_database_ids_and_no_share_token(alice):
    link = _everything(alice)["link"]

    document = _export(alice)
    text = json.dumps(document)

    assert set(_numbers(document)) <= NUMBERS
    assert link.token not in text
    assert link.token_hash not in text
    assert link.token_prefix not in text
    assert not any(key.endswith("_id") or key in ("id", "pk") for key in _keys(document))


def _keys(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


# Downloading ----------------------------------------------------------------------------------


def test_download_is_a_dated_attachment_that_no_cache_keeps(alice_client, alice):
    _everything(alice)
    Profile.objects.filter(user=alice).update(time_zone="Pacific/Kiritimati")

    response = alice_client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    kiritimati = timezone.localdate(timezone=ZoneInfo("Pacific/Kiritimati"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="mle-prep-data-{kiritimati:%Y-%m-%d}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["stories"][0]["title"] == "The migration 0"


def test_a_stranger_downloads_only_their_own_data(client, alice, charlie):
    _everything(alice)
    client.force_login(charlie)

    document = json.loads(client.get(EXPORT).content)

    assert document["account"]["username"] == "charlie"
    assert document["profile"] is None
    assert document["problems"] == document["stories"] == document["activity"] == []
    assert "The migration" not in json.dumps(document)


def test_settings_offer_the_download_and_the_import_form(alice_client, alice_e5):
    page = alice_client.get(SETTINGS).content.decode()

    assert f'href="{EXPORT}"' in page
    assert "Download my data" in page
    assert f'action="{IMPORT}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Everything this account holds now is replaced by what the file holds" in page


@pytest.mark.parametrize("url", [EXPORT, IMPORT])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url) if url == EXPORT else client.post(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("url", "method"), [(EXPORT, "post"), (IMPORT, "get"), (IMPORT, "put")])
def test_wrong_methods_get_405_even_when_anonymous(client, alice, url, method):
    assert getattr(client, method)(url).status_code == 405
    client.force_login(alice)
    assert getattr(client, method)(url).status_code == 405


def test_head_answers_like_get(alice_client, alice):
    response = alice_client.head(EXPORT)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_export_takes_the_same_queries_however_much_there_is(alice, bob):
    _everything(alice)
    _everything(bob, copies=4)

    counts = []
    for user in (alice, bob):
        with CaptureQueriesContext(connection) as queries:
            portability.export_data(user)
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[0] <= EXPORT_QUERIES


# Importing ----------------------------------------------------------------------------------


def test_a_download_restores_into_a_new_account_on_another_site(alice, dave_client, dave):
    """Deleting the account here and importing its file into a new one stands in for moving to
    another installation: the new account holds exactly what the old one did."""
    _everything(alice)
    before, counts = _export(alice), _owned_counts(alice)
    portability.erase_account(alice)

    response = _post(dave_client, before)

    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    after = _export(dave)
    assert _comparable(after) == _comparable(before)
    assert _owned_counts(dave) == counts
    page = dave_client.get(SETTINGS).content.decode()
    assert "Your data was imported: 2 problem statuses, 2 stories, 1 private prompt" in page


def test_a_restored_account_shows_its_progress_notes_and_stories(alice, dave_client, dave):
    made = _everything(alice)
    document = _export(alice)

    _post(dave_client, document)

    problem = dave_client.get(reverse("prep:problem-detail", args=[made["problem"].slug]))
    assert "<strong>then</strong>" in problem.content.decode()
    stories = dave_client.get(reverse("prep:stories")).content.decode()
    assert "The migration 0" in stories
    own = PracticePrompt.objects.get(owner=dave)
    assert dave_client.get(own.get_absolute_url()).status_code == 200


def test_importing_replaces_what_the_account_held(alice, dave_client, dave):
    _everything(alice)
    document = _export(alice)
    kept_problem = ProblemFactory()
    ProblemProgressFactory(user=dave, problem=kept_problem, notes="dave's own")
    StoryFactory(user=dave, title="Dave's story")

    _post(dave_client, document)

    assert not ProblemProgress.objects.filter(user=dave, problem=kept_problem).exists()
    assert not Story.objects.filter(user=dave, title="Dave's story").exists()
    assert _owned_counts(dave)["Story"] == 2


def test_importing_the_same_file_twice_gives_the_same_account(alice, dave_client, dave):
    _everything(alice)
    document = _export(alice)

    _post(dave_client, document)
    once = _comparable(_export(dave))
    _post(dave_client, document)
    twice = _comparable(_export(dave))

    # alice still has the prompt's slug here, so each import gives dave's copy a fresh one.
    for prompt in [*once["prompts"], *twice["prompts"]]:
        assert prompt.pop("slug").startswith("my-feed-ranking-0-")
    assert twice == once


def test_a_private_prompt_keeps_its_slug_unless_it_is_taken_here(alice, dave_client, dave):
    made = _everything(alice)

    _post(dave_client, _export(alice))

    theirs = PracticePrompt.objects.get(owner=dave)
    assert theirs.slug != made["own_prompt"].slug
    assert theirs.title == made["own_prompt"].title
    assert PracticePrompt.objects.get(pk=made["own_prompt"].pk).owner == alice


def test_a_private_prompt_never_takes_a_slug_the_catalogue_could_ship(alice, dave_client, dave):
    _everything(alice)
    document = _export(alice)
    portability.erase_account(alice)
    document["prompts"][0]["slug"] = "design-a-news-feed"

    _post(dave_client, document)

    slug = PracticePrompt.objects.get(owner=dave).slug
    assert slug.startswith("my-feed-ranking-0-")
    assert portability.PRIVATE_SLUG.fullmatch(slug)


def test_a_live_share_link_keeps_its_token_and_options(alice, dave_client, dave):
    _everything(alice)
    document = _export(alice)
    link = ShareLinkFactory(user=dave, expiry_days=7)

    _post(dave_client, document)

    link.refresh_from_db()
    assert ShareLink.objects.find(link.token) == link
    assert link.expiry_days == 7
    assert not link.shows_notes


def test_without_a_live_link_the_files_sharing_options_apply_and_nothing_is_shared(
    alice, dave_client, dave
):
    _everything(alice)

    _post(dave_client, _export(alice))

    link = ShareLink.objects.get(user=dave)
    assert (link.expiry_days, link.shows_notes, link.shows_stories) == (30, True, True)
    assert not link.is_active


def test_another_accounts_rows_are_never_touched(alice, bob, dave_client, dave):
    _everything(alice)
    _everything(bob)
    bobs = _comparable(_export(bob))

    _post(dave_client, _export(alice))

    assert _comparable(_export(bob)) == bobs


def test_imported_text_is_shown_escaped_and_sanitised(alice, dave_client, dave):
    made = _everything(alice)
    document = _export(alice)
    document["stories"][0]["title"] = '<script>alert("story")</script>'
    document["problems"][0]["notes"] = "<img src=x onerror=alert(1)> **kept**"

    assert _post(dave_client, document).status_code == 302

    stories = dave_client.get(reverse("prep:stories")).content.decode()
    assert '<script>alert("story")' not in stories
    assert "&lt;script&gt;alert(&quot;story&quot;)&lt;/script&gt;" in stories
    problem = dave_client.get(reverse("prep:problem-detail", args=[made["problem"].slug]))
    assert not re.search(r"<img[^>]*onerror", problem.content.decode())
    assert "<strong>kept</strong>" in problem.content.decode()


def test_htmx_success_reloads_the_whole_page(alice, dave_client):
    _everything(alice)

    response = _post(dave_client, _export(alice), headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == SETTINGS


def test_htmx_refusal_gets_only_the_data_panel(dave_client):
    response = _post(dave_client, b"not json", headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 400
    assert page.lstrip().startswith('<section id="data"')
    assert "<html" not in page
    assert "it is not JSON" in page


# Refusals: a clear message, a 400, and nothing changed ------------------------------------------


def _valid_document(alice) -> dict:
    _everything(alice)
    return _export(alice)


def _broken(change):
    def make(alice):
        document = _valid_document(alice)
        change(document)
        return document

    return make


def _set(path, value):
    def change(document):
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        target[last] = value

    return change


REFUSALS = {
    "not json": (lambda alice: b"\x89PNG\r\n\x1a\n binary", "it is not JSON"),
    "not utf-8": (lambda alice: "{}".encode("utf-16"), "it is not JSON"),
    "other json": (lambda alice: b'{"hello": "world"}', "not a data file from MLE Prep"),
    "a json list": (lambda alice: b"[1, 2, 3]", "not a data file from MLE Prep"),
    "deeply nested": (lambda alice: b"[" * 100_000 + b"]" * 100_000, "it is not JSON"),
    "newer schema": (
        _broken(_set(["schema_version"], portability.SCHEMA_VERSION + 1)),
        "made by a newer version of MLE Prep",
    ),
    "schema as text": (_broken(_set(["schema_version"], "1")), "not a data file from MLE Prep"),
    "missing section": (
        _broken(lambda d: d.pop("stories")),
        "does not have the shape of an MLE Prep data file (stories)",
    ),
    "unknown section": (
        _broken(_set(["passwords"], [])),
        "does not have the shape of an MLE Prep data file (passwords)",
    ),
    "section of the wrong type": (
        _broken(_set(["problems"], {"two-sum": "solved"})),
        "problems: it should be a list of rows",
    ),
    "row with an extra field": (
        _broken(_set(["problems", 0, "user_id"], 3)),
        "problems, row 1: it does not have the fields this format gives it (user_id)",
    ),
    "unknown problem": (
        _broken(_set(["problems", 0, "problem"], "no-such-problem")),
        "catalogue items this site does not have: problem “no-such-problem”",
    ),
    "unknown focus area": (
        _broken(_set(["stories", 0, "focus_areas"], ["no-such-area"])),
        "focus area “no-such-area”",
    ),
    "notes too long": (
        _broken(_set(["problems", 0, "notes"], "x" * 20_001)),
        "has at most 20000 characters (it has 20001)",
    ),
    "prompt title too long": (
        _broken(_set(["prompts", 0, "title"], "t" * 121)),
        "Keep the title to 120 characters; it has 121.",
    ),
    "a status that is not one": (
        _broken(_set(["problems", 0, "status"], "mastered")),
        "Select a valid choice. mastered is not one of the available choices.",
    ),
    "a number as text": (
        _broken(_set(["problems", 0, "confidence"], "4")),
        "confidence: it should be a whole number",
    ),
    "confidence out of range": (
        _broken(_set(["problems", 0, "confidence"], 9)),
        "less than or equal to 5",
    ),
    "a list where text belongs": (
        _broken(_set(["stories", 0, "title"], ["a", "b"])),
        "title: it should be text",
    ),
    "not a date": (
        _broken(_set(["problem_events", 0, "created_at"], "last tuesday")),
        "Enter a valid date/time.",
    ),
    "problem listed twice": (
        _broken(lambda d: d["problems"].append(dict(d["problems"][0]))),
        "is listed twice",
    ),
    "ref to no story": (
        _broken(_set(["mocks", 0, "story_ref"], 99)),
        "it names story 99, which is not in the file",
    ),
    "review card about nothing": (
        _broken(_set(["review_cards", 0, "problem"], None)),
        "it should be about one problem or one story",
    ),
    "too big": (
        lambda alice: b" " * (portability.MAX_BYTES + 1),
        "a data file can be at most 5.0\xa0MB",
    ),
    "too many rows": (
        _broken(lambda d: d.__setitem__("activity", [{}] * (portability.MAX_ROWS + 1))),
        "an account's data is at most 50,000",
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_bad_file_is_refused_whole_with_a_message(case, alice, dave_client, dave):
    make, message = REFUSALS[case]
    content = make(alice)
    StoryFactory(user=dave, title="Dave's story")
    before = _comparable(_export(dave))

    response = _post(dave_client, content)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert "nothing was imported" in page.lower()
    assert _comparable(_export(dave)) == before


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict | list):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _paths(item, (*path, key))


@pytest.fixture
def alices_file(alice) -> dict:
    _everything(alice)
    return _export(alice)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the file is only read
)
@given(data=st.data())
def test_a_file_changed_anywhere_is_imported_or_refused_never_an_error(alices_file, dave, data):
    document = copy.deepcopy(alices_file)
    path = data.draw(st.sampled_from(list(_paths(document))[1:]))
    *parents, last = path
    target = functools.reduce(operator.getitem, parents, document)
    if isinstance(target, dict) and data.draw(st.booleans()):
        del target[last]
    else:
        target[last] = data.draw(JSON_VALUES)

    # Refused with a message, or imported; any other exception fails the test.
    with contextlib.suppress(portability.ImportRefused):
        portability.import_data(dave, portability.read_document(json.dumps(document).encode()))


def test_an_import_needs_the_box_ticked(alice, dave_client, dave):
    StoryFactory(user=dave, title="Dave's story")

    response = _post(dave_client, _valid_document(alice), replace=False)

    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert Story.objects.filter(user=dave).count() == 1


def test_an_import_needs_a_file(dave_client):
    response = dave_client.post(IMPORT, {"replace": "on"})

    assert response.status_code == 400
    assert "Choose the data file to import." in response.content.decode()


def test_a_failure_while_writing_undoes_the_whole_import(alice, dave_client, dave, monkeypatch):
    document = _valid_document(alice)
    StoryFactory(user=dave, title="Dave's story")
    before = _comparable(_export(dave))
    create = portability._create

    def fail_at_reviews(model, rows, **owner):
        if model is Review:
            raise IntegrityError("as if a tick from another tab had landed")
        create(model, rows, **owner)

    monkeypatch.setattr(portability, "_create", fail_at_reviews)

    response = _post(dave_client, document)

    assert response.status_code == 400
    assert "The file could not be stored, so nothing was imported." in response.content.decode()
    assert _comparable(_export(dave)) == before


def test_import_takes_the_same_queries_however_much_there_is(alice, bob, dave, charlie):
    _everything(alice)
    _everything(bob, copies=4)

    counts = []
    for source, target in [(alice, dave), (bob, charlie)]:
        document = _export(source)
        with CaptureQueriesContext(connection) as queries:
            portability.import_data(target, document)
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[0] <= IMPORT_QUERIES


# Deleting the account -------------------------------------------------------------------------


def _login_records(username: str) -> None:
    common = {"username": username, "user_agent": "pytest", "ip_address": "127.0.0.1"}
    AccessAttempt.objects.create(**common, failures_since_start=2)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common)


def _records(username: str) -> int:
    return sum(
        m.objects.filter(username=username).count()
        for m in (AccessAttempt, AccessLog, AccessFailureLog)
    )


def test_deleting_the_account_forgets_its_login_attempts(alice_client, alice, bob):
    _login_records("alice")
    _login_records("bob")

    response = alice_client.post(reverse("prep:account-delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="alice").exists()
    assert _records("alice") == 0
    assert _records("bob") == 3


def test_the_account_stays_when_its_login_attempts_cannot_be_deleted(
    alice_client, alice, monkeypatch
):
    _login_records("alice")
    before = _records("alice")  # logging in as alice added one, too

    class Locked:
        def filter(self, **lookups):
            raise DatabaseError("the login records are locked")

    # The last of the three: the account and the other records are deleted by then.
    monkeypatch.setattr(AccessFailureLog, "objects", Locked())

    with pytest.raises(DatabaseError):
        alice_client.post(reverse("prep:account-delete"), {"password": PASSWORD})
    monkeypatch.undo()

    assert get_user_model().objects.filter(username="alice").exists()
    assert _records("alice") == before


def test_a_wrong_password_deletes_nothing_and_keeps_the_records(alice_client, alice):
    _login_records("alice")
    before = _records("alice")

    response = alice_client.post(reverse("prep:account-delete"), {"password": "wrong"})

    assert response.status_code == 400
    assert _records("alice") == before
    assert get_user_model().objects.filter(username="alice").exists()
