"""Companies: where a candidate's solved problems count across every company, and a company
list's past snapshots."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from prep import readiness
from prep.companies import PRIMARY_MIN_PROBLEMS
from prep.models import ProblemList, ProblemProgress, Profile, SnapshotEntry, Status


@require_safe
@login_required
def company_coverage(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.filter(user=request.user).select_related("target_company").first()
    target = profile.target_company if profile else None
    rows = readiness.coverage_for(request.user, target)
    rows.sort(key=lambda row: (not row.is_target, -row.tally.fraction, row.company.position))
    context = {"rows": rows, "target": target, "minimum": PRIMARY_MIN_PROBLEMS}
    return render(request, "prep/companies.html", context)


@require_safe
@login_required
def list_snapshot(request: HttpRequest, slug: str, as_of: str) -> HttpResponse:
    lists = ProblemList.objects.company_lists().select_related("company")
    problem_list = get_object_or_404(lists, slug=slug)
    try:
        day = datetime.date.fromisoformat(as_of)
    except ValueError:
        raise Http404("No snapshot of that date.") from None
    snapshots = list(problem_list.snapshots.newest_first())
    snapshot = next((s for s in snapshots if s.as_of == day), None)
    if snapshot is None:
        raise Http404("No snapshot of that date.")
    earlier = snapshots[snapshots.index(snapshot) + 1 :]
    before = earlier[0] if earlier else None
    # A problem the catalogue archived is hidden here as everywhere.
    entries = list(snapshot.entries.filter(problem__is_archived=False).select_related("problem"))
    was = {}
    if before is not None:
        was = dict(SnapshotEntry.objects.filter(snapshot=before).values_list("problem_id", "rank"))
    statuses = ProblemProgress.objects.statuses(request.user, [e.problem_id for e in entries])
    labels = dict(Status.choices)
    rows = [
        {
            "entry": e,
            "status": labels[statuses.get(e.problem_id, Status.NOT_STARTED)],
            "was": was.get(e.problem_id),
            "is_new": before is not None and e.problem_id not in was,
        }
        for e in entries
    ]
    context = {
        "problem_list": problem_list,
        "snapshot": snapshot,
        "before": before,
        "is_current": snapshot is snapshots[0],
        "rows": rows,
        "dropped": snapshot.dropped_since(before) if before else [],
        "snapshots": snapshots,
    }
    return render(request, "prep/list_snapshot.html", context)
