"""Mock phone screens: how many problems one holds, picking them from the target company's list,
swapping one, and recording how each went.

Views stay thin: they validate input and call these functions, each one transaction.
"""

import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef

from prep import reviews
from prep.companies import primary_list
from prep.models import (
    SOLVED_STATUSES,
    FocusArea,
    Level,
    ListEntry,
    MockProblem,
    MockRound,
    Problem,
    ProblemProgress,
    Profile,
    Story,
    record_activity,
)
from prep.models.owned import changes_of
from prep.timers import problem_minutes

NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six"]


@dataclass
class ProblemChoice:
    """A number of problems a mock's coding part may hold, and each one's minutes."""

    count: int
    minutes: list[int]
    is_default: bool = False

    @property
    def number(self) -> str:
        """The count as a sentence spells it: "two"."""
        return NUMBER_WORDS[self.count] if self.count < len(NUMBER_WORDS) else str(self.count)

    @property
    def label(self) -> str:
        """What the count is of: "two problems"."""
        return f"{self.number} problem{'' if self.count == 1 else 's'}"

    @property
    def split(self) -> str:
        """Each problem's minutes: "18 and 17 min"."""
        if len(self.minutes) < 2:
            return f"{sum(self.minutes)} min"
        return f"{', '.join(map(str, self.minutes[:-1]))} and {self.minutes[-1]} min"


def problem_choices(level: Level) -> list[ProblemChoice]:
    """The numbers of problems a mock at this level may hold, from its data: the phone screen's
    own number, or a range where the interviewer may give fewer (at E6, one or two in 25
    minutes) and the candidate picks. The level's own number is the default."""
    most = level.phone_screen_problems
    fewest = level.phone_screen_min_problems or most
    coding = level.phone_screen_coding_minutes
    return [
        ProblemChoice(count, problem_minutes(coding, count), count == most)
        for count in range(min(fewest, most), most + 1)
    ]


def _candidates(user, profile: Profile, exclude: list[int]):
    """Easy and medium problems from the company's primary list (else the roadmaps) that the
    user has not solved."""
    solved = ProblemProgress.objects.filter(
        user=user, problem=OuterRef("pk"), status__in=SOLVED_STATUSES
    )
    primary = primary_list(profile.target_company)
    # A company with no list yet: practise from the roadmaps instead of an empty draw.
    lists = {"problem_list": primary} if primary else {"problem_list__kind": "roadmap"}
    on_lists = ListEntry.objects.active().filter(problem=OuterRef("pk"), **lists)
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


def start_mock(user, profile: Profile, problems: int | None = None) -> MockRound:
    """A new mock at the candidate's level, its clock running, with `problems` problems (the
    level's number unless given; fewer when fewer are left to draw)."""
    with changes_of(user):
        level = profile.target_level
        mock = MockRound(user=user, level=level, company=profile.target_company)
        if level.has_behavioral_phone_screen:
            # Practise a gap first: a focus area with no story yet; otherwise one of the stories.
            whole = Story.objects.complete().filter(user=user)
            covered = Story.focus_areas.through.objects.filter(story__in=whole).values(
                "focusarea_id"
            )
            gaps = list(FocusArea.objects.active().exclude(pk__in=covered))
            stories = list(Story.objects.filter(user=user))
            if gaps:
                mock.focus_area = random.choice(gaps)
            elif stories:
                mock.story = random.choice(stories)
        mock.start()
        mock.save()
        count = level.phone_screen_problems if problems is None else problems
        picked = _pick(_candidates(user, profile, []), count)
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


def record_mock(mock: MockRound, data: dict) -> None:
    """Store each problem's outcome and minutes, and move the problems' statuses to match."""
    with changes_of(mock.user_id):
        mock = MockRound.objects.select_for_update().get(pk=mock.pk)
        if mock.is_recorded:
            return
        profile = Profile.objects.filter(user=mock.user).first() or Profile(user=mock.user)
        record_activity(mock.user, mock)
        for item in mock.problems.select_related("problem"):
            item.outcome = data[f"outcome_{item.position}"]
            item.minutes = data[f"minutes_{item.position}"]
            item.save()
            progress = ProblemProgress.objects.lock(mock.user, item.problem)
            progress.minutes_spent += item.minutes
            progress.last_practised_on = profile.today()
            if not progress.mark(MockProblem.STATUS_FOR[item.outcome], today=profile.today()):
                progress.save()  # Same status as before: the minutes and date still count.
            reviews.mock_outcome(mock.user, item.problem, item.outcome, profile=profile)
        mock.end()
        mock.is_recorded = True
        mock.save()
