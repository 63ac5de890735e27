"""A list page's rows: the parts that change only with the catalogue, rendered once per catalogue
version (prep/fragments.py), and the light query that adds a user's progress to them.

A row's title, badges, difficulty, topics and the other lists and companies holding its problem
take most of a list page's work; they are the same for every candidate, so each list's are built
once and kept. What is the candidate's own (the status, whether they wrote notes) comes from one
query per page.
"""

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from prep.fragments import cached_fragment
from prep.models import SOLVED_STATUSES, ListEntry, ProblemList, Status
from prep.readiness import Tally
from prep.templatetags.prep_tags import markdown

PARTS = ("title", "frequency", "cells")


@dataclass(frozen=True)
class Row:
    """What a list row shows that is not the candidate's own, as ready HTML."""

    place: int
    difficulty: str
    section_id: int | None
    title: SafeString
    frequency: SafeString
    cells: SafeString
    notes_url: str


@dataclass(frozen=True)
class Rows:
    by_entry: dict[int, Row]
    has_frequency: bool  # the list ranks by frequency: a column for it
    has_recent: bool  # the list also knows the last six months' frequency: a column for that


def list_rows(problem_list: ProblemList, *, read_only: bool = False) -> Rows:
    """The rows of a list for the current catalogue version: built once, then from memory."""
    return cached_fragment(
        "list-rows",
        lambda: build_rows(problem_list, read_only=read_only),
        problem_list.pk,
        read_only,
    )


def build_rows(problem_list: ProblemList, *, read_only: bool = False) -> Rows:
    entries = list(problem_list.entries.for_page())
    ties = Counter(e.frequency for e in entries if e.frequency is not None)
    has_frequency = bool(ties)
    has_recent = any(e.frequency_six_months is not None for e in entries)
    parts = {name: get_template(f"prep/_list_row.html#{name}") for name in PARTS}
    notes_url = reverse("prep:problem-detail", args=["-"])[:-2]
    by_entry = {}
    for entry in entries:
        entry.tied = ties.get(entry.frequency, 0)
        context = {
            "entry": entry,
            "read_only": read_only,
            "has_frequency": has_frequency,
            "has_recent": has_recent,
        }
        html = {name: mark_safe(part.render(context)) for name, part in parts.items()}
        by_entry[entry.pk] = Row(
            place=entry.place,
            difficulty=entry.problem.difficulty,
            section_id=entry.section_id,
            notes_url=escape(f"{notes_url}{entry.problem.slug}/"),
            **html,
        )
    return Rows(by_entry, has_frequency, has_recent)


def counters(user, problem_list: ProblemList, rows: Rows) -> dict:
    """The list's solved counts, overall and by section, each by difficulty: the totals come
    from the rows, what the user solved from one query."""
    solved = set(
        problem_list.entries.active()
        .filter(problem__progress__user=user, problem__progress__status__in=SOLVED_STATUSES)
        .values_list("pk", flat=True)
    )
    tally, sections = Tally(), defaultdict(Tally)
    for pk, row in rows.by_entry.items():
        done = pk in solved
        for t in (tally, sections[row.section_id]) if row.section_id else (tally,):
            t.total += 1
            t.by_difficulty[row.difficulty][1] += 1
            if done:
                t.solved += 1
                t.by_difficulty[row.difficulty][0] += 1
    return {"tally": tally, "section_tallies": dict(sections)}


def with_rows(
    entries: list[ListEntry], problem_list: ProblemList, rows: Rows, *, read_only: bool = False
) -> list[ListEntry]:
    """Attach each entry's row. If the catalogue changed between reading the rows and the entries,
    the rows are built afresh rather than shown out of step."""
    if any(entry.pk not in rows.by_entry for entry in entries):
        rows = build_rows(problem_list, read_only=read_only)
    for entry in entries:
        entry.row = rows.by_entry.get(entry.pk)
    return [entry for entry in entries if entry.row is not None]


class RowRenderer:
    """Writes a list's rows as HTML in Python: a template per row costs more than the rest of the
    page together. The markup is the same as templates/prep/_status_form.html's."""

    def __init__(self, request, problem_list: ProblemList, *, read_only: bool = False):
        self.read_only = read_only
        self.list_slug = escape(problem_list.slug)
        if not read_only:
            self.status_url = escape(reverse("prep:problem-status"))
            self.csrf = escape(get_token(request))
            self.here = escape(current_path(request))

    def render(self, entry: ListEntry, *, error: str = "", rating: str = "") -> SafeString:
        row: Row = entry.row
        problem = entry.problem
        slug, status = escape(problem.slug), escape(entry.status)
        if self.read_only:
            status_cell = (
                f'<span class="status-text status-{status}">{escape(status_label(status))}</span>'
            )
            notes = ""
            if getattr(entry, "notes", ""):
                notes = (
                    '<details class="shared-notes"><summary>Notes</summary>'
                    f'<div class="prose">{markdown(entry.notes)}</div></details>'
                )
        else:
            status_cell = self.status_form(problem, entry.status)
            if error:
                status_cell += (
                    f'<p class="row-error" role="alert">{escape(error)} Nothing was saved.</p>'
                )
            title = escape(problem.title)
            if entry.has_notes:
                notes = (
                    f'<a class="notes-link has-notes" href="{row.notes_url}#notes" '
                    f'aria-label="Open your notes on {title}">Notes</a>'
                )
            else:
                notes = (
                    f'<a class="notes-link" href="{row.notes_url}#notes" '
                    f'aria-label="Add notes on {title}">Add notes</a>'
                )
        return mark_safe(
            f'<tr id="problem-{slug}" class="problem-row status-row-{status}">'
            f'<td class="num">{row.place}</td>'
            f'<td class="status-cell">{status_cell}</td>'
            f'<td class="title">{row.title}\n{notes}{rating}</td>'
            f"{row.frequency}{row.cells}</tr>"
        )

    def status_form(self, problem, status: str, target: str = "closest tr") -> str:
        slug = escape(problem.slug)
        return (
            f'<form method="post" action="{self.status_url}" class="status-form" '
            f'hx-post="{self.status_url}" hx-trigger="change" hx-target="{escape(target)}" '
            'hx-swap="outerHTML">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{self.csrf}">'
            f'<input type="hidden" name="problem" value="{slug}">'
            f'<input type="hidden" name="list" value="{self.list_slug}">'
            f'<input type="hidden" name="next" value="{self.here}">'
            f'<label class="visually-hidden" for="status-{slug}">Status of '
            f"{escape(problem.title)}</label>"
            f'<select id="status-{slug}" name="status" '
            f'class="status-select status-{escape(status)}">'
            f"{status_options(status)}</select>"
            '<noscript><button type="submit" class="button button-small">Save</button></noscript>'
            "</form>"
        )

    def render_all(self, entries) -> SafeString:
        return mark_safe("\n".join(self.render(entry) for entry in entries))


@functools.cache
def status_options(selected: str) -> str:
    return "".join(
        f'<option value="{value}"{" selected" if value == selected else ""}>{escape(label)}'
        "</option>"
        for value, label in Status.choices
    )


def status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value


def current_path(request) -> str:
    """The page the user is looking at, also when rendering an htmx fragment for it."""
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return htmx.current_url_abs_path
    return request.get_full_path()


class Membership(NamedTuple):
    """A list that holds a problem, and the problem's place in it as users see it."""

    problem_list: ProblemList
    place: int
    rank: int | None


def memberships(problem_id: int) -> list[Membership]:
    """The active lists holding a problem, in list order, for its page: from one map of every
    problem's lists kept per catalogue version (one entry in the cache, whatever the number of
    problem pages read)."""
    return cached_fragment("memberships", _memberships).get(problem_id, [])


def _memberships() -> dict[int, list[Membership]]:
    """Every active entry's list and place, by problem; the place counted as
    `ListEntry.with_place` counts it: one more than the active entries before it in its list,
    so entries at one position share a place. Two queries."""
    active = ListEntry.objects.active().order_by("problem_list_id", "position")
    rows = list(active.values_list("problem_list_id", "problem_id", "position", "rank"))
    lists = ProblemList.objects.in_bulk({list_id for list_id, *_ in rows})
    found = defaultdict(list)
    for list_id, entries in groupby(rows, key=itemgetter(0)):
        place, at = 0, None
        for n, (_, problem_id, position, rank) in enumerate(entries, start=1):
            if position != at:
                place, at = n, position
            found[problem_id].append(Membership(lists[list_id], place, rank))
    for held in found.values():
        held.sort(key=lambda m: (m.problem_list.position, m.problem_list.pk))
    return dict(found)
