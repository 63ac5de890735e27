"""A realistic candidate for the benchmark, made through the app's own code paths.

Ticks go through `ProblemProgress.mark` and the review scheduler exactly as the tick view calls
them, so the history, review cards, reviews and activity rows are the ones a real candidate
leaves; only their dates are moved into the past afterwards, so reviews fall due and the heatmap
has weeks to show.
"""

from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from prep import mocks, reviews
from prep.models import (
    Activity,
    ChapterDone,
    Company,
    DesignAttempt,
    DesignStage,
    FocusArea,
    LearnChapter,
    Level,
    ListEntry,
    PracticePrompt,
    ProblemEvent,
    ProblemProgress,
    Profile,
    ShareLink,
    StageStudied,
    StageWork,
    Status,
    Story,
    record_activity,
    set_done,
)

LIST_SLUG = "neetcode-150"
# Problems ticked back and forth by the benchmark: two for part A (htmx, plain), then one per
# client thread in part B for each kind of tick, so no two clients ever tick the same problem.
TICK_PROBLEMS = 2 + 2 * 8
DESIGN_NOTES = (
    "Goal: more follows that lead to engagement. About 200M daily users; candidates from the "
    "follow graph and embeddings, then a ranker for P(follow) and P(engage | follow)."
)


@dataclass
class Seeded:
    """What the benchmark needs to know about the candidate it made."""

    username: str
    password: str
    token: str
    list_slug: str
    problem_slug: str
    prompt_slug: str
    tick_slugs: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def seed_candidate(
    username: str = "bench", password: str = "bench-password-1234", *, solved: int = 100
) -> Seeded:
    """A candidate aiming at Meta E5, about `solved` problems solved over eight weeks, with
    Learn chapters, stages, stories, a design session, a recorded mock and a share link."""
    user = get_user_model().objects.create_user(username, password=password)
    profile = Profile.objects.create(
        user=user,
        target_company=Company.objects.get(slug="meta"),
        target_level=Level.objects.get(slug="e5"),
        hours_per_week=10,
        time_zone="Europe/London",
        interview_date=timezone.localdate() + timedelta(days=42),
    )
    entries = list(
        ListEntry.objects.active()
        .filter(problem_list__slug=LIST_SLUG)
        .select_related("problem")
        .order_by("position")
    )
    worked = entries[: solved + 15]
    for n, entry in enumerate(worked):
        _work_on(user, profile, entry.problem, n, solved)
    for chapter in LearnChapter.objects.active().filter(card__position__lte=4):
        set_done(ChapterDone, user=user, done=True, chapter=chapter)
    for stage in DesignStage.objects.active()[:3]:
        set_done(StageStudied, user=user, done=True, stage=stage)
    _stories(user, profile)
    prompt = PracticePrompt.objects.active().catalogue().first()
    _design_sessions(user, prompt)
    _mock(user, profile)
    link = ShareLink(user=user, shows_notes=True, shows_design_notes=True, shows_stories=True)
    token = link.issue()
    solved_slugs = [e.problem.slug for n, e in enumerate(worked) if _status(n, solved) == "solved"]
    return Seeded(
        username=username,
        password=password,
        token=token,
        list_slug=LIST_SLUG,
        problem_slug=solved_slugs[0],
        prompt_slug=prompt.slug,
        tick_slugs=solved_slugs[1 : 1 + TICK_PROBLEMS],
        counts=counts_for(user),
    )


def _status(n: int, solved: int) -> str:
    """The status of the n-th problem worked on: mostly solved, a few shaky or set aside."""
    if n >= solved:
        return Status.ATTEMPTED if n % 3 else Status.SKIPPED
    return Status.NEEDS_REVIEW if n % 9 == 4 else Status.SOLVED


@transaction.atomic
def _work_on(user, profile: Profile, problem, n: int, solved: int) -> None:
    # Every fourth problem was attempted a few days before it was solved: a longer history.
    status = _status(n, solved)
    when = timezone.now() - timedelta(days=1 + (n * 11) % 56, hours=n % 7)
    progress = ProblemProgress.objects.lock(user, problem)
    if n % 4 == 0 and status != Status.ATTEMPTED:
        progress.mark(Status.ATTEMPTED, today=(when - timedelta(days=3)).date())
    progress.mark(status, today=when.date())
    if status == Status.SOLVED:
        reviews.solved(user, problem, profile=profile, now=when)
    elif status == Status.NEEDS_REVIEW:
        reviews.needs_review(user, problem, profile=profile)
    ProblemEvent.objects.filter(user=user, problem=problem).update(created_at=when)
    Activity.objects.filter(user=user, item=f"problem:{problem.pk}").update(at=when)


def _stories(user, profile: Profile) -> None:
    areas = list(FocusArea.objects.active())
    for n in range(4):
        story = Story.objects.create(
            user=user,
            title=f"Story {n + 1}: a migration that slipped",
            situation="Two teams needed different schemas for one feature store.",
            task="Get both onto one store before the quarter ended.",
            action="Wrote the shared schema, ran both in shadow for two weeks, moved traffic.",
            result="Both teams moved; training-serving skew bugs dropped to none that quarter.",
            learned="Agree on the contract before the code.",
        )
        story.focus_areas.set(areas[n * 2 : n * 2 + 2])
        record_activity(user, story)
        if n < 2:
            story.state = Story.State.REHEARSED
            story.save(update_fields=["state"])
            reviews.rehearsed(user, story, profile=profile)


def _design_sessions(user, prompt: PracticePrompt) -> None:
    stages = list(DesignStage.objects.active())
    # One finished session with every stage written up, and one open with two stages done.
    for done, ended in ((len(stages), True), (2, False)):
        with transaction.atomic():
            attempt = DesignAttempt.objects.open_for(user, prompt)
            attempt.start()
            attempt.started_at -= timedelta(minutes=40 if ended else 12)
            if ended:
                attempt.end()
            attempt.save()
            StageWork.objects.bulk_create(
                StageWork(attempt=attempt, stage=stage, notes=DESIGN_NOTES, is_done=True, rating=4)
                for stage in stages[:done]
            )
            record_activity(user, prompt)


def _mock(user, profile: Profile) -> None:
    mock = mocks.start_mock(user, profile)
    outcomes = ["unaided", "hints", "not_solved"]
    data = {}
    for item in mock.problems.all():
        data[f"outcome_{item.position}"] = outcomes[item.position % len(outcomes)]
        data[f"minutes_{item.position}"] = 18
    mocks.record_mock(mock, data)


def counts_for(user) -> dict[str, int]:
    """How many rows of each kind the candidate has: what the seeding says it makes."""
    return {
        "solved": ProblemProgress.objects.filter(user=user, status=Status.SOLVED).count(),
        "progress": ProblemProgress.objects.filter(user=user).count(),
        "events": ProblemEvent.objects.filter(user=user).count(),
        "review_cards": user.review_cards.count(),
        "activity": Activity.objects.filter(user=user).count(),
        "chapters": ChapterDone.objects.filter(user=user).count(),
        "stages_studied": StageStudied.objects.filter(user=user).count(),
        "stories": Story.objects.filter(user=user).count(),
        "design_sessions": DesignAttempt.objects.filter(user=user).count(),
        "mocks": user.mock_rounds.filter(is_recorded=True).count(),
        "share_links": ShareLink.objects.active().filter(user=user).count(),
    }
