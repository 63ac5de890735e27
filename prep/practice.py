"""The domain of practice sessions: timer schedules, picking mock problems, recording outcomes.

Views stay thin: they validate input and call these functions inside a transaction.
"""

import json
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from prep.models import (
    SOLVED_STATUSES,
    CodingStep,
    DesignStage,
    FocusArea,
    ListEntry,
    MockProblem,
    MockRound,
    Problem,
    ProblemList,
    ProblemProgress,
    Profile,
    Story,
    Timed,
)

MOCK_PROBLEMS = 2


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


def _candidates(user, profile: Profile, exclude: list[int]):
    """Easy and medium problems from the company's lists that the user has not solved."""
    solved = ProblemProgress.objects.filter(
        user=user, problem=OuterRef("pk"), status__in=SOLVED_STATUSES
    )
    on_lists = ListEntry.objects.active().filter(
        problem=OuterRef("pk"),
        problem_list__is_archived=False,
        problem_list__company=profile.target_company,
        problem_list__kind=ProblemList.Kind.COMPANY,
    )
    return (
        Problem.objects.active()
        .filter(
            Exists(on_lists), difficulty__in=[Problem.Difficulty.EASY, Problem.Difficulty.MEDIUM]
        )
        .exclude(Exists(solved))
        .exclude(pk__in=exclude)
    )


def _pick(queryset, count: int) -> list[int]:
    ids = list(queryset.values_list("pk", flat=True))
    return random.sample(ids, min(count, len(ids)))


@transaction.atomic
def start_mock(user, profile: Profile) -> MockRound:
    level = profile.target_level
    mock = MockRound(user=user, level=level, company=profile.target_company)
    if level.has_behavioral_phone_screen:
        # Practise a gap first: a focus area with no story yet; otherwise one of the stories.
        covered = Story.focus_areas.through.objects.filter(story__user=user).values("focusarea_id")
        gaps = list(FocusArea.objects.active().exclude(pk__in=covered))
        stories = list(Story.objects.filter(user=user))
        if gaps:
            mock.focus_area = random.choice(gaps)
        elif stories:
            mock.story = random.choice(stories)
    mock.start()
    mock.save()
    picked = _pick(_candidates(user, profile, []), MOCK_PROBLEMS)
    MockProblem.objects.bulk_create(
        MockProblem(mock=mock, problem_id=pk, position=n) for n, pk in enumerate(picked, 1)
    )
    return mock


@transaction.atomic
def reroll(mock: MockRound, position: int) -> bool:
    """Swap the problem at a position for another unsolved one; False if none is left."""
    # Re-checked under the lock: a mock recorded a moment ago keeps the problems it recorded.
    if MockRound.objects.select_for_update().get(pk=mock.pk).is_recorded:
        return False
    item = MockProblem.objects.select_for_update().filter(mock=mock, position=position).first()
    if item is None:
        return False
    profile = Profile(target_company=mock.company, target_level=mock.level)
    taken = list(mock.problems.values_list("problem_id", flat=True))
    picked = _pick(_candidates(mock.user, profile, taken), 1)
    if not picked:
        return False
    item.problem_id = picked[0]
    item.save()
    return True


@transaction.atomic
def record_mock(mock: MockRound, data: dict) -> None:
    """Store each problem's outcome and minutes, and move the problems' statuses to match."""
    mock = MockRound.objects.select_for_update().get(pk=mock.pk)
    if mock.is_recorded:
        return
    for item in mock.problems.select_related("problem"):
        item.outcome = data[f"outcome_{item.position}"]
        item.minutes = data[f"minutes_{item.position}"]
        item.save()
        progress = ProblemProgress.objects.lock(mock.user, item.problem)
        progress.minutes_spent += item.minutes
        progress.last_practised_on = timezone.localdate()
        if not progress.mark(MockProblem.STATUS_FOR[item.outcome]):
            progress.save()  # Same status as before: the minutes and date still count.
    mock.end()
    mock.is_recorded = True
    mock.save()


def coverage_grid(stories: list[Story], areas: list[FocusArea]) -> list[tuple]:
    """Rows of (area, [(story, tagged?) ...], rehearsed count, drafted count)."""
    rows = []
    for area in areas:
        cells = [(story, area in story.focus_areas.all()) for story in stories]
        tagged = [story for story, hit in cells if hit]
        rehearsed = sum(1 for story in tagged if story.state == Story.State.REHEARSED)
        rows.append((area, cells, rehearsed, len(tagged) - rehearsed))
    return rows
