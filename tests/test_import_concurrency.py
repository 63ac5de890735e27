"""Two imports of one company list at the same moment, as two admins clicking Apply would:
exactly one lands; the other saves nothing and says to preview again. Never a 500, never two
snapshots of one date, never a list that mixes both files.

These commit for real (transactional_db), each thread with its own database connection.
"""

import datetime

import pytest

from prep.models import Company, ListEntry, ListSnapshot, Problem, ProblemList
from prep.snapshots import StalePlan, snapshot_import, snapshot_plan
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalog"),
]

HEADER = "ID,URL,Title,Difficulty,Acceptance %,Frequency %\n"
NOVEMBER = datetime.date(2026, 11, 30)


def _file(slugs: list[str]) -> bytes:
    problems = {p.slug: p for p in Problem.objects.filter(slug__in=slugs)}
    rows = [
        f"{problems[s].leetcode_id},https://leetcode.com/problems/{s},{problems[s].title},"
        f"Easy,50.0%,{100 - i}%"
        for i, s in enumerate(slugs)
    ]
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("company", ["google", "netflix"])
def test_two_imports_of_one_list_and_date_at_once_land_exactly_one(company):
    files = [["two-sum", "lru-cache"], ["valid-parentheses", "merge-intervals", "two-sum"]]
    found = Company.objects.get(slug=company)
    plans = [
        snapshot_plan(_file(f), f"f{i}.csv", company=found, window="six-months", as_of=NOVEMBER)
        for i, f in enumerate(files)
    ]

    def apply(i: int) -> str:
        try:
            snapshot_import(plans[i])
        except StalePlan:
            return "stale"
        return "imported"

    outcomes = run_in_threads(apply, 2)

    assert sorted(outcomes) == ["imported", "stale"]
    problem_list = ProblemList.objects.get(company=found, window="six-months")
    assert ListSnapshot.objects.filter(problem_list=problem_list, as_of=NOVEMBER).count() == 1
    winner = files[outcomes.index("imported")]
    entries = ListEntry.objects.filter(problem_list=problem_list).order_by("position")
    assert list(entries.values_list("problem__slug", flat=True)) == winner
