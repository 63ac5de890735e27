"""Importing a company list (prep/snapshots.py): plan, diff, apply, history, rollback, and the
rule that an import never archives or restores a problem.

Each test builds its own company and problems with factories and small CSV files, so the numbers
here are the test's own; only the LeetCode index (fixtures/leetcode_index.tsv) is shared.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from prep import snapshots
from prep.company_files import CompanyFileError
from prep.leetcode_index import leetcode_index
from prep.models import (
    ListEntry,
    ListSnapshot,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemProgress,
)
from prep.snapshots import Move, snapshot_import, snapshot_plan
from tests.factories import (
    CompanyFactory,
    ListEntryFactory,
    ProblemEventFactory,
    ProblemFactory,
    ProblemProgressFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")

SIX_MONTHS = ProblemList.Window.SIX_MONTHS
JUNE = datetime.date(2026, 6, 1)
JULY = datetime.date(2026, 7, 12)
AUGUST = datetime.date(2026, 8, 20)


def company_csv(*rows) -> bytes:
    """A file in snehasishroy's format. A row is a Problem (frequencies then fall by one a row,
    so the file order is the rank order), a (Problem, frequency) pair, or (slug, number, title,
    difficulty, frequency) for a problem the catalogue does not have."""
    lines = ["ID,URL,Title,Difficulty,Acceptance %,Frequency %"]
    for n, row in enumerate(rows):
        if isinstance(row, Problem):
            row = (row, 100 - n)
        if isinstance(row[0], Problem):
            problem, frequency = row
            row = (problem.slug, problem.leetcode_id, problem.title, "Medium", frequency)
        slug, number, title, difficulty, frequency = row
        link = f"https://leetcode.com/problems/{slug}"
        lines.append(f"{number},{link},{title},{difficulty},50.0%,{frequency}%")
    return "\n".join(lines).encode() + b"\n"


def plan_for(company, data: bytes, as_of=JULY, window=SIX_MONTHS):
    return snapshot_plan(data, "acme.csv", company=company, window=window, as_of=as_of)


def do_import(company, data: bytes, as_of=JULY, window=SIX_MONTHS, user=None):
    plan = plan_for(company, data, as_of, window)
    snapshot_import(plan, user=user)
    return plan


def entries(company, window=SIX_MONTHS) -> list[tuple[str, int, Decimal]]:
    rows = ListEntry.objects.filter(problem_list__company=company, problem_list__window=window)
    return list(rows.order_by("position").values_list("problem__slug", "rank", "frequency"))


def slugs(company, window=SIX_MONTHS) -> list[str]:
    return [slug for slug, _, _ in entries(company, window)]


@pytest.fixture
def acme():
    return CompanyFactory(name="Acme")


@pytest.fixture
def problems():
    return ProblemFactory.create_batch(6)


def test_a_first_import_creates_the_list_in_rank_order_with_rescaled_frequencies(
    acme, problems, staff
):
    a, b, c = problems[:3]

    plan = do_import(acme, company_csv((a, 40), (b, 80), (c, 20)), user=staff)

    problem_list = ProblemList.objects.get(company=acme, window=SIX_MONTHS)
    assert problem_list.name == "Acme: most frequent, last six months"
    assert problem_list.kind == ProblemList.Kind.COMPANY
    assert entries(acme) == [
        (b.slug, 1, Decimal("100.0")),
        (a.slug, 2, Decimal("50.0")),
        (c.slug, 3, Decimal("25.0")),
    ]
    snapshot = problem_list.snapshots.get()
    assert (snapshot.as_of, snapshot.file_name, snapshot.file_rows) == (JULY, "acme.csv", 3)
    assert snapshot.imported_by == staff
    assert [(e.problem, e.rank) for e in snapshot.entries.all()] == [(b, 1), (a, 2), (c, 3)]
    assert plan.problem_list is None
    assert [(p, rank) for p, rank in plan.added] == [(b, 1), (a, 2), (c, 3)]


@pytest.mark.parametrize(
    ("rows", "name"),
    [
        (99, "Acme: most frequent, last six months"),
        (100, "Acme: top 100, last six months"),
        (101, "Acme: top 100, last six months"),
    ],
)
def test_a_new_list_is_called_top_100_only_when_the_file_fills_it(acme, rows, name):
    data = company_csv(*ProblemFactory.create_batch(rows))

    plan = do_import(acme, data)

    assert plan.list_name == name
    problem_list = ProblemList.objects.get(company=acme, window=SIX_MONTHS)
    assert problem_list.name == name
    assert (problem_list.short_name, problem_list.time_window) == ("Acme 6 mo", "Last six months")
    assert problem_list.entries.count() == min(rows, 100)


@pytest.mark.parametrize("window", [SIX_MONTHS, ProblemList.Window.MORE_THAN_SIX_MONTHS])
def test_a_company_with_a_100_character_name_gets_a_list_that_fits_its_fields(
    acme, problems, alice_client, window
):
    # Cut by the importer, not by the database: PostgreSQL raises DataError on a value longer
    # than its column, SQLite stores it; full_clean() checks the lengths on both.
    acme.name = ("Acme " + "Consolidated Widget Holdings " * 4)[:100]
    acme.slug = slugify(acme.name)
    acme.save()
    assert len(acme.name) == len(acme.slug) == 100

    do_import(acme, company_csv(*problems[:2]), window=window)

    problem_list = ProblemList.objects.get(company=acme, window=window)
    problem_list.full_clean()
    assert len(problem_list.name) <= 120
    # The company's name is cut, never the window.
    label = ProblemList.Window(window).label
    assert problem_list.name == f"{acme.name[:70]}: most frequent, {label}"
    assert problem_list.short_name == f"{acme.name[:30]} {problem_list.window_short}"
    assert slugs(acme, window) == [problems[0].slug, problems[1].slug]
    page = alice_client.get(reverse("prep:list-detail", args=[problem_list.slug]))
    assert page.status_code == 200
    assert f'id="problem-{problems[0].slug}"' in page.content.decode()


def test_reimporting_the_same_file_later_changes_nothing(acme, problems):
    data = company_csv(*problems[:3])
    do_import(acme, data, JULY)
    before = entries(acme)

    plan = do_import(acme, data, AUGUST)

    assert (plan.added, plan.dropped, plan.moved, plan.unchanged) == ([], [], [], 3)
    assert plan.summary() == "0 added, 0 dropped, 0 moved, 3 unchanged"
    assert entries(acme) == before
    assert ListSnapshot.objects.filter(problem_list__company=acme).count() == 2


def test_a_newer_file_lists_what_it_adds_drops_and_moves_and_becomes_the_list(acme, problems):
    a, b, c, d, e, _ = problems
    do_import(acme, company_csv(a, b, c, d), JULY)

    plan = do_import(acme, company_csv(b, a, e), AUGUST)

    assert plan.is_current
    assert plan.added == [(e, 3)]
    assert plan.dropped == [(c, 3), (d, 4)]
    assert plan.moved == [Move(b, 2, 1), Move(a, 1, 2)]
    assert plan.summary() == "1 added, 2 dropped, 2 moved, 0 unchanged"
    assert slugs(acme) == [b.slug, a.slug, e.slug]


def test_an_older_file_is_kept_as_history_and_leaves_the_list_alone(acme, problems):
    a, b, c, d, _, _ = problems
    do_import(acme, company_csv(a, b), JULY)

    plan = do_import(acme, company_csv(c, d), JUNE)

    assert not plan.is_current
    assert plan.leaving == []
    assert slugs(acme) == [a.slug, b.slug]
    history = ListSnapshot.objects.get(problem_list__company=acme, as_of=JUNE)
    assert [e.problem for e in history.entries.all()] == [c, d]
    assert not Problem.objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk], is_archived=True).exists()


def test_an_import_of_a_date_already_there_replaces_that_snapshot(acme, problems):
    a, b, c, _, _, _ = problems
    do_import(acme, company_csv(a, b), JULY)
    first = ListSnapshot.objects.get(problem_list__company=acme)

    plan = plan_for(acme, company_csv(b, c), JULY)
    assert plan.replaces == first
    snapshot_import(plan)

    snapshot = ListSnapshot.objects.get(problem_list__company=acme)
    assert snapshot.pk != first.pk
    assert [e.problem for e in snapshot.entries.all()] == [b, c]
    assert slugs(acme) == [b.slug, c.slug]


def _index_problem_not_in_catalogue():
    known = set(Problem.objects.values_list("slug", flat=True))
    numbers = set(Problem.objects.values_list("leetcode_id", flat=True))
    return next(
        p
        for p in sorted(leetcode_index().values(), key=lambda p: p.leetcode_id)
        if p.slug not in known and p.leetcode_id not in numbers
    )


def test_a_problem_new_to_the_catalogue_is_added_from_the_leetcode_index(acme):
    indexed = _index_problem_not_in_catalogue()
    # hxu296's format gives neither number nor difficulty: both come from the index.
    data = (
        "problem_link,problem_name,num_occur\n"
        f"https://leetcode.com/problems/{indexed.slug}/,Name In The File,3\n"
    ).encode()

    plan = do_import(acme, data)

    problem = Problem.objects.get(slug=indexed.slug)
    assert (problem.leetcode_id, problem.title, problem.difficulty) == (
        indexed.leetcode_id,
        indexed.title,
        indexed.difficulty,
    )
    assert not problem.is_archived
    assert plan.new_problems == [problem]
    assert slugs(acme) == [indexed.slug]


def test_a_problem_unknown_to_the_index_is_added_from_the_file(acme):
    data = company_csv(("acme-frobnicator", 987_654, "Acme Frobnicator", "Hard", 50))

    do_import(acme, data)

    problem = Problem.objects.get(slug="acme-frobnicator")
    assert (problem.leetcode_id, problem.title, problem.difficulty) == (
        987_654,
        "Acme Frobnicator",
        "hard",
    )


def test_a_problem_the_file_cannot_describe_is_refused_with_file_and_line_and_nothing_saved(
    acme, problems
):
    counts = (Problem.objects.count(), ProblemList.objects.count(), ListSnapshot.objects.count())
    data = (
        "problem_link,problem_name,num_occur\n"
        f"https://leetcode.com/problems/{problems[0].slug}/,Known,5\n"
        "https://leetcode.com/problems/no-such-problem-anywhere/,Mystery,4\n"
    ).encode()

    with pytest.raises(CompanyFileError) as caught:
        plan_for(acme, data)

    message = str(caught.value)
    assert message.startswith("acme.csv, line 3: no-such-problem-anywhere")
    assert "difficulty and LeetCode number" in message
    after = (Problem.objects.count(), ProblemList.objects.count(), ListSnapshot.objects.count())
    assert after == counts


def test_a_renamed_slug_is_matched_by_its_number(acme, problems):
    a = problems[0]
    do_import(acme, company_csv(a), JULY)

    plan = do_import(acme, company_csv(("old-name-of-a", a.leetcode_id, "Old A", "Medium", 9)))

    assert plan.renamed == [("old-name-of-a", a)]
    assert plan.new_problems == []
    assert plan.unchanged == 1
    assert slugs(acme) == [a.slug]
    assert not Problem.objects.filter(slug="old-name-of-a").exists()


def test_a_file_naming_one_problem_under_two_slugs_is_refused(acme, problems):
    a = problems[0]
    data = company_csv(a, ("old-name-of-a", a.leetcode_id, "Old A", "Medium", 9))

    with pytest.raises(CompanyFileError) as caught:
        plan_for(acme, data)

    assert str(caught.value).startswith("acme.csv, line 3: old-name-of-a is LeetCode problem")
    assert f"line 2 already lists as {a.slug}" in str(caught.value)


@pytest.fixture
def dropped_after_work(acme, problems, alice):
    """b was in Acme's list, alice worked on it, and a newer file leaves it out."""
    a, b = problems[:2]
    do_import(acme, company_csv(a, b), JULY)
    ProblemProgressFactory(user=alice, problem=b, notes="Two pointers.")
    plan = do_import(acme, company_csv(a), AUGUST)
    return plan, b


def test_a_problem_that_leaves_every_list_is_named_and_stays_active(dropped_after_work):
    plan, b = dropped_after_work

    assert plan.dropped == [(b, 2)]
    assert plan.leaving == [b]
    assert "In no list any more (their pages, statuses and notes stay) (1)" in dict(plan.sections())
    b.refresh_from_db()
    assert not b.is_archived


def test_a_problem_that_leaves_every_list_still_opens_for_anyone_with_a_login(
    dropped_after_work, alice_client, charlie
):
    _, b = dropped_after_work
    url = reverse("prep:problem-detail", args=[b.slug])
    stranger = Client()
    stranger.force_login(charlie)

    mine = alice_client.get(url)
    theirs = stranger.get(url)

    assert mine.status_code == 200
    assert "Two pointers." in mine.content.decode()
    assert theirs.status_code == 200
    assert "Two pointers." not in theirs.content.decode()


def test_a_dropped_problem_still_in_another_list_is_not_named_as_leaving(acme, problems):
    a, b = problems[:2]
    ListEntryFactory(problem=b)
    do_import(acme, company_csv(a, b), JULY)

    plan = do_import(acme, company_csv(a), AUGUST)

    assert plan.dropped == [(b, 2)]
    assert plan.leaving == []
    assert not any(heading.startswith("In no list") for heading, _ in plan.sections())
    b.refresh_from_db()
    assert not b.is_archived


def test_a_problem_that_comes_back_is_on_the_list_again(acme, dropped_after_work):
    _, b = dropped_after_work

    plan = do_import(acme, company_csv(b), datetime.date(2026, 9, 1))

    assert plan.added == [(b, 1)]
    assert plan.hidden == []
    assert slugs(acme) == [b.slug]


def test_a_problem_the_catalogue_archived_stays_archived_and_hidden_when_a_file_lists_it(
    acme, problems, alice, alice_client
):
    a, b, c = problems[:3]
    do_import(acme, company_csv(a, b), JULY)
    ProblemProgressFactory(user=alice, problem=b, notes="Sort first.")
    Problem.objects.filter(pk=b.pk).update(is_archived=True)  # an admin archives it

    plan = do_import(acme, company_csv(a, b, c), AUGUST)

    assert plan.hidden == [b]
    assert dict(plan.sections())[
        "Archived in the catalogue, so hidden on the list until restored in the admin (1)"
    ] == [str(b)]
    b.refresh_from_db()
    assert b.is_archived
    problem_list = ProblemList.objects.get(company=acme, window=SIX_MONTHS)
    page = alice_client.get(reverse("prep:list-detail", args=[problem_list.slug]))
    rows = page.content.decode()
    assert f'id="problem-{a.slug}"' in rows
    assert f'id="problem-{c.slug}"' in rows
    assert f'id="problem-{b.slug}"' not in rows
    # alice worked on it, so its page is still hers to open.
    assert alice_client.get(reverse("prep:problem-detail", args=[b.slug])).status_code == 200


def test_a_history_only_import_adds_its_new_problems_active_and_in_no_list(acme, problems):
    do_import(acme, company_csv(problems[0]), JULY)

    plan = do_import(acme, company_csv(("acme-old-thing", 987_655, "Old", "Easy", 5)), JUNE)

    assert [p.slug for p in plan.new_problems] == ["acme-old-thing"]
    assert "New to the catalogue (in no list: the import is history only) (1)" in dict(
        plan.sections()
    )
    assert not Problem.objects.get(slug="acme-old-thing").is_archived
    assert not ListEntry.objects.filter(problem__slug="acme-old-thing").exists()
    assert slugs(acme) == [problems[0].slug]


@pytest.mark.parametrize("with_a_list", [False, True])
def test_a_file_that_lists_no_problems_is_refused_and_saves_nothing(acme, problems, with_a_list):
    if with_a_list:
        do_import(acme, company_csv(*problems[:2]), JULY)
    before = (
        entries(acme),
        list(ListSnapshot.objects.values_list("pk", flat=True)),
        ProblemList.objects.count(),
    )
    header_only = b"Difficulty,Title,Frequency,Acceptance Rate,Link\n"

    with pytest.raises(CompanyFileError) as caught:
        plan_for(acme, header_only, AUGUST)

    expected = "acme.csv: the file lists no problems, so there is nothing to import"
    if with_a_list:
        expected += "; importing it would empty Acme: most frequent, last six months"
    assert str(caught.value) == expected
    after = (
        entries(acme),
        list(ListSnapshot.objects.values_list("pk", flat=True)),
        ProblemList.objects.count(),
    )
    assert after == before


def test_nobodys_progress_notes_or_history_and_no_problems_archiving_change_across_imports(
    acme, problems, alice, bob
):
    a, b, c, d = problems[:4]
    ProblemProgressFactory(user=alice, problem=a, notes="Hash map.")
    ProblemProgressFactory(user=alice, problem=b, notes="Sort first.")
    ProblemProgressFactory(user=bob, problem=c)
    ProblemProgressFactory(user=bob, problem=d, notes="Archived by an admin.")
    ProblemEventFactory(user=alice, problem=b)
    Problem.objects.filter(pk=d.pk).update(is_archived=True)

    def state():
        return (
            list(ProblemProgress.objects.order_by("pk").values()),
            list(ProblemEvent.objects.order_by("pk").values()),
            list(
                Problem.objects.filter(is_archived=True).order_by("pk").values_list("pk", flat=True)
            ),
        )

    before = state()
    do_import(acme, company_csv(a, b, c, d), JUNE)  # d listed, hidden
    do_import(acme, company_csv(a), JULY)  # b, c and d dropped, leaving every list
    do_import(acme, company_csv(c, b, d), AUGUST)  # back, a leaving, d still hidden

    assert state() == before


def test_an_error_mid_import_rolls_everything_back(acme, problems, monkeypatch):
    a, b = problems[:2]
    do_import(acme, company_csv(a, b), JULY)
    plan = plan_for(acme, company_csv(b, ("acme-brand-new", 987_656, "New", "Easy", 1)), AUGUST)
    assert plan.leaving == [a]
    make_current = snapshots._make_current

    def fails_at_the_end(problem_list, plan):
        make_current(problem_list, plan)
        raise DatabaseError("disk full")

    monkeypatch.setattr(snapshots, "_make_current", fails_at_the_end)

    with pytest.raises(DatabaseError):
        snapshot_import(plan)

    assert slugs(acme) == [a.slug, b.slug]
    assert list(ListSnapshot.objects.filter(problem_list__company=acme).values_list("as_of")) == [
        (JULY,)
    ]
    assert not Problem.objects.filter(slug="acme-brand-new").exists()
    a.refresh_from_db()
    assert not a.is_archived


@pytest.mark.parametrize("size", [20, 100])
def test_planning_and_importing_make_the_same_queries_at_any_file_size(
    acme, size, django_assert_max_num_queries
):
    catalogue = ProblemFactory.create_batch(size)
    do_import(acme, company_csv(*catalogue), JULY)
    # A fifth dropped, a fifth new to the catalogue, the rest moved: every branch at each size.
    kept = catalogue[: size - size // 5]
    new = [(f"acme-new-{n}", 990_000 + n, f"New {n}", "Easy", 1 + n % 3) for n in range(size // 5)]
    data = company_csv(*[(p, 50 + n) for n, p in enumerate(kept)], *new)

    # 21: the plan, then the import (a savepoint around new rows, the lock, a re-check that the
    # list still is what the plan saw, the snapshot, its entries, the list's entries); 6 more
    # write the catalogue's new version to the database cache (prep/fragments.py).
    with django_assert_max_num_queries(21 + 6):
        plan = plan_for(acme, data, AUGUST)
        snapshot_import(plan)

    assert (len(plan.added), len(plan.dropped)) == (size // 5, size // 5)
    assert len(slugs(acme)) == size


# --- Two imports of one list at once ----------------------------------------------------------


def test_a_plan_made_before_another_import_of_the_list_saves_nothing(acme):
    first, second = ProblemFactory.create_batch(2)
    do_import(acme, company_csv(first), as_of=JUNE)
    late = plan_for(acme, company_csv(second), as_of=JULY)
    do_import(acme, company_csv(first, second), as_of=AUGUST)

    with pytest.raises(snapshots.StalePlan, match="Preview the file again"):
        snapshot_import(late)

    assert list(ListSnapshot.objects.filter(problem_list__company=acme).values_list("as_of")) == [
        (AUGUST,),
        (JUNE,),
    ]
    assert slugs(acme) == [first.slug, second.slug]


def test_two_plans_for_a_new_list_the_second_saves_nothing(acme):
    problem = ProblemFactory()
    one, two = plan_for(acme, company_csv(problem)), plan_for(acme, company_csv(problem))
    snapshot_import(one)

    with pytest.raises(snapshots.StalePlan):
        snapshot_import(two)

    assert ProblemList.objects.filter(company=acme).count() == 1
    assert ListSnapshot.objects.filter(problem_list__company=acme).count() == 1
