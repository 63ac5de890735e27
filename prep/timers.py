"""Clocks for practice sessions: the agenda a timer walks through and where it stands now.

The clock's start, pauses and end live on the model (`Timed`), so a reload or a second tab shows
the same time; static/js/timer.js only counts on from what the page says.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.sessions.backends.base import SessionBase

from prep.models import CodingStep, DesignStage, MockRound, Story, Timed

# A clock this short shows its steps' starts as 0:30, not as whole minutes.
SHORT_SECONDS = 10 * 60

# Rehearsing a behavioral answer: about three minutes, most of it on what you did. A guide to
# pace against, not a limit: interviewers ask follow-up questions when they want more.
REHEARSAL_STEPS = [
    {"label": "Situation", "seconds": 30},
    {"label": "Task", "seconds": 20},
    {"label": "Action", "seconds": 90},
    {"label": "Result and what you learned", "seconds": 40},
]


@dataclass
class Timer:
    """What the page needs to show a clock: its state and the plan it walks through."""

    clock: "Timed | SessionClock | None"
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
    def is_short(self) -> bool:
        return self.total_seconds < SHORT_SECONDS

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

    def rows(self) -> list[tuple[dict, str, bool]]:
        """Each step with when it starts ("12 min", or "0:30" on a short clock) and whether it
        is the current one."""
        current, start, rows = self.current_index(), 0, []
        for index, step in enumerate(self.steps):
            starts = f"{start // 60}:{start % 60:02d}" if self.is_short else f"{start // 60} min"
            rows.append((step, starts, index == current))
            start += step["seconds"]
        return rows


# An ML system design round lasts 45 minutes (the guide) but the guide gives it no agenda. Our
# suggested split follows its coding round: 5 minutes of introduction first and 5 for the
# candidate's own questions last, leaving the stages' suggested minutes (35 in the catalogue).
DESIGN_INTRO = {"label": "Introduction", "seconds": 5 * 60}
DESIGN_QUESTIONS = {"label": "Your questions for the interviewer", "seconds": 5 * 60}


def design_timer(attempt, stages: list[DesignStage]) -> Timer:
    """The round's clock: the introduction, each stage for its suggested minutes, then the
    candidate's questions."""
    plan = [{"label": s.name, "seconds": s.minutes * 60} for s in stages]
    return Timer(attempt, [DESIGN_INTRO, *plan, DESIGN_QUESTIONS])


def mock_timer(mock: MockRound, problem_count: int) -> Timer:
    """The phone screen's agenda in whole minutes, its coding part shared among the problems and
    each problem's minutes among the coding steps, in proportion to their targets."""
    steps = list(CodingStep.objects.active())
    plan = []
    for segment in mock.level.phone_screen_segments:
        if segment.kind != "coding" or not steps or not problem_count:
            label = segment.get_kind_display()
            if segment.kind == "behavioral":
                label = f"Behavioral: {_behavioral_prompt(mock)}"
            plan.append({"label": label, "seconds": segment.minutes * 60})
            continue
        for n, minutes in enumerate(problem_minutes(segment.minutes, problem_count), 1):
            shares = whole_minutes(minutes, [step.minutes for step in steps])
            plan += [
                {"label": f"Problem {n}: {step.name}", "seconds": share * 60}
                for step, share in zip(steps, shares, strict=True)
                if share
            ]
    return Timer(mock, plan)


def problem_minutes(coding_minutes: int, problem_count: int) -> list[int]:
    """A coding part's minutes per problem: 35 for two is 18 and 17."""
    return whole_minutes(coding_minutes, [1] * problem_count)


def whole_minutes(total: int, weights: list[int]) -> list[int]:
    """`total` minutes shared in proportion to `weights`, in whole minutes that add up to it
    exactly: each share is rounded down, and the minutes left over go to the largest remainders
    (the earlier share on a tie). A share rounded down to nothing takes a minute from the
    largest one while there are enough minutes to go round."""
    if not weights:
        return []
    if not any(weights):
        weights = [1] * len(weights)
    weight = sum(weights)
    shares = [total * w // weight for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % weight))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    if total >= len(shares):
        for i in [i for i, share in enumerate(shares) if not share]:
            shares[shares.index(max(shares))] -= 1
            shares[i] = 1
    return shares


def _behavioral_prompt(mock: MockRound) -> str:
    if mock.story_id:
        return f"tell “{mock.story.title}”"
    if mock.focus_area_id:
        return f"a story about {mock.focus_area.name.lower()}"
    return "a story of your choice"


@dataclass
class SessionClock:
    """A clock kept in the user's session instead of a row: rehearsing a story needs no
    history, only a clock that survives a reload. The arithmetic is `Timed`'s own."""

    session: SessionBase = field(repr=False)
    key: str
    started_at: datetime | None = None
    paused_at: datetime | None = None
    paused_seconds: int = 0
    ended_at: datetime | None = None

    is_running = Timed.is_running
    is_paused = Timed.is_paused
    elapsed_seconds = Timed.elapsed_seconds
    start = Timed.start
    pause = Timed.pause
    resume = Timed.resume
    end = Timed.end

    MOMENTS = ("started_at", "paused_at", "ended_at")

    @classmethod
    def load(cls, session: SessionBase, key: str) -> "SessionClock":
        saved = session.get(key) or {}
        moments = {
            name: datetime.fromisoformat(saved[name]) for name in cls.MOMENTS if saved.get(name)
        }
        return cls(session, key, paused_seconds=saved.get("paused_seconds", 0), **moments)

    def save(self) -> None:
        saved = {
            name: getattr(self, name).isoformat() for name in self.MOMENTS if getattr(self, name)
        }
        self.session[self.key] = {**saved, "paused_seconds": self.paused_seconds}

    def forget(self) -> None:
        self.session.pop(self.key, None)


def rehearsal_clock(session: SessionBase, story: Story) -> SessionClock:
    return SessionClock.load(session, f"rehearsal:{story.pk}")


def rehearsal_timer(clock: SessionClock) -> Timer:
    return Timer(clock, REHEARSAL_STEPS)


def apply_timer_action(clock: Timed, action: str) -> None:
    getattr(clock, action)()
    clock.save()
