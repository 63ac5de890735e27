"""Dated snapshots of company lists: what a company asked, as one file said on one day.

A company list (Google, last six months) is refreshed by importing a newer file. Each import is a
snapshot, kept for good; the list's entries are the newest snapshot's problems, so the list page,
ticks and readiness read them as they read any list. Older snapshots stay viewable and say what
changed, and nobody's progress moves when a list does: progress belongs to problems, not lists.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from prep.models.catalogue import Problem, ProblemList


class ListSnapshotQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-as_of", "-pk")


class ListSnapshot(models.Model):
    """One import of a company list: the file's date, where it came from, and its problems."""

    problem_list = models.ForeignKey(
        ProblemList, on_delete=models.CASCADE, related_name="snapshots"
    )
    as_of = models.DateField("as of", help_text="The day the source took this snapshot.")
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_rows = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many problems the whole file held, before the cut."
    )
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the snapshot shipped with the catalogue.",
    )
    from_fixtures = models.BooleanField(
        default=False, help_text="Shipped with the catalogue rather than imported here."
    )

    objects = ListSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["problem_list", "-as_of"]
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(fields=["problem_list", "as_of"], name="unique_snapshot_date")
        ]

    def __str__(self) -> str:
        return f"{self.problem_list.name}, {self.as_of:%-d %B %Y}"

    def dropped_since(self, earlier: "ListSnapshot") -> list["SnapshotEntry"]:
        """The entries of `earlier` whose problem this snapshot no longer holds, by their old
        rank; a problem the catalogue archived is left out, as everywhere. One query."""
        return list(
            earlier.entries.filter(problem__in=Problem.objects.active())
            .exclude(problem__in=self.entries.values("problem"))
            .select_related("problem")
        )


class SnapshotEntry(models.Model):
    """A problem in a snapshot, with its rank and frequency on that day."""

    snapshot = models.ForeignKey(ListSnapshot, on_delete=models.CASCADE, related_name="entries")
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField()
    frequency = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["snapshot", "rank"]
        verbose_name_plural = "snapshot entries"
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "problem"], name="unique_snapshot_problem")
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.problem.title}"
