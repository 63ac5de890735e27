"""Numbers into words: medians, ratios to the floor, verdicts on targets, tables and JSON."""

import contextlib
import json
import math
import statistics
import time
from collections.abc import Iterator, Sequence
from pathlib import Path


def summary(seconds: Sequence[float]) -> dict:
    """Median and 95th percentile (nearest rank) of timings in seconds, as milliseconds."""
    if not seconds:
        return {"n": 0, "median_ms": None, "p95_ms": None}
    ordered = sorted(seconds)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
    }


def ratio(value: float | None, floor: float | None) -> float | None:
    """How many times the floor a value is; None when either is missing or the floor is 0."""
    if value is None or not floor:
        return None
    return round(value / floor, 1)


def verdict(value: float | None, target: float | None) -> str:
    """The verdict on a figure against a target (a ceiling): "met", "NOT met", or "" when the
    page has no target."""
    if target is None:
        return ""
    if value is None:
        return "NOT met"
    return "met" if value <= target else "NOT met"


def times(value: float | None) -> str:
    return "" if value is None else f"{value:g}x"


def ms(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def kb(value: int | None) -> str:
    return "" if value is None else f"{value / 1024:.1f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table with padded columns: readable in a terminal, pasteable in the README.
    Columns whose header ends in a number-like unit are right-aligned."""
    cells = [[str(c) for c in headers], *[["" if c is None else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [i > 0 and _is_numeric_column(cells[1:], i) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        padded = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(row, widths, numeric, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = [
        ("-" * (w - 1) + ":") if right else "-" * w
        for w, right in zip(widths, numeric, strict=True)
    ]
    return "\n".join([line(cells[0]), "| " + " | ".join(rule) + " |", *map(line, cells[1:])])


def _is_numeric_column(rows: list[list[str]], i: int) -> bool:
    values = [row[i].rstrip("x") for row in rows if row[i]]
    try:
        [float(v) for v in values]
    except ValueError:
        return False
    return bool(values)


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")


@contextlib.contextmanager
def database_time() -> Iterator[list[float]]:
    """Seconds spent in the database per request: append 0.0 to the yielded list before each
    request, and the queries that follow add their time to it."""
    from django.db import connection

    spent: list[float] = []

    def clock(execute, statement, params, many, context):
        start = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            spent[-1] += time.perf_counter() - start

    with connection.execute_wrapper(clock):
        yield spent
