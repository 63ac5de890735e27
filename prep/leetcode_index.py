"""Every LeetCode problem's number, title and difficulty, by slug.

Company lists in some formats carry no number or difficulty (hxu296 has neither), so the importer
looks them up here. The table is fixtures/leetcode_index.tsv, a copy of
shared/reference/leetcode_all.tsv kept in the app so it runs without the shared folder.
"""

import csv
from dataclasses import dataclass
from functools import cache

from django.conf import settings


@dataclass(frozen=True)
class IndexedProblem:
    """One LeetCode problem as the index knows it; difficulty is easy, medium or hard."""

    slug: str
    leetcode_id: int
    title: str
    difficulty: str


@cache
def leetcode_index() -> dict[str, IndexedProblem]:
    """The index by slug, read once per process: the file only changes with a deploy."""
    path = settings.BASE_DIR / "fixtures" / "leetcode_index.tsv"
    # QUOTE_NONE: the file is plain tab-separated text, and a title may hold a quote mark.
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {
            row["slug"]: IndexedProblem(
                slug=row["slug"],
                leetcode_id=int(row["leetcode_id"]),
                title=row["title"],
                difficulty=row["difficulty"].lower(),
            )
            for row in rows
        }
