"""Shipped company lists: load_catalog imports each file as a dated snapshot once, never
overwrites a snapshot already there (an admin's import is theirs), and a database from before
companies had snapshots migrates forward with every user's progress and Meta's loop intact."""

import datetime
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.forms import BooleanField
from django.urls import reverse

from prep.models import ListEntry, ListSnapshot, Loop, ProblemList, ProblemProgress, Status
from prep.snapshots import snapshot_import, snapshot_plan

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
HEADER = "ID,URL,Title,Difficulty,Acceptance %,Frequency %\n"

pytestmark = pytest.mark.usefixtures("catalog")


def _load(folder: Path = FIXTURES) -> str:
    out = StringIO()
    call_command("load_catalog", "--fixtures", str(folder), stdout=out)
    return out.getvalue()


def _slugs(problem_list: ProblemList) -> list[str]:
    entries = problem_list.entries.active().order_by("position")
    return list(entries.values_list("problem__slug", flat=True))


def _admin_import(slug: str, as_of: datetime.date, problems: list[str]) -> ListSnapshot:
    problem_list = ProblemList.objects.select_related("company").get(slug=slug)
    rows = [
        f"{n},https://leetcode.com/problems/{s},T,Easy,50.0%,{100 - i}%"
        for i, (n, s) in enumerate(
            (ListEntry.objects.filter(problem__slug=s).values_list("problem__leetcode_id")[0][0], s)
            for s in problems
        )
    ]
    data = (HEADER + "\n".join(rows) + "\n").encode()
    plan = snapshot_plan(
        data,
        "upload.csv",
        company=problem_list.company,
        window=problem_list.window,
        as_of=as_of,
        source_name="admin upload",
    )
    return snapshot_import(plan)


def test_every_shipped_file_is_already_a_snapshot_so_a_rerun_imports_nothing():
    assert "company snapshots: 0 imported, 32 already there" in _load()


def test_a_newer_admin_import_survives_a_sync_and_the_shipped_snapshot_stays_history():
    google = ProblemList.objects.get(slug="google-six-months")
    shipped = _slugs(google)
    _admin_import("google-six-months", datetime.date(2026, 11, 30), ["lru-cache", "two-sum"])

    _load()

    assert _slugs(google) == ["lru-cache", "two-sum"]
    dates = list(google.snapshots.newest_first().values_list("as_of", flat=True))
    assert dates == [datetime.date(2026, 11, 30), datetime.date(2026, 7, 12)]
    history = google.snapshots.get(as_of=datetime.date(2026, 7, 12))
    assert list(history.entries.values_list("problem__slug", flat=True)) == shipped


def test_an_admin_import_of_the_shipped_date_is_never_replaced_by_the_file():
    _admin_import("uber-six-months", datetime.date(2026, 7, 12), ["two-sum"])

    output = _load()

    uber = ProblemList.objects.get(slug="uber-six-months")
    assert _slugs(uber) == ["two-sum"]
    assert uber.snapshots.get().source_name == "admin upload"
    assert "32 already there" in output


def test_a_missing_shipped_snapshot_is_imported_with_its_source(tmp_path):
    ProblemList.objects.get(slug="apple-all-time").snapshots.all().delete()
    ListEntry.objects.filter(problem_list__slug="apple-all-time").delete()

    output = _load()

    assert "company snapshots: 1 imported, 31 already there" in output
    apple = ProblemList.objects.get(slug="apple-all-time")
    snapshot = apple.snapshots.get()
    assert snapshot.from_fixtures
    assert snapshot.source_name.endswith("(apple/all.csv)")
    assert len(_slugs(apple)) == 100


def test_a_dry_run_imports_nothing(tmp_path):
    ProblemList.objects.get(slug="apple-all-time").snapshots.all().delete()
    out = StringIO()

    call_command("load_catalog", "--dry-run", stdout=out)

    assert "1 imported" in out.getvalue()
    assert not ProblemList.objects.get(slug="apple-all-time").snapshots.exists()


@pytest.mark.parametrize(
    ("field", "value", "note"),
    [
        ("window", "one-year", "now covers meta, all-time, not meta, one-year"),
        ("company", "google", "now covers meta, all-time, not google, all-time"),
    ],
)
def test_a_manifest_entry_the_list_no_longer_matches_is_skipped_and_named(
    tmp_path, field, value, note
):
    folder = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, folder)
    manifest = folder / "companies" / "manifest.json"
    items = json.loads(manifest.read_text(encoding="utf-8"))
    assert (items[1]["list"], items[1]["file"]) == ("meta-all-time", "meta/all.csv")
    items[1][field] = value
    manifest.write_text(json.dumps(items), encoding="utf-8")
    meta = ProblemList.objects.get(slug="meta-all-time")
    meta.snapshots.all().delete()
    entries = _slugs(meta)

    output = _load(folder)

    assert f"Skipped meta/all.csv: list meta-all-time {note}." in output
    assert "company snapshots: 0 imported, 31 already there" in output
    assert not meta.snapshots.exists()
    assert _slugs(meta) == entries


def _posted(form) -> dict:
    """What a browser posts for an unchanged form: each field's initial value."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, BooleanField):
            if value:
                data[form.add_prefix(name)] = "on"
        elif value is not None:
            data[form.add_prefix(name)] = value
    return data


def _change_in_the_admin(client, problem_list: ProblemList, **changes) -> None:
    url = reverse("admin:prep_problemlist_change", args=[problem_list.pk])
    page = client.get(url)
    data = _posted(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_posted(formset.management_form))
        for form in formset.forms:
            data.update(_posted(form))
    response = client.post(url, {**data, **changes, "_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_an_admin_giving_a_shipped_list_another_window_is_reported_not_an_error(client, staff):
    meta = ProblemList.objects.get(slug="meta-all-time")
    shipped = _slugs(meta)
    snapshots = list(meta.snapshots.values_list("pk", flat=True))
    client.force_login(staff)
    _change_in_the_admin(client, meta, window="one-year")
    meta.refresh_from_db()
    assert meta.window == "one-year"

    first, second = _load(), _load()

    for output in (first, second):
        assert (
            "Skipped meta/all.csv: list meta-all-time now covers meta, one-year, not meta, "
            "all-time." in output
        )
        assert "company snapshots: 0 imported, 31 already there" in output
    meta.refresh_from_db()
    assert meta.window == "one-year"
    assert _slugs(meta) == shipped
    assert list(meta.snapshots.values_list("pk", flat=True)) == snapshots


# --- Migrating a database from before companies had snapshots ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_metas_list_progress_and_rounds():
    # An empty database at the schema before companies had snapshots and loops.
    call_command("flush", interactive=False, verbosity=0)
    executor = MigrationExecutor(connection)
    before = [("prep", "0007_syncrecord")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Company, Level = old.get_model("prep", "Company"), old.get_model("prep", "Level")
    ProblemListOld, Problem = old.get_model("prep", "ProblemList"), old.get_model("prep", "Problem")
    EntryOld, Progress = (
        old.get_model("prep", "ListEntry"),
        old.get_model("prep", "ProblemProgress"),
    )
    User = old.get_model("auth", "User")
    meta = Company.objects.create(slug="meta", name="Meta")
    Level.objects.create(
        slug="e6",
        name="E6",
        title="Staff engineer",
        onsite_coding_rounds=2,
        onsite_ml_design_rounds=3,  # an admin's edit: it must survive
        onsite_behavioral_rounds=1,
    )
    top = ProblemListOld.objects.create(
        slug="meta-top-100-six-months",
        name="Meta top",
        short_name="Meta",
        kind="company",
        company=meta,
        snapshot_date=datetime.date(2026, 7, 12),
    )
    problems = [
        Problem.objects.create(slug=f"p{i}", leetcode_id=9000 + i, title=f"P{i}", difficulty="easy")
        for i in range(3)
    ]
    for position, problem in enumerate(problems, 1):
        EntryOld.objects.create(
            problem_list=top, problem=problem, position=position, frequency=100 - position
        )
    user = User.objects.create(username="veteran")
    Progress.objects.create(user=user, problem=problems[1], status="solved", notes="kept")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Loop.objects.get(company__slug="meta", level__slug="e6").onsite_ml_design_rounds == 3
    migrated = ProblemList.objects.get(slug="meta-top-100-six-months")
    assert migrated.window == "six-months"
    snapshot = migrated.snapshots.get()
    assert snapshot.as_of == datetime.date(2026, 7, 12)
    assert list(snapshot.entries.values_list("problem__slug", "rank")) == [
        ("p0", 1),
        ("p1", 2),
        ("p2", 3),
    ]
    kept = ProblemProgress.objects.get(user__username="veteran")
    assert (kept.problem.slug, kept.status, kept.notes) == ("p1", Status.SOLVED, "kept")
