"""Importing a company's list from a downloaded file: one code path for the command, the admin
page and the catalogue sync.

`snapshot_plan()` reads the file and works out, without writing anything, what an import would
do: the problems it adds to the catalogue, and the problems added to, dropped from and moved in
the list against its current snapshot. `snapshot_import()` carries a plan out in one
transaction. The admin previews a plan, then applies it; `--dry-run` prints it.

Rules an import follows:
- The file's top problems (100 by default) by frequency, ties broken by LeetCode number, with
  frequency rescaled so the file's most frequent problem is 100.
- Problems are matched by slug, then by LeetCode number (a slug LeetCode renamed); unknown ones
  are added from the LeetCode index in fixtures/, or from the file's own title and difficulty.
- Each import is a dated snapshot. The newest as-of date is the list; importing an older date
  only adds history. Importing a date that is already there replaces that snapshot.
- Progress belongs to problems, so no one's status, notes or history changes. An import never
  archives or restores a problem (that is the admin's and the catalogue sync's to decide): a
  problem that leaves every list stays where its page, status and notes are, and the preview
  names it; a problem the file lists but the catalogue archived stays hidden, and is named too.
- A file that lists no problems is refused: applied, it would empty the list.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify

from prep.company_files import (
    CompanyFileError,
    FileRow,
    RankedRow,
    SkippedRow,
    rank_rows,
    read_company_file,
)
from prep.fragments import catalogue_change
from prep.leetcode_index import IndexedProblem, leetcode_index
from prep.models import (
    Company,
    ListEntry,
    ListSnapshot,
    Problem,
    ProblemList,
    SnapshotEntry,
)
from prep.models.catalogue import WINDOW_SHORT

LIST_SIZE = 100

# Where new company lists sit on the study path: after the roadmaps and Meta's lists.
FIRST_COMPANY_POSITION = 100


@dataclass(frozen=True)
class Move:
    problem: Problem
    before: int
    after: int


@dataclass
class SnapshotPlan:
    """What importing one file would do; nothing is written until `snapshot_import`."""

    company: Company
    window: str
    as_of: datetime.date
    file_name: str
    file_format: str
    file_rows: int
    source_name: str
    source_url: str
    problem_list: ProblemList | None  # None: the import creates the list
    ranked: list[
        tuple[Problem, int, Decimal]
    ]  # (problem, rank, frequency), problems unsaved if new
    skipped: tuple[SkippedRow, ...] = ()  # rows of the file left out, with why
    new_problems: list[Problem] = field(default_factory=list)
    renamed: list[tuple[str, Problem]] = field(default_factory=list)  # (slug in file, problem)
    previous: ListSnapshot | None = None  # what the diff compares against
    replaces: ListSnapshot | None = None  # a snapshot of the same date, replaced
    is_current: bool = True  # False when an older date: history only
    added: list[tuple[Problem, int]] = field(default_factory=list)
    dropped: list[tuple[Problem, int]] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    leaving: list[Problem] = field(default_factory=list)  # dropped, and now in no list
    hidden: list[Problem] = field(default_factory=list)  # in the file, archived in the catalogue

    @property
    def list_name(self) -> str:
        if self.problem_list is not None:
            return self.problem_list.name
        return _list_name(self.company, self.window, len(self.ranked))

    @property
    def unchanged(self) -> int:
        return len(self.ranked) - len(self.added) - len(self.moved)

    def digest(self) -> str:
        """A fingerprint of what applying would write, so an Apply can tell that the list or the
        catalogue changed since the preview was shown."""
        parts = [
            self.company.slug,
            self.window,
            self.as_of.isoformat(),
            str(self.problem_list.pk if self.problem_list else ""),
            str(self.previous.pk if self.previous else ""),
            str(self.replaces.pk if self.replaces else ""),
            *(f"{p.slug}:{p.pk}:{r}:{f}" for p, r, f in self.ranked),
            *(f"dropped:{p.slug}:{r}" for p, r in self.dropped),
            *(f"leaving:{p.slug}" for p in self.leaving),
            *(f"hidden:{p.slug}" for p in self.hidden),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def summary(self) -> str:
        """One line: "12 added, 9 dropped, 30 moved, 61 unchanged; 3 new problems"."""
        text = (
            f"{len(self.added)} added, {len(self.dropped)} dropped, {len(self.moved)} moved, "
            f"{self.unchanged} unchanged"
        )
        if self.new_problems:
            n = len(self.new_problems)
            text += f"; {n} problem{'s' * (n != 1)} new to the catalogue"
        return text

    def overview(self) -> list[str]:
        """What the import is, in a few sentences: the list, the file, the date and the counts.
        The command prints these lines and the admin preview shows them."""
        name = self.list_name if self.problem_list else f"{self.list_name} (creates the list)"
        n = len(self.ranked)
        taken = f"the top {n} are imported" if self.file_rows > n else "all are imported"
        rows = f"{self.file_rows} problem{'s' * (self.file_rows != 1)}"
        if self.skipped:
            n = len(self.skipped)
            rows += f" ({n} more row{'s' * (n != 1)} left out, listed below)"
        lines = [
            f"List: {name}",
            f"File: {self.file_name}, {self.file_format} format, {rows}; {taken}.",
            self._when(),
            self.summary(),
        ]
        if (self.problem_list and self.problem_list.is_archived) or self.company.is_archived:
            lines.append(
                "The list or its company is archived: the import updates it, but candidates "
                "will not see it until it is restored in the admin."
            )
        return lines

    def _when(self) -> str:
        day = f"As of {_day(self.as_of)}"
        if self.problem_list is None:
            return f"{day}: the new list's first snapshot."
        if not self.is_current:
            return (
                f"{day}: older than the current snapshot of {_day(self.previous.as_of)}, so it "
                f"is kept as history{' (replacing the one of that date)' * bool(self.replaces)} "
                "and the list does not change."
            )
        if self.replaces is not None:
            return f"{day}: replaces the snapshot of that date and stays the current list."
        if self.previous is not None:
            return (
                f"{day}: newer than the snapshot of {_day(self.previous.as_of)}, so it becomes "
                "the current list."
            )
        return f"{day}: the list's first snapshot, compared with the list as it stands."

    def sections(self) -> list[tuple[str, list[str]]]:
        """The problems behind the counts, as (heading, lines), leaving out empty headings."""
        history = " (in no list: the import is history only)" * (not self.is_current)
        sections = [
            ("Rows of the file left out", [f"line {s.line}: {s.reason}" for s in self.skipped]),
            ("Added", [f"#{rank} {problem}" for problem, rank in self.added]),
            ("Dropped", [f"was #{rank} {problem}" for problem, rank in self.dropped]),
            (
                "Moved",
                [f"#{m.before} \N{RIGHTWARDS ARROW} #{m.after} {m.problem}" for m in self.moved],
            ),
            (
                f"New to the catalogue{history}",
                [f"{p} ({p.get_difficulty_display().lower()})" for p in self.new_problems],
            ),
            (
                "Matched by number under a renamed slug",
                [f"{old} is {p} ({p.slug})" for old, p in self.renamed],
            ),
            (
                "In no list any more (their pages, statuses and notes stay)",
                [str(p) for p in self.leaving],
            ),
            (
                "Archived in the catalogue, so hidden on the list until restored in the admin",
                [str(p) for p in self.hidden],
            ),
        ]
        return [(f"{heading} ({len(lines)})", lines) for heading, lines in sections if lines]

    def outcome(self) -> str:
        """What was done, once applied: "Imported Google: top 100, ... as of 12 July 2026: ..."."""
        history = " as history" * (not self.is_current)
        return f"Imported {self.list_name} as of {_day(self.as_of)}{history}: {self.summary()}."


def _day(date: datetime.date) -> str:
    """12 July 2026."""
    return f"{date.day} {date:%B %Y}"


def snapshot_plan(
    data: bytes,
    file_name: str,
    *,
    company: Company,
    window: str,
    as_of: datetime.date,
    source_name: str = "",
    source_url: str = "",
    size: int = LIST_SIZE,
) -> SnapshotPlan:
    """What importing `data` as `company`'s list for `window` on `as_of` would do.

    Raises CompanyFileError, naming the file, the line and the reason, when the file cannot be
    read or names a problem it cannot place.
    """
    if window not in ProblemList.Window.values:
        raise CompanyFileError(file_name, f"{window!r} is not a time window")
    parsed = read_company_file(data, file_name)
    index = leetcode_index()
    numbers = {slug: p.leetcode_id for slug, p in index.items()}
    ranked_rows = rank_rows(parsed.rows, numbers)[:size]
    lines = {row.slug: row for row in parsed.rows}

    problem_list = ProblemList.objects.filter(
        company=company, window=window, kind=ProblemList.Kind.COMPANY
    ).first()
    plan = SnapshotPlan(
        company=company,
        window=window,
        as_of=as_of,
        file_name=file_name,
        file_format=parsed.format,
        file_rows=len(parsed.rows),
        skipped=parsed.skipped,
        source_name=source_name,
        source_url=source_url,
        problem_list=problem_list,
        ranked=[],
    )
    if not ranked_rows:
        where = f"; importing it would empty {problem_list.name}" if problem_list else ""
        raise CompanyFileError(
            file_name, f"the file lists no problems, so there is nothing to import{where}"
        )
    problems = _problems_for(plan, ranked_rows, lines, index)
    plan.ranked = [(problems[row.slug], row.rank, row.frequency) for row in ranked_rows]
    _compare(plan)
    return plan


def _problems_for(plan: SnapshotPlan, ranked_rows, lines: dict[str, FileRow], index) -> dict:
    """The catalogue problem for each ranked row: found by slug, by number, or new."""
    slugs = [row.slug for row in ranked_rows]
    found = {p.slug: p for p in Problem.objects.filter(slug__in=slugs)}
    wanted_numbers = {}
    for row in ranked_rows:
        if row.slug in found:
            continue
        number = row.leetcode_id or (index[row.slug].leetcode_id if row.slug in index else None)
        if number is not None:
            wanted_numbers[number] = row.slug
    by_number = {p.leetcode_id: p for p in Problem.objects.filter(leetcode_id__in=wanted_numbers)}
    result = {}
    named_by: dict[int, str] = {}  # LeetCode number -> the slug of the row that named it
    for row in ranked_rows:
        problem = _problem_for(plan, row, lines, index, found, by_number)
        other = named_by.setdefault(problem.leetcode_id, row.slug)
        if other != row.slug:
            # Both slugs of a renamed problem: one problem cannot hold two ranks.
            raise CompanyFileError(
                plan.file_name,
                f"{row.slug} is LeetCode problem {problem.leetcode_id}, which line "
                f"{lines[other].line} already lists as {other}",
                lines[row.slug].line,
            )
        result[row.slug] = problem
    return result


def _problem_for(
    plan: SnapshotPlan,
    row: RankedRow,
    lines: dict[str, FileRow],
    index: dict[str, IndexedProblem],
    found: dict[str, Problem],
    by_number: dict[int, Problem],
) -> Problem:
    """The problem a row names: by slug, by number under a renamed slug, or a new one."""
    if row.slug in found:
        return found[row.slug]
    known = index.get(row.slug)
    number = row.leetcode_id or (known.leetcode_id if known else None)
    if number in by_number:
        # LeetCode renamed the slug (or the file uses an old one): same problem.
        plan.renamed.append((row.slug, by_number[number]))
        return by_number[number]
    title = known.title if known else row.title
    difficulty = known.difficulty if known else row.difficulty
    line = lines[row.slug].line
    if not (title and difficulty and number):
        raise CompanyFileError(
            plan.file_name,
            f"{row.slug} is not in the catalogue or the LeetCode index, and the file does not "
            f"give its {_missing(title, difficulty, number)}, so it cannot be added",
            line,
        )
    longest = Problem._meta.get_field("slug").max_length
    if len(row.slug) > longest:
        reason = f"the problem name {row.slug[:40]}... is longer than {longest} characters"
        raise CompanyFileError(plan.file_name, reason, line)
    title = title[: Problem._meta.get_field("title").max_length]
    problem = Problem(slug=row.slug, leetcode_id=number, title=title, difficulty=difficulty)
    plan.new_problems.append(problem)
    return problem


def _missing(title, difficulty, number) -> str:
    names = [name for name, value in [("title", title), ("difficulty", difficulty)] if not value]
    if not number:
        names.append("LeetCode number")
    return " and ".join(names)


def _compare(plan: SnapshotPlan) -> None:
    """Fill in the diff against the list's current snapshot, and the problems worth naming:
    those leaving every list, and those the catalogue archived."""
    problem_list = plan.problem_list
    before: dict[int, tuple[Problem, int]] = {}
    if problem_list is not None:
        snapshots = problem_list.snapshots.newest_first()
        plan.previous = snapshots.first()
        plan.replaces = snapshots.filter(as_of=plan.as_of).first()
        plan.is_current = plan.previous is None or plan.as_of >= plan.previous.as_of
        if plan.previous is not None:
            rows = plan.previous.entries.select_related("problem")
            before = {e.problem_id: (e.problem, e.rank) for e in rows}
        else:
            # A list with no snapshot yet: compare with what its page shows.
            entries = problem_list.entries.active().with_place().select_related("problem")
            before = {e.problem_id: (e.problem, e.place) for e in entries}
    after = {p.pk: (p, rank) for p, rank, _ in plan.ranked if p.pk}
    for problem, rank, _ in plan.ranked:
        if problem.pk is None or problem.pk not in before:
            plan.added.append((problem, rank))
        elif before[problem.pk][1] != rank:
            plan.moved.append(Move(problem, before[problem.pk][1], rank))
    plan.dropped = sorted(
        (value for pk, value in before.items() if pk not in after), key=lambda pr: pr[1]
    )
    plan.moved.sort(key=lambda m: (-abs(m.before - m.after), m.after))
    if not plan.is_current:
        return  # history only: the list does not change, so nothing leaves it or is hidden
    plan.hidden = [p for p, _, _ in plan.ranked if p.pk and p.is_archived]
    dropped = [p.pk for p, _ in plan.dropped]
    elsewhere = set(
        ListEntry.objects.active()
        .filter(problem__in=dropped)
        .exclude(problem_list=problem_list)
        .values_list("problem_id", flat=True)
    )
    plan.leaving = [p for p, _ in plan.dropped if p.pk not in elsewhere]


class StalePlan(Exception):
    """The list or the catalogue changed between planning an import and applying it."""

    def __init__(self):
        super().__init__(
            "The list changed while this import was being applied (another import of it "
            "finished first), so nothing was saved. Preview the file again."
        )


def _pk(row) -> int | None:
    return None if row is None else row.pk


@transaction.atomic
def snapshot_import(plan: SnapshotPlan, *, user=None, from_fixtures: bool = False) -> ListSnapshot:
    """Carry out a plan: one transaction, so a failure leaves everything as it was. Raises
    StalePlan, saving nothing, when another import changed the list since the plan was made."""
    with catalogue_change():
        return _snapshot_import(plan, user=user, from_fixtures=from_fixtures)


def _snapshot_import(plan: SnapshotPlan, *, user, from_fixtures: bool) -> ListSnapshot:
    try:
        # A savepoint: a problem or list another import created meanwhile is a stale plan.
        with transaction.atomic():
            Problem.objects.bulk_create(plan.new_problems)
            problem_list = plan.problem_list or _create_list(
                plan.company, plan.window, len(plan.ranked)
            )
    except IntegrityError as exc:
        raise StalePlan from exc
    # Lock the list: two imports of one list queue rather than interleave, and the second one
    # finds that its plan no longer describes the list.
    ProblemList.objects.select_for_update().filter(pk=problem_list.pk).first()
    if plan.problem_list is not None:
        snapshots = problem_list.snapshots.newest_first()
        same_day = snapshots.filter(as_of=plan.as_of).first()
        if _pk(snapshots.first()) != _pk(plan.previous) or _pk(same_day) != _pk(plan.replaces):
            raise StalePlan
    if plan.replaces is not None:
        plan.replaces.delete()
    snapshot = ListSnapshot.objects.create(
        problem_list=problem_list,
        as_of=plan.as_of,
        source_name=plan.source_name,
        source_url=plan.source_url,
        file_name=plan.file_name[:255],
        file_rows=plan.file_rows,
        imported_by=user,
        from_fixtures=from_fixtures,
    )
    SnapshotEntry.objects.bulk_create(
        SnapshotEntry(snapshot=snapshot, problem=problem, rank=rank, frequency=frequency)
        for problem, rank, frequency in plan.ranked
    )
    if plan.is_current:
        _make_current(problem_list, plan)
    return snapshot


def _make_current(problem_list: ProblemList, plan: SnapshotPlan) -> None:
    """Make the list's entries the snapshot's problems, in rank order."""
    wanted = {problem.pk: (rank, frequency) for problem, rank, frequency in plan.ranked}
    existing = {e.problem_id: e for e in ListEntry.objects.filter(problem_list=problem_list)}
    ListEntry.objects.filter(problem_list=problem_list).exclude(problem__in=wanted).delete()
    changed, new = [], []
    for problem_id, (rank, frequency) in wanted.items():
        entry = existing.get(problem_id)
        if entry is None:
            new.append(
                ListEntry(
                    problem_list=problem_list,
                    problem_id=problem_id,
                    position=rank,
                    rank=rank,
                    frequency=frequency,
                )
            )
        elif (entry.position, entry.rank, entry.frequency, entry.is_archived, entry.section_id) != (
            rank,
            rank,
            frequency,
            False,
            None,
        ):
            entry.position, entry.rank, entry.frequency = rank, rank, frequency
            entry.is_archived, entry.section_id = False, None
            changed.append(entry)
    fields = ["position", "rank", "frequency", "is_archived", "section"]
    ListEntry.objects.bulk_update(changed, fields, batch_size=500)
    ListEntry.objects.bulk_create(new, batch_size=500)


def _list_name(company: Company, window: str, size: int) -> str:
    """ "Google: top 100, last six months", or "OpenAI: most frequent, all time" for a list
    that holds fewer than 100."""
    label = ProblemList.Window(window).label
    top = f"top {LIST_SIZE}" if size >= LIST_SIZE else "most frequent"
    # A long company name is cut, not the window: the name must fit its 120 characters.
    return f"{company.name[:70]}: {top}, {label}"


def _create_list(company: Company, window: str, size: int) -> ProblemList:
    """A company list for a window nobody imported before, named like the shipped ones."""
    label = ProblemList.Window(window).label
    # Room for the window and a "-2" suffix within the slug's 120 characters.
    slug = slugify(f"{company.slug[:90]}-{window}")
    taken = set(ProblemList.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
    n = 2
    base = slug
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    last = ProblemList.objects.aggregate(last=Max("position"))["last"] or 0
    # Cut to the fields' lengths: a company's name may be long.
    return ProblemList.objects.create(
        slug=slug,
        name=_list_name(company, window, size),
        short_name=f"{company.name[:30]} {WINDOW_SHORT[window]}",
        kind=ProblemList.Kind.COMPANY,
        company=company,
        window=window,
        time_window=label[:1].upper() + label[1:],
        position=max(last + 1, FIRST_COMPANY_POSITION),
        description=(
            f"The problems LeetCode tags as asked at {company.name} ({label}), most frequent "
            f"first, as imported from a public company-wise list."
        ),
    )
