"""Clocks for practice sessions: the agenda a timer walks through and where it stands now.

The clock's start, pauses and end live on the model (`Timed`), so a reload or a second tab shows
the same time; static/js/timer.js only counts on from what the page says.
"""

import json
from dataclasses import dataclass

from prep.models import CodingStep, DesignStage, MockRound, Timed


@dataclass
class Timer:
    """What the page needs to show a clock: its state and the plan it walks through."""

    clock: Timed | None
    steps: list[dict]  # {"label": str, "seconds": int}

    @property
    def total_seconds(self) -> int:
        return sum(step["seconds"] for step in self.steps)

    @property
    def elapsed(self) -> int:
        return self.clock.elapsed_seconds() if self.clock else 0

    @property
    def state(self) -> str:
        if self.clock is None or self.clock.started_at is None:
            return "not-started"
        if self.clock.ended_at:
            return "ended"
        return "paused" if self.clock.is_paused else "running"

    @property
    def overtime(self) -> int:
        """Seconds past the planned total, 0 while within it."""
        if self.state == "not-started" or not self.total_seconds:
            return 0
        return max(0, self.elapsed - self.total_seconds)

    @property
    def steps_json(self) -> str:
        return json.dumps(self.steps)

    def current_index(self) -> int | None:
        if self.state == "not-started":
            return None
        at = 0
        for index, step in enumerate(self.steps):
            at += step["seconds"]
            if self.elapsed < at:
                return index
        return len(self.steps) - 1

    def rows(self) -> list[tuple[dict, int, bool]]:
        """Each step with its start minute and whether it is the current one."""
        current, start, rows = self.current_index(), 0, []
        for index, step in enumerate(self.steps):
            rows.append((step, start // 60, index == current))
            start += step["seconds"]
        return rows


def design_timer(attempt, stages: list[DesignStage]) -> Timer:
    return Timer(attempt, [{"label": s.name, "seconds": s.minutes * 60} for s in stages])


def mock_timer(mock: MockRound, problem_count: int) -> Timer:
    """The phone screen's agenda, its coding time split into the five steps of each problem."""
    steps = list(CodingStep.objects.active())
    step_minutes = sum(step.minutes for step in steps) or 1
    plan = []
    for segment in mock.level.phone_screen_segments:
        if segment.kind != "coding" or not steps or not problem_count:
            label = segment.get_kind_display()
            if segment.kind == "behavioral":
                label = f"Behavioral: {_behavioral_prompt(mock)}"
            plan.append({"label": label, "seconds": segment.minutes * 60})
            continue
        # Scale the steps' minute targets so the problems fill the segment exactly: round the
        # running total, not each step, so the rounding never adds up to extra seconds.
        per_minute = segment.minutes * 60 / (step_minutes * problem_count)
        planned, done = 0.0, 0
        for n in range(1, problem_count + 1):
            for step in steps:
                planned += step.minutes * per_minute
                seconds, done = round(planned) - done, round(planned)
                plan.append({"label": f"Problem {n}: {step.name}", "seconds": seconds})
    return Timer(mock, plan)


def _behavioral_prompt(mock: MockRound) -> str:
    if mock.story_id:
        return f"tell “{mock.story.title}”"
    if mock.focus_area_id:
        return f"a story about {mock.focus_area.name.lower()}"
    return "a story of your choice"


def apply_timer_action(clock: Timed, action: str) -> None:
    getattr(clock, action)()
    clock.save()
