"""Admins own the catalogue they curate: load_catalog updates only rows nobody edited since the
last sync, names the ones it kept, and never touches rows the admin added.

The session loaded the real catalogue, so every row has a sync record. Each test edits rows as
an admin would (in the admin, or the ORM for brevity), edits its own copy of fixtures/ as
upstream would, runs the command, and checks the database and the report.
"""

import json
import re
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
from prep.models import (
    DesignStage,
    Level,
    ListEntry,
    ListSection,
    Problem,
    ProblemList,
    SyncRecord,
    Topic,
)
from tests.factories import ListEntryFactory, ProblemFactory, ProblemListFactory

pytestmark = pytest.mark.usefixtures("catalog")

KEEP_HINT = "Run load_catalog --take-upstream SLUG"


@pytest.fixture
def fixtures(tmp_path) -> Path:
    """A private copy of fixtures/ that the test may edit as upstream."""
    folder = tmp_path / "fixtures"
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures", folder)
    return folder


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _load(folder: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_catalog", "--fixtures", str(folder), *args, stdout=out)
    return out.getvalue()


def _upstream(folder: Path, file: str, model: str, key: dict, **changes) -> None:
    """Change the fixture entry of `model` whose fields match `key`."""
    path = folder / file
    data = json.loads(path.read_text(encoding="utf-8"))
    (item,) = [
        item
        for item in data
        if item["model"] == model and all(item["fields"].get(k) == v for k, v in key.items())
    ]
    item["fields"].update(changes)
    path.write_text(json.dumps(data), encoding="utf-8")


def _drop_upstream(folder: Path, file: str, keep: Callable[[dict], bool]) -> None:
    path = folder / file
    data = [item for item in json.loads(path.read_text(encoding="utf-8")) if keep(item)]
    path.write_text(json.dumps(data), encoding="utf-8")


def _entry(list_slug: str, problem_slug: str) -> ListEntry:
    return ListEntry.objects.get_by_natural_key(list_slug, problem_slug)


def _positions(list_slug: str) -> list[tuple[str, int]]:
    entries = ListEntry.objects.filter(problem_list__slug=list_slug, is_archived=False)
    return list(entries.order_by("position").values_list("problem__slug", "position"))


def _records() -> list:
    return list(SyncRecord.objects.order_by("pk").values_list("natural_key", "object_pk", "values"))


# --- Rows edited here are kept and named -----------------------------------------------------


def test_an_admin_edit_is_kept_and_named(fixtures):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")

    output = _load(fixtures)

    assert "Kept 1 local edit: problem two-sum (title)." in output
    assert KEEP_HINT in output
    assert "0 created, 0 updated, 0 archived" in output
    assert Problem.objects.get(slug="two-sum").title == "Two Sum (warm-up)"


def test_an_admin_archive_is_kept(fixtures, alice_client):
    ProblemList.objects.filter(slug="meta-top-100-six-months").update(is_archived=True)

    output = _load(fixtures)

    assert "Kept 1 local edit: list meta-top-100-six-months (archived)." in output
    assert ProblemList.objects.get(slug="meta-top-100-six-months").is_archived
    assert alice_client.get("/lists/meta-top-100-six-months/").status_code == 404


def test_an_upstream_change_reaches_an_untouched_row_next_to_an_edited_one(fixtures):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")
    _upstream(fixtures, "problems.json", "prep.problem", {"slug": "lru-cache"}, title="LRU!")

    output = _load(fixtures)

    assert "problems: 0 created, 1 updated, 0 archived" in output
    assert Problem.objects.get(slug="lru-cache").title == "LRU!"
    assert Problem.objects.get(slug="two-sum").title == "Two Sum (warm-up)"


def test_an_upstream_change_to_an_edited_row_is_reported_and_not_applied(fixtures):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")
    _upstream(fixtures, "problems.json", "prep.problem", {"slug": "two-sum"}, difficulty="medium")

    output = _load(fixtures)

    assert "problem two-sum (title; upstream changed difficulty)" in output
    two_sum = Problem.objects.get(slug="two-sum")
    assert (two_sum.title, two_sum.difficulty) == ("Two Sum (warm-up)", "easy")


def test_a_rerun_changes_nothing_and_names_the_same_edits(fixtures):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")
    ProblemList.objects.filter(slug="blind-75").update(is_archived=True)
    _upstream(fixtures, "problems.json", "prep.problem", {"slug": "lru-cache"}, title="LRU!")
    first = _load(fixtures)
    records = _records()

    second = _load(fixtures)

    kept = "Kept 2 local edits: problem two-sum (title), list blind-75 (archived)."
    assert kept in first
    assert kept in second
    assert "Catalogue loaded: 0 created, 0 updated, 0 archived" in second
    assert _records() == records


def test_an_edited_row_that_left_the_fixtures_is_kept_active(fixtures):
    Problem.objects.filter(slug="lru-cache").update(title="LRU Cache (ours)")
    _drop_upstream(fixtures, "problems.json", lambda item: item["fields"]["slug"] != "lru-cache")

    output = _load(fixtures)

    assert "problem lru-cache (title; upstream removed it)" in output
    assert not Problem.objects.get(slug="lru-cache").is_archived


def test_an_untouched_row_that_left_the_fixtures_is_still_archived(fixtures):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")
    _drop_upstream(fixtures, "problems.json", lambda item: item["fields"]["slug"] != "lru-cache")

    output = _load(fixtures)

    assert "problems: 0 created, 0 updated, 1 archived" in output
    assert Problem.objects.get(slug="lru-cache").is_archived
    assert "lru-cache" not in output


def test_saving_an_admin_form_unchanged_is_not_an_edit(fixtures, staff_client):
    stage = DesignStage.objects.get(slug="features")
    assert "\n" in stage.checklist
    form = {
        name: str(getattr(stage, name)).replace("\n", "\r\n")  # as a browser posts a textarea
        for name in ("name", "position", "minutes", "summary", "guidance", "checklist")
    }
    response = staff_client.post(f"/admin/prep/designstage/{stage.pk}/change/", form)
    assert response.status_code == 302
    _upstream(fixtures, "design.json", "prep.designstage", {"slug": "features"}, minutes=9)

    output = _load(fixtures)

    assert "Kept" not in output
    assert DesignStage.objects.get(slug="features").minutes == 9


# --- Rows the admin added or deleted ---------------------------------------------------------


def test_rows_the_admin_created_are_never_touched(fixtures):
    problem = ProblemFactory(slug="ours-warm-up", title="My warm-up")
    own_list = ProblemListFactory(slug="ours-list")
    ListEntryFactory(problem_list=own_list, problem=problem)

    output = _load(fixtures)

    assert "0 created, 0 updated, 0 archived" in output
    assert "Kept" not in output
    problem.refresh_from_db()
    own_list.refresh_from_db()
    assert (problem.title, problem.is_archived, own_list.is_archived) == (
        "My warm-up",
        False,
        False,
    )
    assert not SyncRecord.objects.filter(natural_key__contains="ours-").exists()


def test_an_entry_the_admin_deleted_is_not_recreated(fixtures):
    _entry("blind-75", "two-sum").delete()

    output = _load(fixtures)

    assert "list blind-75 (1 entry deleted)" in output
    assert not ListEntry.objects.filter(problem_list__slug="blind-75", problem__slug="two-sum")
    assert "0 created" in _load(fixtures)


def test_a_list_the_admin_deleted_is_not_recreated(fixtures):
    ProblemList.objects.get(slug="meta-design").entries.all().delete()
    ProblemList.objects.filter(slug="meta-design").delete()

    output = _load(fixtures)

    assert "list meta-design (deleted here)" in output
    assert not ProblemList.objects.filter(slug="meta-design").exists()
    assert not ListEntry.objects.filter(problem_list__slug="meta-design").exists()


def test_a_topic_the_admin_deleted_holds_back_the_problems_using_it(fixtures):
    Topic.objects.filter(slug="design").delete()

    output = _load(fixtures)

    assert "topic design (deleted here)" in output
    assert re.search(r"\d+ problems \(refer to topic design, deleted here\)", output)
    assert not Topic.objects.filter(slug="design").exists()


# --- A list's entries and sections are edits of the list ---------------------------------------


def test_reordering_a_list_survives_a_sync(fixtures):
    first, second = ListEntry.objects.filter(problem_list__slug="neetcode-150").order_by(
        "position"
    )[:2]
    first.position, second.position = second.position, first.position
    first.save()
    second.save()
    reordered = _positions("neetcode-150")
    _upstream(
        fixtures,
        "lists.json",
        "prep.listsection",
        {"problem_list": ["neetcode-150"], "slug": "arrays-hashing"},
        name="Arrays and Hashing",
    )

    output = _load(fixtures)

    assert "list neetcode-150 (entries reordered; upstream changed too)" in output
    assert _positions("neetcode-150") == reordered
    assert reordered[:2] == [("valid-anagram", 1), ("contains-duplicate", 2)]
    section = ListSection.objects.get_by_natural_key("neetcode-150", "arrays-hashing")
    assert section.name == "Arrays & Hashing"


def test_an_edited_entry_keeps_the_whole_list_as_it_is(fixtures):
    # Meta's class-design list: its entries come from the fixtures (a company list's follow its
    # snapshot, which the sync leaves alone; see test_load_catalog.py).
    ListEntry.objects.filter(pk=_entry("meta-design", "lru-cache").pk).update(rank=7)
    _upstream(
        fixtures,
        "lists.json",
        "prep.problemlist",
        {"slug": "meta-design"},
        time_window="All time (everything)",
    )
    _upstream(
        fixtures,
        "lists.json",
        "prep.listentry",
        {"problem_list": ["meta-design"], "problem": ["min-stack"]},
        frequency="1.0",
    )
    min_stack = _entry("meta-design", "min-stack")

    output = _load(fixtures)

    assert "list meta-design (1 entry edited; upstream changed too)" in output
    assert _entry("meta-design", "lru-cache").rank == 7
    assert _entry("meta-design", "min-stack").frequency == min_stack.frequency
    design = ProblemList.objects.get(slug="meta-design")
    assert design.time_window != "All time (everything)"
    # Other lists still take upstream changes.
    _upstream(fixtures, "lists.json", "prep.problemlist", {"slug": "blind-75"}, name="Blind 75!")
    assert "problem lists: 0 created, 1 updated" in _load(fixtures)


def test_an_entry_the_admin_added_keeps_the_list(fixtures):
    blind = ProblemList.objects.get(slug="blind-75")
    ListEntryFactory(problem_list=blind, problem=ProblemFactory(), position=76)
    _drop_upstream(
        fixtures,
        "lists.json",
        lambda item: (
            item["fields"].get("problem_list") != ["blind-75"]
            or item["fields"].get("problem") != ["two-sum"]
        ),
    )

    output = _load(fixtures)

    assert "list blind-75 (1 entry added; upstream changed too)" in output
    assert not _entry("blind-75", "two-sum").is_archived
    assert blind.entries.filter(is_archived=False).count() == 76


# --- Dry run and taking upstream --------------------------------------------------------------


def test_dry_run_prints_the_same_report_and_changes_nothing(fixtures):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")
    _entry("blind-75", "two-sum").delete()
    _upstream(fixtures, "problems.json", "prep.problem", {"slug": "lru-cache"}, title="LRU!")
    records = _records()

    dry = _load(fixtures, "--dry-run")

    assert _records() == records
    assert Problem.objects.get(slug="lru-cache").title == "LRU Cache"
    real = _load(fixtures)
    assert dry.splitlines()[:-1] == real.splitlines()[:-1]
    assert "Kept 2 local edits:" in dry
    assert Problem.objects.get(slug="lru-cache").title == "LRU!"


def test_take_upstream_replaces_an_edited_row(fixtures):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")
    Problem.objects.filter(slug="lru-cache").update(title="LRU (ours)")

    output = _load(fixtures, "--take-upstream", "problem:two-sum")

    assert "problems: 0 created, 1 updated, 0 archived" in output
    assert "Kept 1 local edit: problem lru-cache (title)." in output
    assert Problem.objects.get(slug="two-sum").title == "Two Sum"
    assert "two-sum" not in _load(fixtures)


def test_take_upstream_replaces_a_whole_list(fixtures):
    neetcode = ProblemList.objects.get(slug="neetcode-150")
    shipped = _positions("neetcode-150")
    first, second = neetcode.entries.order_by("position")[:2]
    first.position, second.position = second.position, first.position
    first.save()
    second.save()
    _entry("neetcode-150", "two-sum").delete()
    added = ListEntryFactory(problem_list=neetcode, problem=ProblemFactory(), position=151)
    ProblemList.objects.filter(pk=neetcode.pk).update(name="NeetCode")

    output = _load(fixtures, "--take-upstream", "neetcode-150")

    assert "neetcode-150" not in output
    assert _positions("neetcode-150") == shipped
    assert ProblemList.objects.get(pk=neetcode.pk).name == "NeetCode 150"
    added.refresh_from_db()
    assert added.is_archived
    assert "Kept" not in _load(fixtures)


@pytest.mark.parametrize("key", ["no-such-slug", "problem:neetcode-150", "widget:two-sum"])
def test_take_upstream_of_an_unknown_row_is_an_error_and_changes_nothing(fixtures, key):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")
    _upstream(fixtures, "problems.json", "prep.problem", {"slug": "lru-cache"}, title="LRU!")

    with pytest.raises(CommandError, match=f"--take-upstream {key}"):
        _load(fixtures, "--take-upstream", "two-sum", key)

    assert Problem.objects.get(slug="two-sum").title == "Two Sum (warm-up)"
    assert Problem.objects.get(slug="lru-cache").title == "LRU Cache"


# --- Rows loaded before sync records existed ---------------------------------------------------


def test_rows_without_a_record_that_match_the_fixtures_are_adopted_silently(fixtures):
    SyncRecord.objects.all().delete()
    _upstream(fixtures, "problems.json", "prep.problem", {"slug": "lru-cache"}, title="LRU!")

    output = _load(fixtures)

    assert "Kept 1 row that differs from the fixtures but has no sync record yet: " in output
    assert "problem lru-cache (title)." in output
    assert Problem.objects.get(slug="lru-cache").title == "LRU Cache"
    rows = sum(apps.get_model(label).objects.count() for label in CATALOGUE_MODELS)
    # A company list's entries follow its snapshot, so the sync records none of them.
    snapshot_entries = ListEntry.objects.filter(
        problem_list__kind=ProblemList.Kind.COMPANY, problem_list__window__gt=""
    ).count()
    assert snapshot_entries > 0
    assert SyncRecord.objects.count() == rows - snapshot_entries - 1  # all but lru-cache
    assert "Catalogue loaded: 0 created, 0 updated, 0 archived" in _load(fixtures)


def test_a_list_without_records_that_differs_is_kept_whole(fixtures):
    SyncRecord.objects.filter(natural_key__startswith='["blind-75"').delete()
    shipped = _positions("blind-75")
    _upstream(
        fixtures,
        "lists.json",
        "prep.listentry",
        {"problem_list": ["blind-75"], "problem": ["two-sum"]},
        position=99,
    )

    output = _load(fixtures)

    assert "no sync record yet: list blind-75 (1 entry differs)." in output
    assert _positions("blind-75") == shipped


def test_a_field_added_after_the_last_sync_does_not_make_a_row_look_edited(fixtures):
    # As after a migration adds Level.phone_screen_problems: the record predates the field.
    record = SyncRecord.objects.get(model="prep.level", natural_key='["e5"]')
    del record.values["phone_screen_problems"]
    record.save()
    _upstream(fixtures, "levels.json", "prep.level", {"slug": "e5"}, phone_screen_problems=3)

    output = _load(fixtures)

    assert "levels: 0 created, 1 updated, 0 archived" in output
    assert Level.objects.get(slug="e5").phone_screen_problems == 3


# --- The admin shows what differs from upstream ------------------------------------------------


def test_admin_shows_an_edited_problem_and_an_untouched_one(staff_client):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)", is_archived=True)
    two_sum = Problem.objects.get(slug="two-sum")
    lru = Problem.objects.get(slug="lru-cache")

    edited = staff_client.get(f"/admin/prep/problem/{two_sum.pk}/change/").content.decode()
    untouched = staff_client.get(f"/admin/prep/problem/{lru.pk}/change/").content.decode()

    assert "edited here: title, archived" in edited
    assert "as shipped" in untouched


def test_admin_shows_a_reordered_list_and_a_problem_added_here(staff_client):
    first = ListEntry.objects.filter(problem_list__slug="neetcode-150").order_by("position")[0]
    ListEntry.objects.filter(pk=first.pk).update(position=500)
    ProblemFactory(slug="ours-warm-up", title="My warm-up")
    neetcode = ProblemList.objects.get(slug="neetcode-150")

    list_page = staff_client.get(f"/admin/prep/problemlist/{neetcode.pk}/change/")
    problems = staff_client.get("/admin/prep/problem/?q=warm-up").content.decode()

    assert "edited here: entries reordered" in list_page.content.decode()
    assert "added here" in problems


def test_admin_filters_the_rows_edited_here(staff_client):
    Problem.objects.filter(slug="two-sum").update(title="Two Sum (warm-up)")
    ProblemFactory(slug="ours-warm-up")

    edited = staff_client.get("/admin/prep/problem/?upstream=edited")
    added = staff_client.get("/admin/prep/problem/?upstream=added")

    assert [p.slug for p in edited.context["cl"].queryset] == ["two-sum"]
    assert [p.slug for p in added.context["cl"].queryset] == ["ours-warm-up"]


def test_slug_is_read_only_on_synced_rows_and_editable_on_rows_added_here(staff_client):
    synced = Problem.objects.get(slug="two-sum")
    mine = ProblemFactory(slug="ours-warm-up")

    synced_page = staff_client.get(f"/admin/prep/problem/{synced.pk}/change/").content.decode()
    mine_page = staff_client.get(f"/admin/prep/problem/{mine.pk}/change/").content.decode()

    assert 'name="slug"' not in synced_page
    assert "two-sum" in synced_page
    assert 'name="slug"' in mine_page
