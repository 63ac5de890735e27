"""A candidate's own data: their target, their work on problems, and what they have ticked off."""

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from prep.models.catalogue import (
    Company,
    DesignStage,
    LearnCard,
    LearnChapter,
    Level,
    Problem,
)
from prep.models.coach import record_activity
from prep.models.owned import UserData, UserDataQuerySet, new_version


class ProfileQuerySet(models.QuerySet):
    def for_user(self, user) -> "Profile | None":
        """The user's profile with its company and level, or None. The level's phone screen is
        read once per catalogue version (Level.phone_screen_segments): prefetching it cost a
        query, and a millisecond, on every page."""
        return self.select_related("target_company", "target_level").filter(user=user).first()

    # Every write to a profile is a change of the candidate's data (prep/models/owned.py),
    # beyond their practice log too.
    def update(self, **kwargs):
        if "data_version" not in kwargs:  # else it is prep/models/owned.py giving a new one
            kwargs.update(data_version=new_version(), rest_version=new_version())
            _changed(None)
        return super().update(**kwargs)

    update.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        for profile in objs:
            profile.data_version, profile.rest_version = new_version(), new_version()
        fields = [*{*fields, "data_version", "rest_version"}]
        _changed({profile.user_id for profile in objs})
        return super().bulk_update(objs, fields, *args, **kwargs)


def _changed(user_ids) -> None:
    from prep.fragments import user_data_changed

    user_data_changed(user_ids)


class Profile(models.Model):
    """A candidate's target: which company and level they interview for, and when."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    target_company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    target_level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    interview_date = models.DateField(null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text="An IANA time zone name; it decides when the candidate's day starts.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Replaced by every write to the candidate's rows, in the same transaction: pages keep what
    # they work out from those rows under it (prep/models/owned.py).
    data_version = models.CharField(max_length=32, default=new_version, editable=False)
    # Replaced by every write but those to their practice log (a status tick's): what pages
    # work out from the rest of their rows alone is kept under it.
    rest_version = models.CharField(max_length=32, default=new_version, editable=False)

    objects = ProfileQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user}: {self.target_company} {self.target_level}"

    def save(self, *args, **kwargs):
        self.data_version, self.rest_version = new_version(), new_version()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "data_version", "rest_version"}
        super().save(*args, **kwargs)
        _changed({self.user_id})

    # Planning assumes this many hours a week until the candidate says how many they have.
    DEFAULT_HOURS_PER_WEEK = 8

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def today(self) -> date:
        """Today's date where the candidate is."""
        return timezone.localdate(timezone=self.zone)

    @property
    def weekly_hours(self) -> int:
        return self.hours_per_week or self.DEFAULT_HOURS_PER_WEEK

    def days_left(self, today: date | None = None) -> int | None:
        if self.interview_date is None:
            return None
        return (self.interview_date - (today or self.today())).days


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ATTEMPTED = "attempted", "Attempted"
    SOLVED = "solved", "Solved"
    NEEDS_REVIEW = "needs_review", "Needs review"
    SKIPPED = "skipped", "Skipped"


# A problem counts towards readiness once the candidate has solved it, shaky or not.
SOLVED_STATUSES = (Status.SOLVED, Status.NEEDS_REVIEW)


class ProblemProgressQuerySet(UserDataQuerySet):
    def statuses(self, user, problem_ids) -> dict[int, str]:
        rows = self.filter(user=user, problem_id__in=problem_ids)
        return dict(rows.values_list("problem_id", "status"))


class ProblemProgressManager(models.Manager.from_queryset(ProblemProgressQuerySet)):
    def lock(self, user, problem: Problem) -> "ProblemProgress":
        """The user's row for a problem, created if missing, locked until the transaction ends.

        INSERT ... ON CONFLICT DO NOTHING first, so two concurrent first clicks can never create
        two rows or fail on the unique constraint; then the row lock serialises the updates.
        """
        self.bulk_create([ProblemProgress(user=user, problem=problem)], ignore_conflicts=True)
        return self.select_for_update().get(user=user, problem=problem)


class ProblemProgress(UserData):
    """One candidate's work on one problem, shared by every list that holds the problem."""

    in_practice_log = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_progress"
    )
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    first_solved_on = models.DateField(null=True, blank=True)
    last_practised_on = models.DateField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    minutes_spent = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True, max_length=20_000)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProblemProgressManager()

    class Meta:
        verbose_name_plural = "problem progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "problem"], name="unique_user_problem"),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=1, confidence__lte=5),
                name="confidence_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.problem.title} ({self.get_status_display()})"

    def mark(self, status: str, *, today: date | None = None) -> bool:
        """Move to a new status, recording it in the history; False if nothing changed.
        `today` is the candidate's date, where they are (the server's by default)."""
        if status == self.status:
            return False
        today = today or timezone.localdate()
        ProblemEvent.objects.create(
            user_id=self.user_id, problem_id=self.problem_id, old_status=self.status, status=status
        )
        if status not in (Status.NOT_STARTED, Status.SKIPPED):
            # Setting a problem aside is not work on it; the heatmap does not count it.
            record_activity(self.user_id, Problem(pk=self.problem_id))
        self.status = status
        if status != Status.NOT_STARTED:
            self.last_practised_on = today
        if status == Status.SOLVED and self.first_solved_on is None:
            self.first_solved_on = today
        self.save()
        return True


class ProblemEventQuerySet(UserDataQuerySet):
    def history(self, user, problem, limit: int = 50):
        """The user's latest status changes on a problem, newest first: its page's history."""
        return self.filter(user=user, problem=problem)[:limit]


class ProblemEvent(UserData):
    """A status change of a problem by a candidate: the problem's history and recent activity."""

    in_practice_log = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_events"
    )
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")
    old_status = models.CharField(max_length=20, choices=Status.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ProblemEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "problem", "-created_at"]),
            # A candidate's latest changes (the dashboard's recent activity, Today's work of the
            # day) straight from the index, not through all their history (make bench-scale).
            models.Index(fields=["user", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.problem} {self.old_status} -> {self.status}"


class ChapterDone(UserData):
    """A Learn card chapter a candidate has finished."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chapters_done"
    )
    chapter = models.ForeignKey(LearnChapter, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    objects = UserDataQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter"], name="unique_user_chapter")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.chapter}"


class CardDone(UserData):
    """A Learn card ticked as a whole, for cards without chapter data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards_done"
    )
    card = models.ForeignKey(LearnCard, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    objects = UserDataQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="unique_user_card")]

    def __str__(self) -> str:
        return f"{self.user}: {self.card}"


class StageStudied(UserData):
    """An ML system design stage a candidate has studied (practice on prompts is kept apart)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stages_studied"
    )
    stage = models.ForeignKey(DesignStage, on_delete=models.PROTECT, related_name="+")
    studied_at = models.DateTimeField(default=timezone.now)

    objects = UserDataQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stages studied"
        constraints = [models.UniqueConstraint(fields=["user", "stage"], name="unique_user_stage")]

    def __str__(self) -> str:
        return f"{self.user}: {self.stage}"


def set_done(model: type[models.Model], *, user, done: bool, **item) -> None:
    """Tick or untick a done-or-not item (chapter, card, stage); repeating either is harmless."""
    if done:
        model.objects.bulk_create([model(user=user, **item)], ignore_conflicts=True)
        record_activity(user, *item.values())
    else:
        model.objects.filter(user=user, **item).delete()
