"""A candidate's progress: the dashboard, list pages with status controls, and the tick endpoints.

Every write endpoint works two ways: a plain form post (JavaScript off) redirects back to the page
it came from, and htmx gets the ticked control back plus out-of-band copies of whatever else on
the page the tick changed (`_after_tick` knows which page is which). On the dashboard nearly
everything depends on a tick, so there the tick answers with the dashboard's panels instead.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from prep import readiness, reviews, timers
from prep.forms import (
    CardDoneForm,
    ChapterDoneForm,
    ProblemStatusForm,
    ProgressForm,
    StageStudiedForm,
)
from prep.http import take_unsaved
from prep.list_rows import RowRenderer, counters, list_rows, memberships, with_rows
from prep.models import (
    SOLVED_STATUSES,
    CardDone,
    ChapterDone,
    DesignStage,
    LearnChapter,
    MockProblem,
    PracticePrompt,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemProgress,
    Profile,
    StageStudied,
    Status,
    record_activity,
    set_done,
)
from prep.models.owned import changes_of
from prep.views.coach import review_panel, today_panels
from prep.views.progress_context import (
    dashboard_context,
    filtered_entries,
    frequency_list,
    list_filter_form,
    list_groups,
    list_snapshots,
)
from prep.views.responses import back, bad_request, form_errors


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.for_user(request.user)
    if profile is None:
        return redirect("prep:onboarding")
    return render(request, "prep/dashboard.html", dashboard_context(request.user, profile))


@require_safe
@login_required
@vary_on_headers("HX-Request")
def list_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lists = ProblemList.objects.active().select_related("company")
    problem_list = get_object_or_404(lists, slug=slug)
    sections = list(problem_list.sections.active())
    profile = Profile.objects.filter(user=request.user).select_related("target_company").first()
    target = profile.target_company if profile else None
    rows = list_rows(problem_list)
    form = list_filter_form(request, problem_list, sections, target, recent=rows.has_recent)
    context = {"problem_list": problem_list, "form": form, "groups": [], "shown": 0}
    context.update(counters(request.user, problem_list, rows))
    status = 400
    if form.is_valid():
        entries = problem_list.entries.for_rows().with_progress_for(request.user)
        by_list = frequency_list(form, problem_list, target)
        entries = list(filtered_entries(entries, form, by_list=by_list))
        entries = with_rows(entries, problem_list, rows)
        context["groups"] = list_groups(entries, sections, form, by_list)
        context.update(by_list=by_list, shown=len(entries), rows=rows)
        context["renderer"] = RowRenderer(request, problem_list)
        status = 200
    if request.htmx and request.htmx.target == "list-body":
        # The status line outside the swapped body is updated in place, so it is announced.
        html = render_to_string("prep/list_detail.html#list-body", context, request)
        html += render_to_string("prep/list_detail.html#list-status", {**context, "oob": True})
        return HttpResponse(html, status=status)
    context.update(list_snapshots(problem_list))
    return render(request, "prep/list_detail.html", context, status=status)


def _problem(request: HttpRequest, slug: str) -> Problem:
    # Archived problems stay reachable for users who worked on them.
    problems = Problem.objects.visible_to(request.user).prefetch_related("topics")
    return get_object_or_404(problems, slug=slug)


@require_safe
@login_required
def problem_detail(request: HttpRequest, slug: str) -> HttpResponse:
    problem = _problem(request, slug)
    mine = ProblemProgress.objects.filter(user=request.user, problem=problem).first()
    unsaved = take_unsaved(request, reverse("prep:problem-progress", args=[problem.slug]))
    form = None
    if unsaved:
        form = ProgressForm(instance=mine or ProblemProgress(problem=problem), initial=unsaved)
    context = _problem_context(request, problem, mine, form)
    return render(request, "prep/problem_detail.html", {**context, "unsaved": bool(unsaved)})


def _problem_context(request, problem: Problem, mine: ProblemProgress | None, form=None) -> dict:
    return {
        "problem": problem,
        "mine": mine,
        "status": mine.status if mine else Status.NOT_STARTED,
        "form": form or ProgressForm(instance=mine or ProblemProgress(problem=problem)),
        # The lists that hold it, and its place in each: the catalogue's, kept per version.
        "memberships": memberships(problem.pk),
        "history": ProblemEvent.objects.history(request.user, problem),
        **review_panel(request.user, problem, status=mine.status if mine else None),
        "mock_attempts": MockProblem.objects.filter(
            mock__user=request.user, problem=problem, mock__is_recorded=True
        ).select_related("mock")[:20],
    }


@require_POST
@login_required
def problem_progress(request: HttpRequest, slug: str) -> HttpResponse:
    problem = _problem(request, slug)
    mine = ProblemProgress.objects.filter(user=request.user, problem=problem).first()
    form = ProgressForm(request.POST, instance=mine or ProblemProgress(problem=problem))
    if not form.is_valid():
        context = _problem_context(request, problem, mine, form)
        return render(request, "prep/problem_detail.html", context, status=400)
    with changes_of(request.user):
        locked = ProblemProgress.objects.lock(request.user, problem)
        for name in form.Meta.fields:
            setattr(locked, name, form.cleaned_data[name])
        locked.save()
        record_activity(request.user, problem)
    messages.success(request, "Saved your notes.", extra_tags=f"draft:problem:{problem.slug}")
    return redirect("prep:problem-detail", slug=problem.slug)


@require_POST
@login_required
def problem_status(request: HttpRequest) -> HttpResponse:
    form = ProblemStatusForm(request.POST)
    if not form.is_valid():
        return _status_error(request, form)
    problem, problem_list = form.cleaned_data["problem"], form.cleaned_data["list"]
    status = form.cleaned_data["status"]
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    with changes_of(request.user):
        progress = ProblemProgress.objects.lock(request.user, problem)
        changed = progress.mark(status, today=profile.today())
        if changed:
            _schedule_review(request.user, problem, status, profile)
    if not request.htmx:
        return back(request, f"#problem-{problem.slug}")
    if problem_list is not None:
        return _row_response(request, problem_list, problem, rate=changed)
    status = (
        ProblemProgress.objects.filter(user=request.user, problem=problem)
        .values_list("status", flat=True)
        .first()
    )
    context = {"problem": problem, "status": status}
    return _after_tick(request, "prep/_status_form.html", context, problem=problem)


def _schedule_review(user, problem: Problem, status: str, profile: Profile) -> None:
    """Solved makes a problem a review card, rated Good unless rated already today; Needs
    review makes its card due now."""
    if status == Status.SOLVED:
        reviews.solved(user, problem, profile=profile)
    elif status == Status.NEEDS_REVIEW:
        reviews.needs_review(user, problem, profile=profile)


def _row_response(request, problem_list: ProblemList, problem: Problem, **extra) -> HttpResponse:
    """The changed row, plus the list's and its section's counters swapped out of band."""
    entries = problem_list.entries.for_rows().with_progress_for(request.user)
    entry = get_object_or_404(entries, problem=problem)
    rows = list_rows(problem_list)
    (entry,) = with_rows([entry], problem_list, rows)
    rating = ""
    if extra.get("rate") and entry.status in SOLVED_STATUSES:
        card = reviews.next_review(request.user, problem)
        rating = render_to_string(
            "prep/_rating.html",
            {"problem": problem, "story": None, "question": None, "card": card},
            request,
        )
    renderer = RowRenderer(request, problem_list)
    html = renderer.render(entry, error=extra.get("error", ""), rating=rating)
    context = {"problem_list": problem_list, "entry": entry, **extra}
    context.update(counters(request.user, problem_list, rows))
    html += render_to_string("prep/list_detail.html#list-counters", {**context, "oob": True})
    # The list's status line is a polite live region: say what changed, and the new count.
    tally = context["tally"]
    announce = f"{problem.title} saved. {tally.solved} of {tally.total} solved on this list."
    html += render_to_string(
        "prep/list_detail.html#list-status", {"announce": announce, "oob": True}
    )
    if entry.section_id:
        context.update(section=entry.section, oob=True)
        html += render_to_string("prep/list_detail.html#section-counter", context)
    return HttpResponse(html, status=400 if extra.get("error") else 200)


def _status_error(request, form: ProblemStatusForm) -> HttpResponse:
    message = form_errors(form)
    problem, problem_list = form.cleaned_data.get("problem"), form.cleaned_data.get("list")
    in_list = problem_list is not None and not form.non_field_errors()
    if request.htmx and problem is not None and in_list:
        # The row exists on the page: say what went wrong inside it.
        return _row_response(request, problem_list, problem, error=message)
    return bad_request(request, message)


@require_POST
@login_required
def chapter_done(request: HttpRequest) -> HttpResponse:
    form = ChapterDoneForm(request.POST)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    chapter, done = form.cleaned_data["chapter"], form.cleaned_data["done"]
    set_done(ChapterDone, user=request.user, done=done, chapter=chapter)
    if not request.htmx:
        return back(request, f"#card-{chapter.card.slug}")
    context = {"chapter": chapter, "is_done": done}
    return _after_tick(request, "prep/_chapter_toggle.html", context, card_id=chapter.card_id)


@require_POST
@login_required
def card_done(request: HttpRequest) -> HttpResponse:
    form = CardDoneForm(request.POST)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    card, done = form.cleaned_data["card"], form.cleaned_data["done"]
    set_done(CardDone, user=request.user, done=done, card=card)
    if not request.htmx:
        return back(request, f"#card-{card.slug}")
    context = {"card": card, "is_done": done}
    return _after_tick(request, "prep/_card_toggle.html", context, card_id=card.pk)


@require_POST
@login_required
def stage_studied(request: HttpRequest) -> HttpResponse:
    form = StageStudiedForm(request.POST)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    stage = form.cleaned_data["stage"]
    set_done(StageStudied, user=request.user, done=form.cleaned_data["done"], stage=stage)
    if not request.htmx:
        return back(request, f"#stage-{stage.slug}")
    context = {"stage": stage, "is_done": form.cleaned_data["done"]}
    return _after_tick(request, "prep/_stage_toggle.html", context)


def _after_tick(
    request, template: str, context: dict, *, card_id: int | None = None, problem=None
) -> HttpResponse:
    """The ticked control re-rendered, plus out-of-band copies of the regions of the page it
    came from that depend on it; from the dashboard, the dashboard's panels in its place."""
    today = today_panels(request)
    if today is not None:
        return today
    page = (request.htmx.current_url_abs_path or "").split("?")[0]
    if page == reverse("prep:dashboard"):
        profile = Profile.objects.for_user(request.user)
        if profile is not None:
            panels = dashboard_context(request.user, profile)
            response = render(request, "prep/dashboard.html#dashboard-panels", panels)
            # The panels are redrawn silently; the status line outside them says so.
            response.content += render_to_string(
                "prep/dashboard.html#dashboard-status", {"oob": True}
            ).encode()
            return reswap(retarget(response, "#dashboard-panels"), "outerHTML")
    html = render_to_string(template, context, request)
    if problem is not None and page == problem.get_absolute_url():
        history = ProblemEvent.objects.history(request.user, problem)
        html += render_to_string(
            "prep/problem_detail.html#history", {"history": history, "oob": True}
        )
        panel = {"problem": problem, "oob": True, **review_panel(request.user, problem)}
        html += render_to_string("prep/problem_detail.html#reviews", panel, request)
    elif page == reverse("prep:learn-cards"):
        cards = readiness.card_progress(request.user)
        oob = {"oob": True, "cards_done": sum(c.is_done for c in cards), "cards_total": len(cards)}
        html += render_to_string("prep/learn_cards.html#cards-done", oob)
        changed = next((c for c in cards if c.card.pk == card_id), None)
        if changed is not None:
            html += render_to_string("prep/learn_cards.html#card-count", {**oob, "item": changed})
    elif page == reverse("prep:ml-design"):
        oob = {"oob": True, **_stages_studied(request.user)}
        html += render_to_string("prep/ml_design.html#stages-studied", oob)
    return HttpResponse(html)


@require_safe
@login_required
def learn_cards(request: HttpRequest) -> HttpResponse:
    cards = readiness.card_progress(request.user)
    chapters: dict[int, list] = {}
    for chapter in LearnChapter.objects.active().select_related("card"):
        chapters.setdefault(chapter.card_id, []).append(chapter)
    done = set(ChapterDone.objects.filter(user=request.user).values_list("chapter_id", flat=True))
    items = [(card, chapters.get(card.card.pk, [])) for card in cards]
    context = {
        "items": items,
        "done_chapters": done,
        "cards_done": sum(c.is_done for c in cards),
        "cards_total": len(cards),
    }
    return render(request, "prep/learn_cards.html", context)


def _stages_studied(user) -> dict:
    stages = DesignStage.objects.active()
    studied = StageStudied.objects.filter(user=user, stage__in=stages)
    return {
        "studied": set(studied.values_list("stage_id", flat=True)),
        "stages_total": stages.count(),
    }


@require_safe
@login_required
def ml_design(request: HttpRequest) -> HttpResponse:
    stages = list(DesignStage.objects.active())
    return render(
        request,
        "prep/ml_design.html",
        {
            "stages": stages,
            "round": timers.design_timer(None, stages),
            **_stages_studied(request.user),
            "prompts": PracticePrompt.objects.active().catalogue(),
            "own_prompts": PracticePrompt.objects.filter(owner=request.user),
        },
    )
