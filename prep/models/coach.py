"""The coach's memory: review cards and their reviews, and a log of what a candidate worked on.

A review card's schedule is not stored as FSRS state: `prep/reviews.py` replays the card's
reviews through the scheduler whenever it is rated, so the reviews are the one source of truth and
a card's `due_on` is what that replay (or a Needs review tick) last said.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from prep.models.owned import UserData, UserDataQuerySet


class Rating(models.IntegerChoices):
    """How an attempt went, in FSRS's four grades (the values are FSRS's own)."""

    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class ReviewCard(UserData):
    """Something a candidate reviews on a spaced schedule: a problem they solved, a story, or an
    ML breadth question."""

    in_practice_log = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    problem = models.ForeignKey(
        "prep.Problem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    story = models.ForeignKey(
        "prep.Story", on_delete=models.CASCADE, null=True, blank=True, related_name="review_cards"
    )
    question = models.ForeignKey(
        "prep.BreadthQuestion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_cards",
    )
    due_on = models.DateField(help_text="The day it is next due, in the candidate's time zone.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = UserDataQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(problem__isnull=False, story__isnull=True, question__isnull=True)
                | Q(problem__isnull=True, story__isnull=False, question__isnull=True)
                | Q(problem__isnull=True, story__isnull=True, question__isnull=False),
                name="review_card_one_subject",
            ),
            models.UniqueConstraint(
                fields=["user", "problem"],
                condition=Q(problem__isnull=False),
                name="one_review_card_per_problem",
            ),
            models.UniqueConstraint(
                fields=["user", "story"],
                condition=Q(story__isnull=False),
                name="one_review_card_per_story",
            ),
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(question__isnull=False),
                name="one_review_card_per_question",
            ),
        ]
        indexes = [models.Index(fields=["user", "due_on"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject} due {self.due_on}"

    @property
    def subject(self):
        return self.problem or self.story or self.question


class Review(UserData):
    """One rated attempt at a review card; a card has at most one per day."""

    in_practice_log = True

    class Source(models.TextChoices):
        RATED = "rated", "Rated"
        SOLVED = "solved", "Marked solved"
        MOCK = "mock", "Mock phone screen"
        REHEARSED = "rehearsed", "Marked rehearsed"

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.RATED)
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewed_on = models.DateField(help_text="The day of the review, in the candidate's time zone.")
    due_on = models.DateField(help_text="When this review scheduled the next one.")

    owner_path = "card__user"
    objects = UserDataQuerySet.as_manager()

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["card", "reviewed_on"], name="one_review_per_day"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="review_rating_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card}: {self.get_rating_display()} on {self.reviewed_on}"


class Activity(UserData):
    """A moment a candidate worked on one item (a problem, chapter, stage, prompt, story, mock):
    what the activity heatmap counts, distinct items per day in the candidate's time zone."""

    in_practice_log = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity"
    )
    item = models.CharField(max_length=40, help_text="Kind and id, such as problem:12.")
    at = models.DateTimeField(default=timezone.now)

    objects = UserDataQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "activity"
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.item} at {self.at:%Y-%m-%d %H:%M}"


def record_activity(user, *items: models.Model) -> None:
    """Log that the user (or user id) worked on these items just now: one query."""
    user_id, now = getattr(user, "pk", user), timezone.now()
    Activity.objects.bulk_create(
        [Activity(user_id=user_id, item=f"{i._meta.model_name}:{i.pk}", at=now) for i in items]
    )
