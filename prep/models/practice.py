"""Practising the rounds beyond coding drills: ML design sessions, stories, mock phone screens."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from prep.models.catalogue import Company, DesignStage, FocusArea, Level, PracticePrompt, Problem
from prep.models.owned import UserData, UserDataQuerySet
from prep.models.progress import Status


class Timed(models.Model):
    """A clock kept on the server, so a reload or a second tab shows the same time."""

    started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_running(self) -> bool:
        return self.started_at is not None and self.paused_at is None and self.ended_at is None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None and self.ended_at is None

    def elapsed_seconds(self, now=None) -> int:
        if self.started_at is None:
            return 0
        until = self.ended_at or self.paused_at or now or timezone.now()
        return max(0, int((until - self.started_at).total_seconds()) - self.paused_seconds)

    def start(self) -> None:
        if self.started_at is None:
            self.started_at = timezone.now()

    def pause(self) -> None:
        if self.is_running:
            self.paused_at = timezone.now()

    def resume(self) -> None:
        if self.is_paused:
            self.paused_seconds += int((timezone.now() - self.paused_at).total_seconds())
            self.paused_at = None

    def end(self) -> None:
        if self.ended_at is None:
            self.resume()
            self.ended_at = timezone.now()


class DesignAttemptManager(models.Manager.from_queryset(UserDataQuerySet)):
    def open_for(self, user, prompt: PracticePrompt) -> "DesignAttempt":
        """The user's open attempt at a prompt, created if there is none, locked.

        A partial unique index allows one open attempt per user and prompt; INSERT ... ON
        CONFLICT DO NOTHING means two tabs saving at once share it instead of failing.
        """
        self.bulk_create([DesignAttempt(user=user, prompt=prompt)], ignore_conflicts=True)
        return self.select_for_update().get(user=user, prompt=prompt, ended_at__isnull=True)


class DesignAttempt(UserData, Timed):
    """One practice session of a user on an ML system design prompt, stage by stage."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="design_attempts"
    )
    # RESTRICT, not PROTECT: a catalogue prompt with attempts can never be deleted, but a user's
    # own prompt goes with their account, attempts and all, in the same cascade.
    prompt = models.ForeignKey(PracticePrompt, on_delete=models.RESTRICT, related_name="attempts")
    created_at = models.DateTimeField(default=timezone.now)

    objects = DesignAttemptManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "prompt"],
                condition=Q(ended_at__isnull=True),
                name="one_open_attempt_per_prompt",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.prompt} ({self.created_at:%Y-%m-%d})"


class StageWork(UserData):
    """A user's notes, done mark and self-rating for one stage within one design attempt."""

    attempt = models.ForeignKey(DesignAttempt, on_delete=models.CASCADE, related_name="work")
    stage = models.ForeignKey(DesignStage, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True, max_length=20_000)
    is_done = models.BooleanField("done", default=False)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    owner_path = "attempt__user"
    objects = UserDataQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "stage"], name="unique_attempt_stage"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="stage_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt}: {self.stage}"


class StoryQuerySet(UserDataQuerySet):
    def complete(self):
        """Stories whose four STAR parts are written: the ones readiness and the plan count."""
        return self.exclude(situation="").exclude(task="").exclude(action="").exclude(result="")


class Story(UserData):
    """A behavioral story in the Situation, Task, Action, Result shape, plus the lesson."""

    class State(models.TextChoices):
        DRAFTED = "drafted", "Drafted"
        REHEARSED = "rehearsed", "Rehearsed"

    # A story counts towards readiness once all four are written.
    STAR_PARTS = ("situation", "task", "action", "result")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stories"
    )
    title = models.CharField(max_length=200)
    situation = models.TextField(blank=True, max_length=5_000)
    task = models.TextField(blank=True, max_length=5_000)
    action = models.TextField(blank=True, max_length=5_000)
    result = models.TextField(blank=True, max_length=5_000)
    learned = models.TextField("what I learned", blank=True, max_length=5_000)
    focus_areas = models.ManyToManyField(FocusArea, related_name="stories")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("prep:story-edit", args=[self.pk])

    @property
    def is_complete(self) -> bool:
        """All four STAR parts written (the same test as `StoryQuerySet.complete`)."""
        return all(getattr(self, part) != "" for part in self.STAR_PARTS)


class MockRound(UserData, Timed):
    """A timed mock phone screen: its problems, the plan it followed, and how it went."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mock_rounds"
    )
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_recorded = models.BooleanField(default=False)

    objects = UserDataQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user}: mock {self.level} on {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("prep:mock-detail", args=[self.pk])


class MockProblem(UserData):
    """A problem given in a mock round, and the candidate's own account of how it went."""

    class Outcome(models.TextChoices):
        UNAIDED = "unaided", "Solved unaided"
        HINTS = "hints", "Solved with hints"
        NOT_SOLVED = "not_solved", "Not solved"

    # What each outcome does to the problem's status.
    STATUS_FOR = {
        Outcome.UNAIDED: Status.SOLVED,
        Outcome.HINTS: Status.NEEDS_REVIEW,
        Outcome.NOT_SOLVED: Status.ATTEMPTED,
    }

    mock = models.ForeignKey(MockRound, on_delete=models.CASCADE, related_name="problems")
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    owner_path = "mock__user"
    objects = UserDataQuerySet.as_manager()

    class Meta:
        ordering = ["mock", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mock", "position"], name="unique_mock_position")
        ]

    def __str__(self) -> str:
        return f"{self.mock}: {self.problem.title}"
