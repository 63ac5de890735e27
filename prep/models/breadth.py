"""ML breadth: a bank of fundamentals questions a candidate answers in their own notes.

This goes beyond the guide, which covers the ML system design round and not the breadth
questions many loops also ask: the topics, questions and what a good answer covers are our own
suggestion, and the pages say so. The questions are catalogue rows, synced from
fixtures/breadth.json like the rest; the answers are the candidate's own, and each question they
rate becomes a review card (prep/reviews.py) that comes back on Today.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

from prep.models.catalogue import CatalogueItem, CatalogueQuerySet, SlugManager
from prep.models.coach import ReviewCard
from prep.models.owned import UserData, UserDataQuerySet


class BreadthTopic(CatalogueItem):
    """A group of breadth questions, such as Metrics or Recommendation and retrieval."""

    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class BreadthQuestionQuerySet(CatalogueQuerySet):
    parents = ("topic",)

    def visible_to(self, user):
        """Active questions, and archived ones the user answered or reviews: their notes and
        history stay theirs to read after a question leaves the bank."""
        answered = BreadthAnswer.objects.filter(user=user, question=OuterRef("pk"))
        carded = ReviewCard.objects.filter(user=user, question=OuterRef("pk"))
        active = Q(is_archived=False, topic__is_archived=False)
        return self.filter(active | Q(Exists(answered)) | Q(Exists(carded)))

    def with_answers_for(self, user):
        """Annotate `is_answered` (the user wrote notes on it) and `due_on` (when its review
        card is next due, None without one): one query for any number of questions."""
        mine = BreadthAnswer.objects.filter(user=user, question=OuterRef("pk")).exclude(notes="")
        card = ReviewCard.objects.filter(user=user, question=OuterRef("pk"))
        return self.annotate(is_answered=Exists(mine), due_on=Subquery(card.values("due_on")[:1]))


class BreadthQuestion(CatalogueItem):
    """One breadth question, with the points a good answer covers and where to read more."""

    topic = models.ForeignKey(BreadthTopic, on_delete=models.PROTECT, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120, help_text="A short name, shown in lists and on Today.")
    question = models.TextField(help_text="The question as an interviewer might ask it.")
    hints = models.TextField(
        "what a good answer covers", blank=True, help_text="One point per line."
    )
    source_name = models.CharField(
        max_length=200, blank=True, help_text="Somewhere to read more, shown as further reading."
    )
    source_url = models.URLField(blank=True)

    objects = SlugManager.from_queryset(BreadthQuestionQuerySet)()

    class Meta:
        ordering = ["topic__position", "position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("prep:breadth-detail", args=[self.slug])

    @property
    def hint_items(self) -> list[str]:
        return [line.strip() for line in self.hints.splitlines() if line.strip()]


class BreadthAnswerManager(models.Manager.from_queryset(UserDataQuerySet)):
    def lock(self, user, question: BreadthQuestion) -> "BreadthAnswer":
        """The user's answer to a question, created if missing, locked until the transaction
        ends. INSERT ... ON CONFLICT DO NOTHING first, so two first saves share one row."""
        self.bulk_create([BreadthAnswer(user=user, question=question)], ignore_conflicts=True)
        return self.select_for_update().get(user=user, question=question)


class BreadthAnswer(UserData):
    """A candidate's own notes on one breadth question."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="breadth_answers"
    )
    question = models.ForeignKey(BreadthQuestion, on_delete=models.PROTECT, related_name="answers")
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BreadthAnswerManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.question}"
