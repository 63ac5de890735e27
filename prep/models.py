"""The study catalogue: what a candidate can work through, curated by admins.

Every catalogue row has a natural key made of slugs, so fixtures in fixtures/ describe it without
database ids, and `load_catalog` can create, update and archive rows by that key. Rows are
archived (hidden from users), never deleted, so progress pointing at them is never lost.
"""

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone


class CatalogueQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_archived=False)


class SlugManager(models.Manager.from_queryset(CatalogueQuerySet)):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class CatalogueItem(models.Model):
    """Shared shape of catalogue rows that are known by a slug."""

    slug = models.SlugField(max_length=120, unique=True)
    is_archived = models.BooleanField(
        "archived",
        default=False,
        help_text="Archived items are hidden from users but kept for their progress.",
    )

    objects = SlugManager()

    class Meta:
        abstract = True

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Company(CatalogueItem):
    """A company whose interview loop a candidate can target."""

    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class Level(CatalogueItem):
    """A target level (E4, E5, E6) and the onsite rounds its loop holds."""

    name = models.CharField(max_length=20)
    title = models.CharField(max_length=100, help_text="What the level means, e.g. Senior.")
    position = models.PositiveSmallIntegerField(default=0)
    onsite_coding_rounds = models.PositiveSmallIntegerField()
    onsite_ml_design_rounds = models.PositiveSmallIntegerField()
    onsite_behavioral_rounds = models.PositiveSmallIntegerField()
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_screen_segments(self) -> list["PhoneScreenSegment"]:
        # Filtered in Python so a prefetched phone_screen costs no further query.
        return [segment for segment in self.phone_screen.all() if not segment.is_archived]

    @property
    def phone_screen_minutes(self) -> int:
        return sum(segment.minutes for segment in self.phone_screen_segments)

    @property
    def has_behavioral_phone_screen(self) -> bool:
        kinds = {segment.kind for segment in self.phone_screen_segments}
        return PhoneScreenSegment.Kind.BEHAVIORAL in kinds


class PhoneScreenSegmentManager(models.Manager):
    def get_by_natural_key(self, level_slug: str, position: int):
        return self.get(level__slug=level_slug, position=position)


class PhoneScreenSegment(models.Model):
    """One timed part of a level's phone screen, e.g. 35 minutes of coding."""

    class Kind(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        CODING = "coding", "Coding"
        BEHAVIORAL = "behavioral", "Behavioral"
        QUESTIONS = "questions", "Questions for the interviewer"

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="phone_screen")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    minutes = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    is_archived = models.BooleanField("archived", default=False)

    objects = PhoneScreenSegmentManager()

    class Meta:
        ordering = ["level", "position"]
        constraints = [
            models.UniqueConstraint(fields=["level", "position"], name="unique_segment_position")
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.minutes} min {self.get_kind_display().lower()}"

    def natural_key(self) -> tuple[str, int]:
        return (self.level.slug, self.position)

    natural_key.dependencies = ["prep.level"]


class CodingStep(CatalogueItem):
    """One step of the structured approach to a coding problem, with its minute target."""

    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField()
    description = models.TextField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Topic(CatalogueItem):
    """A LeetCode topic tag such as Hash Table or Sliding Window."""

    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Problem(CatalogueItem):
    """A LeetCode problem; one row however many lists hold it."""

    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        MEDIUM = "medium", "Medium"
        HARD = "hard", "Hard"

    leetcode_id = models.PositiveIntegerField("LeetCode number", unique=True)
    title = models.CharField(max_length=200)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    is_premium = models.BooleanField(
        "premium", default=False, help_text="Needs a LeetCode Premium subscription."
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="problems")

    class Meta:
        ordering = ["leetcode_id"]

    def __str__(self) -> str:
        return f"{self.leetcode_id}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("prep:problem-detail", args=[self.slug])

    @property
    def url(self) -> str:
        return f"https://leetcode.com/problems/{self.slug}/"


class ProblemList(CatalogueItem):
    """An ordered list of problems: a roadmap, a company's frequent problems, design problems."""

    class Kind(models.TextChoices):
        ROADMAP = "roadmap", "Roadmap"
        COMPANY = "company", "Company-tagged"
        DESIGN = "design", "Class design"

    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=40, help_text="Shown on badges, e.g. Blind 75.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="problem_lists"
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Place along the study path; lower comes first."
    )
    description = models.TextField(blank=True)
    time_window = models.CharField(
        max_length=60, blank=True, help_text="For company lists, e.g. Last six months."
    )
    snapshot_date = models.DateField(null=True, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(blank=True)
    problems = models.ManyToManyField(Problem, through="ListEntry", related_name="lists")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("prep:list-detail", args=[self.slug])


class ListSectionManager(models.Manager):
    def get_by_natural_key(self, list_slug: str, slug: str):
        return self.get(problem_list__slug=list_slug, slug=slug)


class ListSection(models.Model):
    """A named group inside a list, such as NeetCode's Sliding Window category."""

    problem_list = models.ForeignKey(ProblemList, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=120)
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    is_archived = models.BooleanField("archived", default=False)

    objects = ListSectionManager()

    class Meta:
        ordering = ["problem_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["problem_list", "slug"], name="unique_section_slug")
        ]

    def __str__(self) -> str:
        return f"{self.problem_list.short_name}: {self.name}"

    def natural_key(self) -> tuple[str, str]:
        return (self.problem_list.slug, self.slug)

    natural_key.dependencies = ["prep.problemlist"]


class ListEntryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_archived=False, problem__is_archived=False)

    def for_page(self):
        """Entries with everything a list row shows, in a fixed number of queries."""
        memberships = (
            ListEntry.objects.filter(is_archived=False, problem_list__is_archived=False)
            .select_related("problem_list")
            .only("problem_id", "problem_list__slug", "problem_list__short_name")
            .order_by("problem_list__position")
        )
        return (
            self.active()
            .select_related("problem", "section")
            .prefetch_related(
                Prefetch("problem__topics", queryset=Topic.objects.order_by("name")),
                Prefetch("problem__entries", queryset=memberships, to_attr="memberships"),
            )
        )

    def with_progress_for(self, user, *, notes: bool = False):
        """Annotate the user's status for each entry's problem, whether they wrote notes, and
        (if asked) the notes themselves."""
        mine = ProblemProgress.objects.filter(user=user, problem=OuterRef("problem"))
        entries = self.annotate(
            status=Coalesce(Subquery(mine.values("status")[:1]), Value(Status.NOT_STARTED.value)),
            has_notes=Exists(mine.exclude(notes="")),
        )
        if notes:
            entries = entries.annotate(notes=Subquery(mine.values("notes")[:1]))
        return entries


class ListEntryManager(models.Manager.from_queryset(ListEntryQuerySet)):
    def get_by_natural_key(self, list_slug: str, problem_slug: str):
        return self.get(problem_list__slug=list_slug, problem__slug=problem_slug)


class ListEntry(models.Model):
    """A problem's place in a list: its position, section, and rank or frequency if known."""

    problem_list = models.ForeignKey(ProblemList, on_delete=models.CASCADE, related_name="entries")
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="entries")
    section = models.ForeignKey(
        ListSection, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    position = models.PositiveIntegerField()
    rank = models.PositiveIntegerField(null=True, blank=True)
    frequency = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="How often the company asked it in the list's window, 0 to 100.",
    )
    is_archived = models.BooleanField("archived", default=False)

    objects = ListEntryManager()

    class Meta:
        ordering = ["problem_list", "position"]
        verbose_name_plural = "list entries"
        constraints = [
            models.UniqueConstraint(fields=["problem_list", "problem"], name="unique_list_problem")
        ]

    def __str__(self) -> str:
        return f"{self.problem_list.short_name} #{self.position}: {self.problem.title}"

    def natural_key(self) -> tuple[str, str]:
        return (self.problem_list.slug, self.problem.slug)

    def clean(self) -> None:
        if self.section_id and self.section.problem_list_id != self.problem_list_id:
            raise ValidationError({"section": "This section belongs to another list."})

    natural_key.dependencies = ["prep.problemlist", "prep.problem", "prep.listsection"]


class LearnCard(CatalogueItem):
    """A LeetCode Explore Learn card, in study-path order."""

    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"https://leetcode.com/explore/learn/card/{self.slug}/"


class LearnChapterManager(models.Manager):
    def get_by_natural_key(self, card_slug: str, slug: str):
        return self.get(card__slug=card_slug, slug=slug)


class LearnChapter(models.Model):
    """A chapter of a Learn card."""

    card = models.ForeignKey(LearnCard, on_delete=models.CASCADE, related_name="chapters")
    slug = models.SlugField(max_length=120)
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()
    leetcode_path = models.CharField(
        max_length=120,
        blank=True,
        help_text="The chapter's path inside the card, e.g. 521/introduction.",
    )
    is_archived = models.BooleanField("archived", default=False)

    objects = LearnChapterManager()

    class Meta:
        ordering = ["card", "position"]
        constraints = [models.UniqueConstraint(fields=["card", "slug"], name="unique_chapter_slug")]

    def __str__(self) -> str:
        return f"{self.card}: {self.name}"

    def natural_key(self) -> tuple[str, str]:
        return (self.card.slug, self.slug)

    natural_key.dependencies = ["prep.learncard"]

    @property
    def url(self) -> str:
        return f"{self.card.url}{self.leetcode_path}/" if self.leetcode_path else self.card.url


class DesignStage(CatalogueItem):
    """One of the seven stages of an ML system design answer, with our guidance."""

    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField(help_text="Suggested share of a 45-minute round.")
    summary = models.CharField(max_length=300)
    guidance = models.TextField()
    checklist = models.TextField(help_text="One item to cover per line.")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class PracticePromptQuerySet(CatalogueQuerySet):
    def catalogue(self):
        return self.filter(owner__isnull=True)

    def visible_to(self, user):
        """The catalogue's prompts, and the user's own private ones."""
        return self.filter(Q(owner__isnull=True, is_archived=False) | Q(owner=user))


class PracticePromptManager(models.Manager.from_queryset(PracticePromptQuerySet)):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class PracticePrompt(CatalogueItem):
    """An ML system design question to practise the seven stages on; a user's own if owned."""

    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=1000)
    brief = models.TextField()
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_prompts",
        help_text="Empty for catalogue prompts; set for a prompt a user wrote for themselves.",
    )

    objects = PracticePromptManager()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("prep:prompt-detail", args=[self.slug])


class FocusArea(CatalogueItem):
    """A behavioral focus area, what it probes, and the scope expected at each level."""

    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField()
    probes = models.TextField(help_text="What the interviewer is trying to learn.")
    example_questions = models.TextField(blank=True, help_text="One question per line.")
    scope_e4 = models.TextField("scope at E4")
    scope_e5 = models.TextField("scope at E5")
    scope_e6 = models.TextField("scope at E6")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def example_question_list(self) -> list[str]:
        return [line.strip() for line in self.example_questions.splitlines() if line.strip()]

    @property
    def scopes(self) -> list[tuple[str, str]]:
        return [("E4", self.scope_e4), ("E5", self.scope_e5), ("E6", self.scope_e6)]


class Resource(CatalogueItem):
    """A recommended preparation resource, with a link."""

    class Kind(models.TextChoices):
        PRACTICE = "practice", "Coding practice"
        BOOK = "book", "Book"
        READING = "reading", "Reading"
        MOCK = "mock", "Mock interviews"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    url = models.URLField()
    description = models.TextField()
    is_paid = models.BooleanField("paid", default=False)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


# --- A candidate's own data -------------------------------------------------------------------


class Profile(models.Model):
    """A candidate's target: which company and level they interview for, and when."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    target_company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    target_level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    interview_date = models.DateField(null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.target_company} {self.target_level}"

    def days_left(self, today: date | None = None) -> int | None:
        if self.interview_date is None:
            return None
        return (self.interview_date - (today or timezone.localdate())).days


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ATTEMPTED = "attempted", "Attempted"
    SOLVED = "solved", "Solved"
    NEEDS_REVIEW = "needs_review", "Needs review"
    SKIPPED = "skipped", "Skipped"


# A problem counts towards readiness once the candidate has solved it, shaky or not.
SOLVED_STATUSES = (Status.SOLVED, Status.NEEDS_REVIEW)


class ProblemProgressQuerySet(models.QuerySet):
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


class ProblemProgress(models.Model):
    """One candidate's work on one problem, shared by every list that holds the problem."""

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

    def mark(self, status: str) -> bool:
        """Move to a new status, recording it in the history; False if nothing changed."""
        if status == self.status:
            return False
        today = timezone.localdate()
        ProblemEvent.objects.create(
            user_id=self.user_id, problem_id=self.problem_id, old_status=self.status, status=status
        )
        self.status = status
        if status != Status.NOT_STARTED:
            self.last_practised_on = today
        if status == Status.SOLVED and self.first_solved_on is None:
            self.first_solved_on = today
        self.save()
        return True


class ProblemEvent(models.Model):
    """A status change of a problem by a candidate: the problem's history and recent activity."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_events"
    )
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")
    old_status = models.CharField(max_length=20, choices=Status.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "problem", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.problem} {self.old_status} -> {self.status}"


class ChapterDone(models.Model):
    """A Learn card chapter a candidate has finished."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chapters_done"
    )
    chapter = models.ForeignKey(LearnChapter, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter"], name="unique_user_chapter")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.chapter}"


class CardDone(models.Model):
    """A Learn card ticked as a whole, for cards without chapter data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards_done"
    )
    card = models.ForeignKey(LearnCard, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="unique_user_card")]

    def __str__(self) -> str:
        return f"{self.user}: {self.card}"


class StageStudied(models.Model):
    """An ML system design stage a candidate has studied (practice on prompts is kept apart)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stages_studied"
    )
    stage = models.ForeignKey(DesignStage, on_delete=models.PROTECT, related_name="+")
    studied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "stages studied"
        constraints = [models.UniqueConstraint(fields=["user", "stage"], name="unique_user_stage")]

    def __str__(self) -> str:
        return f"{self.user}: {self.stage}"


def set_done(model: type[models.Model], *, user, done: bool, **item) -> None:
    """Tick or untick a done-or-not item (chapter, card, stage); repeating either is harmless."""
    if done:
        model.objects.bulk_create([model(user=user, **item)], ignore_conflicts=True)
    else:
        model.objects.filter(user=user, **item).delete()


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(token_hash__isnull=False).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def find(self, token: str) -> "ShareLink | None":
        """The active link for a token, or None; the hashes are compared in constant time."""
        if not isinstance(token, str) or len(token) != SHARE_TOKEN_LENGTH:
            return None
        digest = _token_digest(token)
        for link in self.active().filter(token_prefix=token[:SHARE_PREFIX_LENGTH]):
            if hmac.compare_digest(link.token_hash, digest):
                return link
        return None


# secrets.token_urlsafe(32): 32 random bytes, 256 bits, as 43 URL-safe characters.
SHARE_TOKEN_BYTES = 32
SHARE_TOKEN_LENGTH = 43
SHARE_PREFIX_LENGTH = 8


def _token_digest(token: str) -> str:
    # A fast hash is enough: the token has 256 bits of entropy, so there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class ShareLink(models.Model):
    """A candidate's read-only link for a mentor; only a hash of its token is stored."""

    class Expiry(models.IntegerChoices):
        NEVER = 0, "Never"
        WEEK = 7, "After 7 days"
        MONTH = 30, "After 30 days"
        QUARTER = 90, "After 90 days"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_link"
    )
    token_prefix = models.CharField(max_length=SHARE_PREFIX_LENGTH, blank=True, db_index=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    expiry_days = models.PositiveSmallIntegerField(choices=Expiry.choices, default=Expiry.NEVER)
    created_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    shows_notes = models.BooleanField("show my problem notes", default=False)
    shows_design_notes = models.BooleanField("show my ML design write-ups", default=False)
    shows_stories = models.BooleanField("show my behavioral stories", default=False)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)

    objects = ShareLinkQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Share link of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.token_hash is not None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @property
    def is_expired(self) -> bool:
        return self.token_hash is not None and not self.is_active

    def issue(self) -> str:
        """Give the link a new token, which stops the old one at once; returns the token."""
        token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
        now = timezone.now()
        self.token_prefix = token[:SHARE_PREFIX_LENGTH]
        self.token_hash = _token_digest(token)
        self.created_at = now
        self.expires_at = now + timedelta(days=self.expiry_days) if self.expiry_days else None
        self.last_opened_at = None
        self.open_count = 0
        self.save()
        return token

    def revoke(self) -> None:
        self.token_prefix = ""
        self.token_hash = None
        self.expires_at = None
        self.save()

    def set_expiry(self, days: int) -> None:
        self.expiry_days = days
        if self.created_at and self.token_hash:
            self.expires_at = timezone.now() + timedelta(days=days) if days else None

    def record_visit(self) -> None:
        # One UPDATE with F(), so simultaneous visits are all counted.
        ShareLink.objects.filter(pk=self.pk).update(
            open_count=F("open_count") + 1, last_opened_at=timezone.now()
        )


# --- Practising the other rounds --------------------------------------------------------------


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


class DesignAttemptManager(models.Manager):
    def open_for(self, user, prompt: PracticePrompt) -> "DesignAttempt":
        """The user's open attempt at a prompt, created if there is none, locked.

        A partial unique index allows one open attempt per user and prompt; INSERT ... ON
        CONFLICT DO NOTHING means two tabs saving at once share it instead of failing.
        """
        self.bulk_create([DesignAttempt(user=user, prompt=prompt)], ignore_conflicts=True)
        return self.select_for_update().get(user=user, prompt=prompt, ended_at__isnull=True)


class DesignAttempt(Timed):
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


class StageWork(models.Model):
    """A user's notes, done mark and self-rating for one stage within one design attempt."""

    attempt = models.ForeignKey(DesignAttempt, on_delete=models.CASCADE, related_name="work")
    stage = models.ForeignKey(DesignStage, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True, max_length=20_000)
    is_done = models.BooleanField("done", default=False)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(auto_now=True)

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


class Story(models.Model):
    """A behavioral story in the Situation, Task, Action, Result shape, plus the lesson."""

    class State(models.TextChoices):
        DRAFTED = "drafted", "Drafted"
        REHEARSED = "rehearsed", "Rehearsed"

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

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("prep:story-edit", args=[self.pk])


class MockRound(Timed):
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

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user}: mock {self.level} on {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("prep:mock-detail", args=[self.pk])


class MockProblem(models.Model):
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

    class Meta:
        ordering = ["mock", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mock", "position"], name="unique_mock_position")
        ]

    def __str__(self) -> str:
        return f"{self.mock}: {self.problem.title}"
