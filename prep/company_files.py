"""Reads the public company-wise LeetCode lists into plain rows, and ranks them.

Bytes in, dataclasses out: no database and no models, so the importer decides what to store and
this module only decides whether a file can be trusted and what it says. Four public formats are
understood (see shared/reference/companies/README.md).

A file that cannot be read as a whole (empty, not UTF-8 text, binary, broken CSV, a header none
of the formats uses, more than MAX_ROWS rows) is refused with a CompanyFileError naming the file,
the line and the reason, in words a curator can act on. A single bad row is not: published files
carry the odd broken row (hxu296's Google list has a company name where a count belongs), and
refusing the whole file for it would leave that company unimportable. Such a row (wrong number of
cells, a link that is not a LeetCode problem, a bad difficulty, frequency or ID, a problem listed
a second time) is left out and recorded as a SkippedRow, which the importer shows in its preview
so the curator decides whether to go ahead. A file where more than half the rows cannot be read
is still refused: that is a wrong or mangled file, not a good one with a stray row, and importing
the handful of rows that happen to parse would look like success.
"""

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain

# LeetCode has about 3,600 problems; a file with far more rows is not a company list, and
# stopping early keeps a runaway upload from being read to the end.
MAX_ROWS = 20_000

_DIFFICULTIES = ("easy", "medium", "hard")
_LINK = re.compile(r"https?://(?:www\.)?leetcode\.com/problems/([^/?#]*)(?:[/?#].*)?")
_SLUG = re.compile(r"[a-z0-9-]+")
# LeetCode numbers have four digits; capping at nine keeps int() clear of Python's digit limit.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
# Long enough to recognise a value, short enough that a garbage line cannot flood the message.
_SHOWN_LENGTH = 80


class CompanyFileError(ValueError):
    """A file the importer cannot read; the message names the file, the line (if any) and why."""

    def __init__(self, filename: str, reason: str, line: int | None = None):
        self.filename = filename
        self.reason = reason
        self.line = line
        where = filename if line is None else f"{filename}, line {line}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class FileRow:
    """One problem as a file lists it, checked but not yet ranked."""

    line: int
    slug: str
    title: str
    difficulty: str | None
    leetcode_id: int | None
    frequency: float


@dataclass(frozen=True)
class SkippedRow:
    """A row left out of a file that was otherwise read, with why, as a curator should see it."""

    line: int
    reason: str


@dataclass(frozen=True)
class CompanyFile:
    """Every readable problem of one file, in file order, with the format it was read as and
    the rows left out (in file order too)."""

    filename: str
    format: str
    rows: tuple[FileRow, ...]
    skipped: tuple[SkippedRow, ...] = ()


@dataclass(frozen=True)
class RankedRow:
    """One problem of a file at its place in the company's list, frequency on a 0-100 scale."""

    rank: int
    slug: str
    title: str
    difficulty: str | None
    leetcode_id: int | None
    frequency: Decimal


@dataclass(frozen=True)
class _Layout:
    """Which column of a format holds what; None where the format has no such column."""

    format: str
    header: tuple[str, ...]
    link: int
    title: int
    frequency: int
    difficulty: int | None = None
    leetcode_id: int | None = None


_SNEHASISHROY = _Layout(
    "snehasishroy",
    ("id", "url", "title", "difficulty", "acceptance %", "frequency %"),
    link=1,
    title=2,
    frequency=5,
    difficulty=3,
    leetcode_id=0,
)
_LIQUIDSLR = _Layout(
    "liquidslr",
    ("difficulty", "title", "frequency", "acceptance rate", "link", "topics"),
    link=4,
    title=1,
    frequency=2,
    difficulty=0,
)
# liquidslr's header-only files predate the Topics column; the other columns are unchanged.
_LIQUIDSLR_WITHOUT_TOPICS = replace(_LIQUIDSLR, header=_LIQUIDSLR.header[:5])
_KRISHNADEY30 = _Layout(
    "krishnadey30",
    ("id", "title", "acceptance", "difficulty", "frequency", "leetcode question link"),
    link=5,
    title=1,
    frequency=4,
    difficulty=3,
    leetcode_id=0,
)
_HXU296 = _Layout(
    "hxu296", ("problem_link", "problem_name", "num_occur"), link=0, title=1, frequency=2
)
_LAYOUTS = (_SNEHASISHROY, _LIQUIDSLR, _LIQUIDSLR_WITHOUT_TOPICS, _KRISHNADEY30, _HXU296)

_UNDERSTOOD_HEADERS = (
    'snehasishroy "ID,URL,Title,Difficulty,Acceptance %,Frequency %"; '
    'liquidslr "Difficulty,Title,Frequency,Acceptance Rate,Link,Topics" (Topics may be missing); '
    'krishnadey30 "ID,Title,Acceptance,Difficulty,Frequency,Leetcode Question Link" '
    "(or the same columns with no header row); "
    'hxu296 "problem_link,problem_name,num_occur"'
)


class _BadValue(Exception):
    """A cell that cannot be used, so its row is skipped; the message is the skipped reason."""


def read_company_file(data: bytes, filename: str) -> CompanyFile:
    """Read one company list in any of the four formats, or raise CompanyFileError.

    Bad rows are left out and listed in `skipped`; the file is refused when it cannot be read as
    a whole or when more than half of its rows are bad.
    """
    records = _records(_decode(data, filename), filename)
    first = next(records, None)
    if first is None:
        raise CompanyFileError(
            filename, "the file is empty: a company list starts with a header row"
        )
    line, cells = first
    layout = _layout_for(cells)
    if layout is None and _is_headerless_krishnadey30(cells):
        # Older krishnadey30 files have no header row: the first line is already a problem.
        layout, records = _KRISHNADEY30, chain([first], records)
    elif layout is None:
        found = _shown(",".join(cells))
        raise CompanyFileError(
            filename,
            f"the header row {found} is not one this importer understands; "
            f"it reads these headers: {_UNDERSTOOD_HEADERS}",
            line,
        )
    rows, skipped = _read_rows(records, layout, filename)
    # Twice the skipped rows beyond the total covers "none could be read" too; exactly half
    # bad is still let through, as a short file with one broken row out of two is.
    if 2 * len(skipped) > len(rows) + len(skipped):
        first = skipped[0]
        reason = (
            f"{len(skipped)} of {len(rows) + len(skipped)} rows cannot be read; "
            f"the first, line {first.line}: {first.reason}"
        )
        raise CompanyFileError(filename, reason)
    return CompanyFile(filename, layout.format, rows, skipped)


def rank_rows(rows: Iterable[FileRow], numbers: Mapping[str, int] | None = None) -> list[RankedRow]:
    """All rows sorted by raw frequency descending, ties broken by LeetCode number ascending
    (the row's own leetcode_id, else numbers.get(slug); rows with no known number come after
    numbered ties, then by slug), ranked 1..n, frequency rescaled.

    Rescaling puts every format on the 0-100 scale liquidslr uses, where the file's most frequent
    problem is 100.0. `numbers` only orders ties: the ranked rows keep the file's own leetcode_id.
    """
    numbers = numbers or {}

    def order(row: FileRow) -> tuple[float, bool, int, str]:
        number = row.leetcode_id if row.leetcode_id is not None else numbers.get(row.slug)
        return (-row.frequency, number is None, number or 0, row.slug)

    ordered = sorted(rows, key=order)
    top = max((row.frequency for row in ordered), default=0.0)
    return [
        RankedRow(
            rank=rank,
            slug=row.slug,
            title=row.title,
            difficulty=row.difficulty,
            leetcode_id=row.leetcode_id,
            frequency=_rescaled(row.frequency, top),
        )
        for rank, row in enumerate(ordered, start=1)
    ]


def _rescaled(frequency: float, top: float) -> Decimal:
    """frequency as a share of top on a 0-100 scale, to one decimal place as a person rounds."""
    if top == 0:
        return Decimal("0.0")
    # Decimal, not float: 1e308 * 100 would overflow a float, and str() keeps 87.5 as 87.5.
    share = Decimal(str(frequency)) * 100 / Decimal(str(top))
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _decode(data: bytes, filename: str) -> str:
    """The file as text; utf-8-sig drops the byte order mark Excel puts before the header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CompanyFileError(
            filename,
            "the file is not UTF-8 text; save it from the spreadsheet as CSV UTF-8",
            line,
        ) from error
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CompanyFileError(
            filename, "the file holds binary data (a NUL character), not CSV text", line
        )
    return text


def _records(text: str, filename: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank CSV record with the physical line it starts on.

    A quoted cell may span lines, so the start is one past where the previous record ended.
    Rows of empty cells (",,,,,", as spreadsheets save empty rows) count as blank.
    """
    # newline="" lets csv see CRLF, LF and CR endings as they are, as the csv docs require.
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            reason = f"this line cannot be read as CSV ({error})"
            raise CompanyFileError(filename, reason, reader.line_num) from error
        start, end = end + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def _layout_for(header: list[str]) -> _Layout | None:
    names = tuple(cell.strip().lower() for cell in header)
    return next((layout for layout in _LAYOUTS if layout.header == names), None)


def _is_headerless_krishnadey30(cells: list[str]) -> bool:
    return len(cells) == len(_KRISHNADEY30.header) and "leetcode.com" in cells[_KRISHNADEY30.link]


def _read_rows(
    records: Iterator[tuple[int, list[str]]], layout: _Layout, filename: str
) -> tuple[tuple[FileRow, ...], tuple[SkippedRow, ...]]:
    """The file's good rows and the rows left out; the first appearance of a problem wins."""
    rows: list[FileRow] = []
    skipped: list[SkippedRow] = []
    first_seen: dict[str, int] = {}
    for line, cells in records:
        # Bad rows count towards the limit too, so a runaway file of garbage stops here as well.
        if len(rows) + len(skipped) == MAX_ROWS:
            reason = (
                f"the file lists more than {MAX_ROWS:,} problems; LeetCode has about 3,600, "
                "so this is not a company list"
            )
            raise CompanyFileError(filename, reason, line)
        try:
            row = _row(line, cells, layout)
        except _BadValue as bad:
            skipped.append(SkippedRow(line, str(bad)))
            continue
        if row.slug in first_seen:
            reason = (
                f"{row.slug} is listed twice: it first appears on line {first_seen[row.slug]}; "
                "this later row was left out"
            )
            skipped.append(SkippedRow(line, reason))
            continue
        first_seen[row.slug] = line
        rows.append(row)
    return tuple(rows), tuple(skipped)


def _row(line: int, cells: list[str], layout: _Layout) -> FileRow:
    expected = len(layout.header)
    if len(cells) != expected:
        raise _BadValue(
            f"this row has {len(cells)} cells but the {layout.format} format has {expected}; "
            "a title or topic list holding a comma must be in double quotes"
        )
    return FileRow(
        line=line,
        slug=_slug(cells[layout.link]),
        title=cells[layout.title].strip(),
        difficulty=None if layout.difficulty is None else _difficulty(cells[layout.difficulty]),
        leetcode_id=None if layout.leetcode_id is None else _leetcode_id(cells[layout.leetcode_id]),
        frequency=_frequency(cells[layout.frequency]),
    )


def _slug(link: str) -> str:
    """The problem's slug from its link; /description/, a query or a trailing slash is ignored."""
    match = _LINK.fullmatch(link.strip())
    if match is None or not match[1]:
        raise _BadValue(
            f"the link {_shown(link)} is not a LeetCode problem link "
            "like https://leetcode.com/problems/two-sum"
        )
    if not _SLUG.fullmatch(match[1]):
        raise _BadValue(
            f"the problem name {_shown(match[1])} in the link must be lowercase letters, "
            "digits and hyphens, like two-sum"
        )
    return match[1]


def _difficulty(value: str) -> str:
    difficulty = value.strip().lower()
    if difficulty not in _DIFFICULTIES:
        raise _BadValue(f"the difficulty {_shown(value)} is not Easy, Medium or Hard")
    return difficulty


def _leetcode_id(value: str) -> int:
    text = value.strip()
    if not _WHOLE_NUMBER.fullmatch(text) or int(text) == 0:
        raise _BadValue(f"the ID {_shown(value)} is not a positive whole number")
    return int(text)


def _frequency(value: str) -> float:
    """The frequency as the file writes it: "75.0%" is 75.0, a raw 1.2138 stays 1.2138."""
    text = value.strip().removesuffix("%").strip()
    try:
        frequency = float(text)
    except ValueError:
        raise _BadValue(f"the frequency {_shown(value)} is not a number") from None
    if not math.isfinite(frequency):
        raise _BadValue(f"the frequency {_shown(value)} is not a number")
    if frequency < 0:
        raise _BadValue(f"the frequency {_shown(value)} is negative")
    # abs() turns "-0" into 0.0, so a rescaled frequency never reads -0.0.
    return abs(frequency)


def _shown(value: str) -> str:
    """A cell quoted for a message, cut short so one garbage line cannot flood it."""
    if len(value) > _SHOWN_LENGTH:
        value = value[:_SHOWN_LENGTH] + "..."
    return repr(value)
