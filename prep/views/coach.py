"""Today, the plan to the interview, and rating reviews.

Today is the first page a signed-in candidate sees: the day's share of the plan and the reviews
due, each tickable in place. Both pages are computed afresh from what is left, every time.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from prep import coach, reviews
from prep.forms import ReviewRatingForm
from prep.models import (
    BreadthQuestion,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemProgress,
    Profile,
    Rating,
    Status,
    Story,
)
from prep.models.owned import changes_of
from prep.views.breadth import breadth_review_panel
from prep.views.responses import back, bad_request, form_errors

# review_panel's `status` when the caller has not read the problem's progress row.
UNREAD = object()


def review_panel(user, problem: Problem, status: str | object | None = UNREAD) -> dict:
    """The problem's review card, whether its reviews are paused (the problem was set back to
    Not started or Skipped), and its history, for the problem page: three queries, two when
    the caller passes the status of the problem's progress row (None: it has none)."""
    card = reviews.next_review(user, problem)
    if card is None:
        return {"card": None, "card_history": [], "paused": False}
    if status is UNREAD:
        mine = ProblemProgress.objects.filter(user=user, problem=problem)
        status = mine.values_list("status", flat=True).first()
    statuses = {problem.pk: status} if status is not None else {}
    paused = not coach.active_cards([card], statuses)
    return {"card": card, "card_history": reviews.history(card)[:20], "paused": paused}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "prep/landing.html")
    profile = Profile.objects.for_user(request.user)
    if profile is None:
        return redirect("prep:onboarding")
    return render(request, "prep/today.html", today_context(request.user, profile))


def today_context(user, profile: Profile) -> dict:
    return {"profile": profile, "coach": coach.coach_for(user, profile)}


@require_safe
@login_required
def plan_page(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.for_user(request.user)
    if profile is None:
        return redirect("prep:onboarding")
    context = today_context(request.user, profile)
    context.update(
        left_out=coach.left_out_by_track(context["coach"].plan),
        own_after=coach.OWN_MINUTES_AFTER,
        times={
            "chapter": coach.CHAPTER_MINUTES,
            "stage": coach.STAGE_MINUTES,
            "session": coach.DESIGN_SESSION_MINUTES,
            "write": coach.STORY_WRITE_MINUTES,
            "rehearse": coach.STORY_REHEARSE_MINUTES,
            "mock_review": coach.MOCK_REVIEW_MINUTES,
        },
    )
    return render(request, "prep/plan.html", context)


def today_panels(request: HttpRequest) -> HttpResponse | None:
    """Today's panels in place of the page's, for a change made on Today; None elsewhere."""
    page = (request.htmx.current_url_abs_path or "").split("?")[0]
    if page != reverse("prep:home"):
        return None
    profile = Profile.objects.for_user(request.user)
    if profile is None:
        return None
    context = today_context(request.user, profile)
    html = render_to_string("prep/today.html#today-panels", context, request)
    html += render_to_string("prep/today.html#announce", {**context, "oob": True}, request)
    return reswap(retarget(HttpResponse(html), "#today-panels"), "outerHTML")


@require_POST
@login_required
@vary_on_headers("HX-Request")
def review_rate(request: HttpRequest) -> HttpResponse:
    form = ReviewRatingForm(request.POST)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    problem, story_id = form.cleaned_data["problem"], form.cleaned_data["story"]
    question = form.cleaned_data["question"]
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    if problem is not None:
        # Archived problems stay rateable for those who worked on them, like their pages.
        get_object_or_404(Problem.objects.visible_to(request.user), pk=problem.pk)
        subject = problem
    elif question is not None:
        # So do archived questions, for those who answered or reviewed them.
        visible = BreadthQuestion.objects.visible_to(request.user).select_related("topic")
        subject = question = get_object_or_404(visible, pk=question.pk)
    else:
        subject = get_object_or_404(Story, pk=story_id, user=request.user)
    changed = False
    with changes_of(request.user):
        if problem is not None:
            # The progress row before the card, in the order every writer takes them, so a
            # rating and a status tick at once queue up instead of deadlocking.
            changed = _after_rating(request.user, problem, form.grade, profile)
            card = reviews.problem_card(request.user, problem, today=profile.today())
        elif question is not None:
            card = reviews.question_card(request.user, question, today=profile.today())
        else:
            card = reviews.story_card(request.user, subject, today=profile.today())
        reviews.rate(card, form.grade, profile=profile)
    if not request.htmx:
        return back(request, "#" + _rating_id(problem, question, subject))
    if request.htmx.target == "problem-reviews" and problem is not None:
        panel = {"problem": problem, **review_panel(request.user, problem)}
        html = render_to_string("prep/problem_detail.html#reviews", panel, request)
        if changed:  # The rating moved the status: the page's status and history follow.
            html += problem_status_oob(request, problem)
        return HttpResponse(html)
    if request.htmx.target == "question-reviews" and question is not None:
        panel = {"question": question, **breadth_review_panel(request.user, question)}
        return render(request, "prep/breadth_detail.html#reviews", panel)
    if changed and (row := _list_row(request, problem)) is not None:
        return row  # The rating moved the status: the whole row follows, counters and all.
    kind = {"problem": problem, "story": None, "question": question}
    if problem is None and question is None:
        kind["story"] = subject
    context = {"card": card, "rated": True, **kind}
    return today_panels(request) or render(request, "prep/_rating.html", context)


def _rating_id(problem: Problem | None, question: BreadthQuestion | None, subject) -> str:
    """The id of a rating form on the page, as prep/_rating.html gives it."""
    if problem is not None:
        return f"rate-{problem.slug}"
    if question is not None:
        return f"rate-question-{question.slug}"
    return f"rate-story-{subject.pk}"


def _list_row(request: HttpRequest, problem: Problem) -> HttpResponse | None:
    """The problem's row of the list page the rating came from, or None elsewhere."""
    # Imported here: the progress views import this module for Today's panels.
    from prep.views.progress import _row_response

    try:
        match = resolve((request.htmx.current_url_abs_path or "").split("?")[0])
    except Resolver404:
        return None
    if match.view_name != "prep:list-detail":
        return None
    problem_list = ProblemList.objects.active().filter(slug=match.kwargs["slug"]).first()
    if problem_list is None or not problem_list.entries.active().filter(problem=problem):
        return None
    response = _row_response(request, problem_list, problem, rate=True)
    return reswap(retarget(response, f"#problem-{problem.slug}"), "outerHTML")


def _after_rating(user, problem: Problem, grade: int, profile: Profile) -> bool:
    """A rating says the problem was attempted; a good enough one clears Needs review. True if
    the status changed."""
    progress = ProblemProgress.objects.lock(user, problem)
    if progress.status in (Status.NOT_STARTED, Status.SKIPPED):
        return progress.mark(Status.ATTEMPTED, today=profile.today())
    if progress.status == Status.NEEDS_REVIEW and grade != Rating.AGAIN:
        return progress.mark(Status.SOLVED, today=profile.today())
    return False


def problem_status_oob(request: HttpRequest, problem: Problem) -> str:
    """The problem page's status control and history, to swap in out of band."""
    status = (
        ProblemProgress.objects.filter(user=request.user, problem=problem)
        .values_list("status", flat=True)
        .first()
    )
    history = ProblemEvent.objects.history(request.user, problem)
    context = {"problem": problem, "status": status, "history": history, "oob": True}
    return render_to_string(
        "prep/problem_detail.html#status-control", context, request
    ) + render_to_string("prep/problem_detail.html#history", context, request)
