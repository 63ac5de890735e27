"""The study catalogue: what a candidate can work through, curated by admins.

Every catalogue row has a natural key made of slugs, so fixtures in fixtures/ describe it without
database ids, and `load_catalog` can create, update and archive rows by that key. Rows are
archived (hidden from users), never deleted, so progress pointing at them is never lost.

What is active is decided here, once per model, and includes the row's parents: an entry of an
archived list, a chapter of an archived card or a section of an archived list is not active.
Views and readiness call `.active()` and never filter `is_archived` by hand.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse


def count_of(queryset: models.QuerySet) -> Coalesce:
    """An expression counting the rows of `queryset` (filtered on OuterRef) for each outer row:
    one correlated COUNT, so it annotates a page of rows in a single query."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted), 0)


class CatalogueQuerySet(models.QuerySet):
    """Catalogue rows; `active()` is what users see: the row and every parent not archived."""

    # Lookups from this model to each parent whose archiving hides it too.
    parents: tuple[str, ...] = ()

    def active(self):
        return self.filter(is_archived=False, **{f"{p}__is_archived": False for p in self.parents})

    # Bulk writes send no signal, so they say themselves that the catalogue changed (its version,
    # under which pages keep what only changes with it: prep/fragments.py).
    def update(self, **kwargs):
        rows = super().update(**kwargs)
        _catalogue_changed()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        # A candidate's own prompts (an import brings them) are not the catalogue's, but theirs.
        owners = {getattr(obj, "owner_id", None) for obj in created}
        if None in owners:
            _catalogue_changed()
        if owners - {None}:
            from prep.models.owned import versions_of

            versions_of(owners - {None})
        return created

    def bulk_update(self, *args, **kwargs):
        rows = super().bulk_update(*args, **kwargs)
        _catalogue_changed()
        return rows


def _catalogue_changed() -> None:
    # Imported here: the fragments build on the catalogue, not the other way round.
    from prep.fragments import catalogue_changed

    catalogue_changed()


def child_manager(parent: str, key: str = "slug") -> models.Manager:
    """The manager of rows that belong to a parent (a list's sections, a card's chapters): known
    by the parent's slug and a key of their own, and active only while the parent is."""

    class ChildQuerySet(CatalogueQuerySet):
        parents = (parent,)

    class ChildManager(models.Manager.from_queryset(ChildQuerySet)):
        def get_by_natural_key(self, parent_slug: str, value):
            return self.get(**{f"{parent}__slug": parent_slug, key: value})

    return ChildManager()


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
    """A target level, named as the guide names Meta's (E4, E5, E6), and its phone screen; the
    onsite rounds depend on the company too, so they live in `Loop`."""

    name = models.CharField(max_length=20)
    title = models.CharField(max_length=100, help_text="What the level means, e.g. Senior.")
    position = models.PositiveSmallIntegerField(default=0)
    phone_screen_problems = models.PositiveSmallIntegerField(
        default=2, help_text="Coding problems a phone screen gives, and so a mock phone screen."
    )
    phone_screen_min_problems = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Fewest coding problems a phone screen may give, where the interviewer may give "
        "fewer than the number above (E6: one or two); a mock then lets the candidate choose. "
        "Blank: always the number above.",
    )
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name and what it means: "E5, senior engineer"."""
        return f"{self.name}, {self.title[:1].lower()}{self.title[1:]}" if self.title else self.name

    @property
    def phone_screen_segments(self) -> list["PhoneScreenSegment"]:
        # Filtered in Python so a prefetched phone_screen costs no further query; else read once
        # per catalogue version.
        from prep.fragments import cached_query

        if "phone_screen" in getattr(self, "_prefetched_objects_cache", {}):
            segments = self.phone_screen.all()
        else:
            segments = cached_query(self.phone_screen.all(), key=("phone-screen", self.pk))
        return [segment for segment in segments if not segment.is_archived]

    @property
    def phone_screen_minutes(self) -> int:
        return sum(segment.minutes for segment in self.phone_screen_segments)

    @property
    def phone_screen_coding_minutes(self) -> int:
        return sum(s.minutes for s in self.phone_screen_segments if s.kind == "coding")

    @property
    def has_behavioral_phone_screen(self) -> bool:
        kinds = {segment.kind for segment in self.phone_screen_segments}
        return PhoneScreenSegment.Kind.BEHAVIORAL in kinds


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

    objects = child_manager("level", "position")

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


class LoopQuerySet(CatalogueQuerySet):
    parents = ("company", "level")

    def for_company(self, company: Company) -> dict[int, "Loop"]:
        """Each level's loop at this company, by level id: its own where one is curated, else
        the typical one (Meta's, from the guide) with `is_typical` set, so pages can say it is
        borrowed. One query."""
        loops = self.active().filter(Q(company=company) | Q(company__slug=Loop.TYPICAL_COMPANY))
        found: dict[int, Loop] = {}
        for loop in loops.select_related("company", "level"):
            if loop.company_id == company.pk or loop.level_id not in found:
                loop.is_typical = loop.company_id != company.pk
                found[loop.level_id] = loop
        return found

    def for_target(self, company: Company, level: Level) -> "Loop | None":
        """The loop a candidate targeting this company and level prepares for: one query."""
        return self.filter(level=level).for_company(company).get(level.pk)


class Loop(CatalogueItem):
    """The onsite rounds one company runs for one level. Meta's come from the guide; a company
    without a loop of its own borrows Meta's as a typical big-tech loop, and says so."""

    TYPICAL_COMPANY = "meta"

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="loops")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="loops")
    onsite_coding_rounds = models.PositiveSmallIntegerField()
    onsite_ml_design_rounds = models.PositiveSmallIntegerField()
    onsite_behavioral_rounds = models.PositiveSmallIntegerField()
    source_name = models.CharField(
        max_length=200, blank=True, help_text="Where these rounds come from, shown on the page."
    )
    source_url = models.URLField(blank=True)

    objects = SlugManager.from_queryset(LoopQuerySet)()

    # Set by `for_target` when this is Meta's loop standing in for another company's.
    is_typical = False

    class Meta:
        ordering = ["company", "level"]
        constraints = [
            models.UniqueConstraint(fields=["company", "level"], name="unique_loop_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.level}"

    @property
    def rounds(self) -> int:
        return (
            self.onsite_coding_rounds + self.onsite_ml_design_rounds + self.onsite_behavioral_rounds
        )


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


class ProblemQuerySet(CatalogueQuerySet):
    def visible_to(self, user):
        """Active problems, and archived ones the user has worked on: their status, notes,
        history and mock attempts stay theirs to read after a problem leaves the catalogue."""
        # Imported here: progress builds on the catalogue, not the other way round.
        from prep.models.practice import MockProblem
        from prep.models.progress import ProblemEvent, ProblemProgress

        mine = [
            ProblemProgress.objects.filter(user=user, problem=OuterRef("pk")),
            ProblemEvent.objects.filter(user=user, problem=OuterRef("pk")),
            MockProblem.objects.filter(mock__user=user, problem=OuterRef("pk")),
        ]
        return self.filter(
            Q(is_archived=False) | Q(Exists(mine[0])) | Q(Exists(mine[1])) | Q(Exists(mine[2]))
        )


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
    neetcode_video_id = models.CharField(
        "NeetCode video",
        max_length=11,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_-]{11}$", "A YouTube video id is 11 letters, digits, - or _."
            )
        ],
        help_text="The YouTube id of NeetCode's explanation, for problems on NeetCode's roadmap.",
    )

    objects = SlugManager.from_queryset(ProblemQuerySet)()

    class Meta:
        ordering = ["leetcode_id"]

    def __str__(self) -> str:
        return f"{self.leetcode_id}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("prep:problem-detail", args=[self.slug])

    @property
    def url(self) -> str:
        return f"https://leetcode.com/problems/{self.slug}/"

    @property
    def video_url(self) -> str:
        """NeetCode's video on the problem, or "" when there is none."""
        if not self.neetcode_video_id:
            return ""
        return f"https://www.youtube.com/watch?v={self.neetcode_video_id}"


class ProblemListQuerySet(CatalogueQuerySet):
    def active(self):
        # A list may have no company; one whose company is archived is hidden with it.
        return super().active().filter(Q(company__isnull=True) | Q(company__is_archived=False))

    def following_snapshots(self):
        """Lists filled by importing files (archived or not): `ProblemList.follows_snapshots`."""
        return self.filter(kind=ProblemList.Kind.COMPANY).exclude(window="")

    def company_lists(self):
        """Active lists of the problems a company asks, usually one per company and window."""
        return self.active().filter(kind=ProblemList.Kind.COMPANY, company__isnull=False)

    def with_as_of(self):
        """Annotate `as_of`: the date of each list's newest snapshot, None for a list that has
        none (roadmaps); the date a list's page shows as its snapshot."""
        from prep.models.snapshots import ListSnapshot

        newest = ListSnapshot.objects.filter(problem_list=OuterRef("pk")).order_by("-as_of")
        return self.annotate(
            as_of=Coalesce(Subquery(newest.values("as_of")[:1]), F("snapshot_date"))
        )

    def with_size(self):
        """Annotate `size`: how many active entries each list holds."""
        entries = ListEntry.objects.active().filter(problem_list=OuterRef("pk"))
        return self.annotate(size=count_of(entries))


class ProblemList(CatalogueItem):
    """An ordered list of problems: a roadmap, a company's frequent problems, design problems."""

    class Kind(models.TextChoices):
        ROADMAP = "roadmap", "Roadmap"
        COMPANY = "company", "Company-tagged"
        DESIGN = "design", "Class design"

    class Window(models.TextChoices):
        """The period a company list counts questions over, as the public lists name them."""

        THIRTY_DAYS = "thirty-days", "last 30 days"
        THREE_MONTHS = "three-months", "last three months"
        SIX_MONTHS = "six-months", "last six months"
        MORE_THAN_SIX_MONTHS = "more-than-six-months", "more than six months ago"
        ONE_YEAR = "one-year", "last year"
        TWO_YEARS = "two-years", "last two years"
        ALL_TIME = "all-time", "all time"

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
    window = models.CharField(
        max_length=24,
        choices=Window.choices,
        blank=True,
        help_text="For company lists imported from a file: the window the file covers.",
    )
    time_window = models.CharField(
        max_length=60, blank=True, help_text="For company lists, e.g. Last six months."
    )
    snapshot_date = models.DateField(null=True, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(blank=True)
    problems = models.ManyToManyField(Problem, through="ListEntry", related_name="lists")

    objects = SlugManager.from_queryset(ProblemListQuerySet)()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "window"],
                condition=~Q(window=""),
                name="unique_company_window",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("prep:list-detail", args=[self.slug])

    @property
    def follows_snapshots(self) -> bool:
        """A company list for a window is filled by importing files, not edited entry by entry."""
        return self.kind == ProblemList.Kind.COMPANY and bool(self.window)

    @property
    def window_short(self) -> str:
        """The window in a badge: "6 mo", "all time"."""
        return WINDOW_SHORT.get(self.window, "")


WINDOWS = ProblemList.Window.values

WINDOW_SHORT = {
    ProblemList.Window.THIRTY_DAYS: "30 days",
    ProblemList.Window.THREE_MONTHS: "3 mo",
    ProblemList.Window.SIX_MONTHS: "6 mo",
    ProblemList.Window.MORE_THAN_SIX_MONTHS: "older",
    ProblemList.Window.ONE_YEAR: "1 yr",
    ProblemList.Window.TWO_YEARS: "2 yr",
    ProblemList.Window.ALL_TIME: "all time",
}


class ListSection(models.Model):
    """A named group inside a list, such as NeetCode's Sliding Window category."""

    problem_list = models.ForeignKey(ProblemList, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=120)
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    is_archived = models.BooleanField("archived", default=False)

    objects = child_manager("problem_list")

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


class ListEntryQuerySet(CatalogueQuerySet):
    parents = ("problem", "problem_list")

    def active(self):
        # A section and a list's company are optional: archiving either hides the entry too.
        return (
            super()
            .active()
            .filter(Q(section__isnull=True) | Q(section__is_archived=False))
            .filter(
                Q(problem_list__company__isnull=True) | Q(problem_list__company__is_archived=False)
            )
        )

    def for_page(self):
        """Entries with everything a list row shows, in a fixed number of queries."""
        memberships = (
            ListEntry.objects.active()
            .select_related("problem_list__company")
            .only(
                "problem_id",
                "problem_list__slug",
                "problem_list__name",
                "problem_list__short_name",
                "problem_list__kind",
                "problem_list__window",
                "problem_list__company__name",
            )
            .order_by("problem_list__position")
        )
        return (
            self.active()
            .with_place()
            .with_news()
            .select_related("problem", "section")
            .prefetch_related(
                Prefetch("problem__topics", queryset=Topic.objects.order_by("name")),
                Prefetch("problem__entries", queryset=memberships, to_attr="memberships"),
            )
        )

    def for_rows(self):
        """Entries with just what a row needs besides its cached parts (prep/list_rows.py)."""
        return (
            self.active()
            .select_related("problem")
            .only("problem_list_id", "section_id", "position", "problem__slug", "problem__title")
        )

    def with_place(self):
        """Annotate `place`: the entry's number in its list as users see it (1, 2, 3 ...), counted
        over active entries in order, so it matches the order even after an admin reorders,
        archives or re-ranks entries."""
        before = ListEntry.objects.active().filter(
            problem_list=OuterRef("problem_list"), position__lt=OuterRef("position")
        )
        return self.annotate(place=count_of(before) + 1)

    def with_news(self):
        """Annotate `is_new`: the problem was not in the list's previous snapshot. False for a
        list with fewer than two snapshots (nothing to compare with)."""
        # Imported here: snapshots build on the catalogue, not the other way round.
        from prep.models.snapshots import ListSnapshot, SnapshotEntry

        def previous(problem_list):
            snapshots = ListSnapshot.objects.filter(problem_list=problem_list)
            return snapshots.order_by("-as_of").values("pk")[1:2]

        # Inside SnapshotEntry's subquery the entry's list is two levels out.
        was_there = SnapshotEntry.objects.filter(
            snapshot=Subquery(previous(OuterRef(OuterRef("problem_list")))),
            problem=OuterRef("problem"),
        )
        return self.annotate(is_new=Exists(previous(OuterRef("problem_list"))) & ~Exists(was_there))

    def with_progress_for(self, user, *, notes: bool = False):
        """Annotate the user's status for each entry's problem, whether they wrote notes, and
        (if asked) the notes themselves."""
        # Imported here: progress builds on the catalogue, not the other way round.
        from prep.models.progress import ProblemProgress, Status

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
    frequency_six_months = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=(
            "For a list over a longer window: how often the company asked it in the last six "
            "months, 0 to 100; empty if it was not asked then."
        ),
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

    @property
    def asked_at(self) -> list["ListEntry"]:
        """Other companies asking this problem, one membership per company, its shortest window
        first; needs `for_page()`'s memberships."""
        own = self.problem_list.company_id if self.problem_list.follows_snapshots else None
        shortest: dict[int, ListEntry] = {}
        for membership in getattr(self.problem, "memberships", []):
            pl = membership.problem_list
            if not pl.follows_snapshots or pl.company_id == own:
                continue
            best = shortest.get(pl.company_id)
            if best is None or WINDOWS.index(pl.window) < WINDOWS.index(best.problem_list.window):
                shortest[pl.company_id] = membership
        return list(shortest.values())

    @property
    def also_in(self) -> list["ListEntry"]:
        """The other roadmaps and design lists holding this problem (company lists are in
        `asked_at`); needs `for_page()`'s memberships."""
        return [
            m
            for m in getattr(self.problem, "memberships", [])
            if m.problem_list_id != self.problem_list_id and not m.problem_list.follows_snapshots
        ]

    def clean(self) -> None:
        if self.section_id and self.section.problem_list_id != self.problem_list_id:
            raise ValidationError({"section": "This section belongs to another list."})
        if self.problem_list_id and self.problem_list.follows_snapshots:
            raise ValidationError(
                f"{self.problem_list.name} follows its snapshots: import a file to change it."
            )

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

    objects = child_manager("card")

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
    covers = models.TextField(
        "what a strong answer covers",
        blank=True,
        help_text="One point per line; shown folded away on the prompt page.",
    )
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

    @property
    def covers_points(self) -> list[str]:
        """What a strong answer covers, one point per non-blank line."""
        return [line.strip() for line in self.covers.splitlines() if line.strip()]


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

    def scope_for(self, level: "Level | None") -> str:
        """The scope expected at a level, by the level's name; E5's when the level has none."""
        return dict(self.scopes).get(level.name if level else "", self.scope_e5)


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
