"""load_catalog: idempotent sync of fixtures/ into the database, with --dry-run and archiving.

The session already loaded the real catalogue (conftest.django_db_setup); each test runs the
command again on its own copy of fixtures/, edited to describe the change it is about. What it
does with rows edited in the admin is in test_catalog_ownership.py.
"""

import importlib
import json
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.management.commands.load_catalog import CATALOGUE_MODELS
from prep.models import Level, ListEntry, Problem, ProblemList, SnapshotEntry, SyncRecord
from prep.models.sync import synced_values

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

pytestmark = pytest.mark.usefixtures("catalog")


@pytest.fixture
def fixtures(tmp_path) -> Path:
    """A private copy of fixtures/ that the test may edit."""
    folder = tmp_path / "fixtures"
    folder.mkdir()
    for path in FIXTURES.glob("*.json"):
        shutil.copy(path, folder)
    return folder


def _load(folder: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_catalog", "--fixtures", str(folder), *args, stdout=out)
    return out.getvalue()


def _edit(folder: Path, name: str, change: Callable[[list], object]) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _index(data: list, model: str, **fields) -> int:
    """Position in a fixture file of the entry for `model` whose fields match."""
    for index, item in enumerate(data):
        if item["model"] == model and all(item["fields"].get(k) == v for k, v in fields.items()):
            return index
    raise AssertionError(f"no {model} {fields} in the fixture")


def _set(model: str, key: dict, **changes) -> Callable[[list], None]:
    def change(data: list) -> None:
        data[_index(data, model, **key)]["fields"].update(changes)

    return change


def _snapshot() -> dict:
    """Enough of the catalogue to see any change a run might have saved."""
    return {
        "counts": {
            label: (
                apps.get_model(label).objects.count(),
                apps.get_model(label).objects.filter(is_archived=True).count(),
            )
            for label in CATALOGUE_MODELS
        },
        "problems": list(
            Problem.objects.order_by("slug").values_list(
                "slug", "title", "difficulty", "is_premium", "is_archived"
            )
        ),
        "entries": list(
            ListEntry.objects.order_by("pk").values_list(
                "problem_list__slug", "problem__slug", "section__slug", "position", "is_archived"
            )
        ),
        "levels": list(Level.objects.order_by("slug").values_list("slug", "title", "is_archived")),
    }


def _fixture_counts() -> dict[str, int]:
    counts = dict.fromkeys(CATALOGUE_MODELS, 0)
    for path in FIXTURES.glob("*.json"):
        for item in json.loads(path.read_text(encoding="utf-8")):
            counts[item["model"]] += 1
    return counts


def _snapshot_entries():
    """Entries of windowed company lists: they follow each list's newest snapshot, imported from
    fixtures/companies/, and no fixture entry describes them."""
    imported = ProblemList.objects.filter(kind=ProblemList.Kind.COMPANY).exclude(window="")
    return ListEntry.objects.filter(problem_list__in=imported)


def test_a_fresh_database_gets_one_active_row_per_fixture_entry():
    # The session-wide load in conftest ran on an empty database.
    expected = _fixture_counts()

    loaded = {}
    for label in CATALOGUE_MODELS:
        model = apps.get_model(label)
        rows = model.objects.all()
        if model is ListEntry:
            rows = rows.exclude(pk__in=_snapshot_entries())
        loaded[label] = rows.filter(is_archived=False).count()
        assert model.objects.filter(is_archived=True).count() == 0, label

    assert loaded == expected
    assert Problem.objects.count() == 731
    assert ListEntry.objects.count() == 2354
    # The 32 company lists hold their one snapshot's problems: 2,070 entries.
    snapshotted = SnapshotEntry.objects.filter(snapshot__problem_list__window__gt="")
    assert _snapshot_entries().count() == snapshotted.count() == 2070


def test_a_fresh_load_records_what_it_wrote_to_every_row():
    records = {(r.model, r.natural_key): r for r in SyncRecord.objects.all()}

    for label in CATALOGUE_MODELS:
        rows = apps.get_model(label).objects.all()
        if label == "prep.listentry":
            rows = rows.exclude(pk__in=_snapshot_entries())
        for row in rows:
            record = records.pop((label, json.dumps(list(row.natural_key()))))
            assert record.object_pk == row.pk
            assert record.values == synced_values(row)
    assert records == {}


def test_a_company_lists_entries_follow_its_snapshot_and_the_sync_updates_the_list_alone(
    fixtures,
):
    recorded = set(
        SyncRecord.objects.filter(model="prep.listentry").values_list("natural_key", flat=True)
    )
    meta = _snapshot_entries().filter(problem_list__slug="meta-top-100-six-months")
    assert not {json.dumps(list(entry.natural_key())) for entry in meta} & recorded
    two_sum = meta.get(problem__slug="two-sum")
    ListEntry.objects.filter(pk=two_sum.pk).update(rank=7)
    _edit(
        fixtures,
        "lists.json",
        _set("prep.problemlist", {"slug": "meta-top-100-six-months"}, time_window="Last 6 months"),
    )

    output = _load(fixtures)

    # Its 100 entries, which no fixture names, neither keep the list as a local edit nor move.
    assert "problem lists: 0 created, 1 updated, 0 archived" in output
    assert "Kept" not in output
    assert ProblemList.objects.get(slug="meta-top-100-six-months").time_window == "Last 6 months"
    two_sum.refresh_from_db()
    assert (two_sum.rank, two_sum.is_archived) == (7, False)
    assert meta.filter(is_archived=False).count() == 100


def test_a_second_run_changes_nothing(fixtures):
    before = _snapshot()

    output = _load(fixtures)

    assert "0 created, 0 updated, 0 archived" in output
    assert _snapshot() == before


def test_a_run_with_the_default_fixtures_folder_changes_nothing():
    out = StringIO()

    call_command("load_catalog", stdout=out)

    assert "0 created, 0 updated, 0 archived" in out.getvalue()


def test_dry_run_reports_a_changed_title_and_saves_nothing(fixtures):
    _edit(fixtures, "problems.json", _set("prep.problem", {"slug": "two-sum"}, title="Two Sum!"))

    output = _load(fixtures, "--dry-run")

    assert "problems: 0 created, 1 updated, 0 archived" in output
    assert "Dry run, nothing saved" in output
    assert Problem.objects.get(slug="two-sum").title == "Two Sum"


def test_a_real_run_saves_the_changed_title(fixtures):
    _edit(fixtures, "problems.json", _set("prep.problem", {"slug": "two-sum"}, title="Two Sum!"))

    output = _load(fixtures)

    assert "problems: 0 created, 1 updated, 0 archived" in output
    assert Problem.objects.get(slug="two-sum").title == "Two Sum!"
    assert "0 created, 0 updated, 0 archived" in _load(fixtures)


def test_dry_run_of_a_new_problem_creates_nothing(fixtures):
    new = {
        "model": "prep.problem",
        "fields": {
            "slug": "brand-new-problem",
            "leetcode_id": 99_999,
            "title": "Brand New Problem",
            "difficulty": "easy",
            "is_premium": False,
            "topics": [["array"]],
        },
    }
    _edit(fixtures, "problems.json", lambda data: data.append(new))

    assert "problems: 1 created, 0 updated, 0 archived" in _load(fixtures, "--dry-run")
    assert not Problem.objects.filter(slug="brand-new-problem").exists()

    _load(fixtures)
    problem = Problem.objects.get(slug="brand-new-problem")
    assert problem.title == "Brand New Problem"
    assert [t.slug for t in problem.topics.all()] == ["array"]


def test_changed_topics_replace_the_old_ones(fixtures):
    _edit(fixtures, "problems.json", _set("prep.problem", {"slug": "two-sum"}, topics=[["math"]]))

    output = _load(fixtures)

    assert "problems: 0 created, 1 updated, 0 archived" in output
    assert [t.slug for t in Problem.objects.get(slug="two-sum").topics.all()] == ["math"]


def _drop(model: str, **key) -> Callable[[list], None]:
    def change(data: list) -> None:
        del data[_index(data, model, **key)]

    return change


def test_an_entry_removed_from_the_fixtures_is_archived_and_hidden(fixtures, alice_client):
    _edit(
        fixtures,
        "lists.json",
        _drop("prep.listentry", problem_list=["blind-75"], problem=["two-sum"]),
    )

    assert "list entries: 0 created, 0 updated, 1 archived" in _load(fixtures, "--dry-run")
    assert not ListEntry.objects.get_by_natural_key("blind-75", "two-sum").is_archived

    assert "list entries: 0 created, 0 updated, 1 archived" in _load(fixtures)

    entry = ListEntry.objects.get_by_natural_key("blind-75", "two-sum")
    assert entry.is_archived
    blind = ProblemList.objects.get(slug="blind-75")
    assert entry not in blind.entries.active()
    assert blind.entries.active().count() == 74
    page = alice_client.get("/lists/blind-75/").content.decode()
    assert 'id="problem-two-sum"' not in page
    # Still on NeetCode 150, which kept its entry.
    assert 'id="problem-two-sum"' in alice_client.get("/lists/neetcode-150/").content.decode()


def test_an_archived_entry_comes_back_when_it_is_added_again(fixtures, alice_client):
    original = (fixtures / "lists.json").read_text(encoding="utf-8")
    _edit(
        fixtures,
        "lists.json",
        _drop("prep.listentry", problem_list=["blind-75"], problem=["two-sum"]),
    )
    _load(fixtures)
    (fixtures / "lists.json").write_text(original, encoding="utf-8")

    output = _load(fixtures)

    assert "list entries: 0 created, 1 updated, 0 archived" in output
    assert not ListEntry.objects.get_by_natural_key("blind-75", "two-sum").is_archived
    assert 'id="problem-two-sum"' in alice_client.get("/lists/blind-75/").content.decode()


def test_a_problem_removed_from_the_fixtures_is_archived_and_leaves_every_list_page(
    fixtures, alice_client
):
    _edit(fixtures, "problems.json", _drop("prep.problem", slug="two-sum"))

    assert "problems: 0 created, 0 updated, 1 archived" in _load(fixtures)

    assert Problem.objects.get(slug="two-sum").is_archived
    assert not Problem.objects.active().filter(slug="two-sum").exists()
    for slug in ("neetcode-150", "blind-75", "meta-top-100-six-months"):
        page = alice_client.get(f"/lists/{slug}/").content.decode()
        assert 'id="problem-two-sum"' not in page, slug


# --- Broken fixtures: a CommandError naming the file and the entry, and nothing saved ---------


def _broken_json(folder: Path) -> str:
    (folder / "problems.json").write_text('[{"model": "prep.problem", "fields": {', "utf-8")
    return "problems.json"


def _unknown_problem_slug(folder: Path) -> str:
    def change(data: list) -> str:
        index = _index(data, "prep.listentry", problem_list=["blind-75"], problem=["two-sum"])
        data[index]["fields"]["problem"] = ["no-such-problem"]
        return f"entry {index + 1}"

    return _edit_and_name(folder, "lists.json", change, "no-such-problem")


def _missing_title(folder: Path) -> str:
    def change(data: list) -> str:
        index = _index(data, "prep.problem", slug="lru-cache")
        del data[index]["fields"]["title"]
        return f"entry {index + 1}"

    return _edit_and_name(folder, "problems.json", change, "lru-cache")


def _unknown_model(folder: Path) -> str:
    def change(data: list) -> str:
        index = _index(data, "prep.topic", slug="array")
        data[index]["model"] = "prep.nosuchmodel"
        return f"entry {index + 1}"

    return _edit_and_name(folder, "topics.json", change, "prep.nosuchmodel")


def _pk_key(folder: Path) -> str:
    def change(data: list) -> str:
        index = _index(data, "prep.learncard", slug="heap")
        data[index]["pk"] = 8
        return f"entry {index + 1}"

    return _edit_and_name(folder, "learn_cards.json", change, "heap")


def _edit_and_name(folder: Path, name: str, change: Callable[[list], str], key: str) -> str:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = change(data)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return f"{name}|{entry}|{key}"


@pytest.mark.parametrize(
    "break_fixtures",
    [
        pytest.param(_broken_json, id="bad-json"),
        pytest.param(_unknown_problem_slug, id="unknown-problem-slug"),
        pytest.param(_missing_title, id="missing-required-field"),
        pytest.param(_unknown_model, id="unknown-model-label"),
        pytest.param(_pk_key, id="pk-key"),
    ],
)
def test_a_broken_fixture_stops_the_run_naming_the_file_and_entry_and_saves_nothing(
    fixtures, break_fixtures
):
    # A valid change in a file that sorts, and a model that loads, before the broken entry:
    # levels load before problems, problems before list entries.
    _edit(fixtures, "levels.json", _set("prep.level", {"slug": "e4"}, title="Edited title"))
    _edit(fixtures, "problems.json", _set("prep.problem", {"slug": "two-sum"}, title="Two Sum!"))
    expected_parts = break_fixtures(fixtures).split("|")
    before = _snapshot()

    with pytest.raises(CommandError) as raised:
        _load(fixtures)

    for part in expected_parts:
        assert part in str(raised.value)
    assert _snapshot() == before
    assert Level.objects.get(slug="e4").title != "Edited title"
    assert Problem.objects.get(slug="two-sum").title == "Two Sum"


def test_a_broken_fixture_in_a_dry_run_is_reported_too(fixtures):
    _unknown_problem_slug(fixtures)

    with pytest.raises(CommandError, match=r"lists\.json"):
        _load(fixtures, "--dry-run")


def test_an_empty_fixtures_folder_is_refused(tmp_path):
    before = _snapshot()

    with pytest.raises(CommandError, match="No fixtures"):
        _load(tmp_path)

    assert _snapshot() == before


def test_an_item_that_is_not_an_object_is_reported(fixtures):
    topics = json.loads((fixtures / "topics.json").read_text(encoding="utf-8"))
    _edit(fixtures, "topics.json", lambda data: data.append("sliding-window"))
    before = _snapshot()

    with pytest.raises(CommandError, match=rf"topics\.json, entry {len(topics) + 1}\b"):
        _load(fixtures)

    assert _snapshot() == before


def test_a_misspelt_field_name_is_reported_naming_the_entry(fixtures):
    _edit(fixtures, "problems.json", _set("prep.problem", {"slug": "two-sum"}, titel="Two Sum"))
    before = _snapshot()

    with pytest.raises(CommandError, match=r"problems\.json, entry 1 prep\.problem two-sum"):
        _load(fixtures)

    assert _snapshot() == before


def test_a_problem_listed_twice_in_one_list_is_refused(fixtures):
    def add_duplicate(data: list) -> None:
        index = _index(data, "prep.listentry", problem_list=["blind-75"], problem=["two-sum"])
        duplicate = json.loads(json.dumps(data[index]))
        duplicate["fields"]["position"] = 76
        data.append(duplicate)

    _edit(fixtures, "lists.json", add_duplicate)
    before = _snapshot()

    with pytest.raises(CommandError, match=r"lists\.json"):
        _load(fixtures)

    assert _snapshot() == before


def test_an_entry_filed_under_another_lists_section_is_refused(fixtures):
    _edit(
        fixtures,
        "lists.json",
        _set(
            "prep.listentry",
            {"problem_list": ["blind-75"], "problem": ["two-sum"]},
            section=["neetcode-150", "arrays-hashing"],
        ),
    )
    before = _snapshot()

    with pytest.raises(CommandError, match=r"lists\.json"):
        _load(fixtures)

    assert _snapshot() == before


# --- NeetCode's video ids, added to a catalogue that was loaded before them ---------------------

TWO_SUM_VIDEO = "KLlXCFG5TnA"  # neetcode150.csv, as fixtures/problems.json carries it


def _before_videos(*slugs: str) -> None:
    """The problems as a database migrated to 0013 holds them before its next sync: no video
    id, and a sync record saying the last sync left the field empty."""
    Problem.objects.filter(slug__in=slugs).update(neetcode_video_id="")
    for record in SyncRecord.objects.filter(
        model="prep.problem", natural_key__in=[json.dumps([slug]) for slug in slugs]
    ):
        record.values["neetcode_video_id"] = ""
        record.save()


def test_an_existing_problem_gets_its_video_on_the_next_sync(fixtures):
    _before_videos("two-sum", "valid-anagram")

    output = _load(fixtures)

    assert "problems: 0 created, 2 updated, 0 archived" in output
    assert Problem.objects.get(slug="two-sum").neetcode_video_id == TWO_SUM_VIDEO
    assert Problem.objects.get(slug="valid-anagram").neetcode_video_id
    assert "0 created, 0 updated, 0 archived" in _load(fixtures)


def test_a_problem_an_admin_edited_does_not_get_the_video_and_is_named(fixtures):
    _before_videos("two-sum")
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")

    output = _load(fixtures)

    assert "problem two-sum (title; upstream changed NeetCode video)" in output
    two_sum = Problem.objects.get(slug="two-sum")
    assert (two_sum.title, two_sum.neetcode_video_id) == ("Two Sum (warm-up)", "")


def test_a_video_an_admin_set_before_the_sync_is_kept(fixtures):
    _before_videos("two-sum")
    Problem.objects.filter(slug="two-sum").update(neetcode_video_id="abcDEF12_-9")

    output = _load(fixtures)

    assert "problem two-sum (NeetCode video; upstream changed NeetCode video)" in output
    assert Problem.objects.get(slug="two-sum").neetcode_video_id == "abcDEF12_-9"


def test_the_migration_records_the_field_empty_so_the_sync_can_tell_an_edit(fixtures):
    migration = importlib.import_module("prep.migrations.0013_problem_neetcode_video_id")
    Problem.objects.filter(slug__in=["two-sum", "valid-anagram"]).update(neetcode_video_id="")
    for record in SyncRecord.objects.filter(model="prep.problem"):
        del record.values["neetcode_video_id"]
        record.save()
    Problem.objects.filter(slug="valid-anagram").update(neetcode_video_id="abcDEF12_-9")

    migration.record_the_empty_field(apps, None)
    output = _load(fixtures)

    assert Problem.objects.get(slug="two-sum").neetcode_video_id == TWO_SUM_VIDEO
    assert Problem.objects.get(slug="valid-anagram").neetcode_video_id == "abcDEF12_-9"
    assert "problem valid-anagram (NeetCode video" in output


def test_a_malformed_video_id_stops_the_run_naming_the_entry(fixtures):
    change = _set("prep.problem", {"slug": "two-sum"}, neetcode_video_id="watch?v=1")
    _edit(fixtures, "problems.json", change)
    before = _snapshot()

    with pytest.raises(CommandError, match=r"problems\.json, entry 1 prep\.problem two-sum"):
        _load(fixtures)

    assert _snapshot() == before
