"""A candidate's progress: the dashboard, list pages with status controls, and the tick endpoints.

Every write endpoint works two ways: htmx swaps the changed row and its counters in place, and a
plain form post (JavaScript off) redirects back to the page it came from.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from prep import readiness
from prep.forms import (
    CardDoneForm,
    ChapterDoneForm,
    ListFilterForm,
    ProblemStatusForm,
    ProgressForm,
    StageStudiedForm,
)
from prep.models import (
    CardDone,
    ChapterDone,
    DesignStage,
    LearnChapter,
    ListEntry,
    MockProblem,
    MockRound,
    PhoneScreenSegment,
    PracticePrompt,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemProgress,
    Profile,
    StageStudied,
    Status,
    Topic,
    set_done,
)

PROGRESS_CHANGED = "progress-changed"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "prep/landing.html")
    profile = _profile(request.user)
    if profile is None:
        return redirect("prep:onboarding")
    return render(request, "prep/dashboard.html", _dashboard_context(request.user, profile))


def _profile(user) -> Profile | None:
    segments = PhoneScreenSegment.objects.filter(is_archived=False)
    return (
        Profile.objects.select_related("target_company", "target_level")
        .prefetch_related(Prefetch("target_level__phone_screen", queryset=segments))
        .filter(user=user)
        .first()
    )


def _readiness_context(user, profile: Profile, cards=None) -> dict:
    """What the dashboard's readiness panel needs, on the page or swapped in after a tick."""
    return {
        "profile": profile,
        "level": profile.target_level,
        "readiness": readiness.readiness_for(user, profile, cards),
        "weights": readiness.CODING_WEIGHTS,
    }


def _dashboard_context(
    user, profile: Profile, list_url=ProblemList.get_absolute_url, *, read_only: bool = False
) -> dict:
    """Everything the dashboard shows; `list_url` says where a list's name links to, and a
    read-only copy (the mentor's) leaves out what only the candidate can act on."""
    cards = readiness.card_progress(user)
    lists = list(ProblemList.objects.active())
    tallies = readiness.list_tallies(user)
    roadmap = next((pl for pl in lists if pl.kind == ProblemList.Kind.ROADMAP), None)
    sections = []
    if roadmap is not None:
        by_section = readiness.section_tallies(user, roadmap)
        sections = [
            (section, by_section[section.pk])
            for section in roadmap.sections.filter(is_archived=False)
            if section.pk in by_section
        ]
    return {
        **_readiness_context(user, profile, cards),
        "lists": [(pl, tallies[pl.pk], list_url(pl)) for pl in lists if pl.pk in tallies],
        "roadmap": roadmap,
        "roadmap_url": list_url(roadmap) if roadmap else "",
        "sections": sections,
        "cards": cards,
        "cards_done": sum(1 for c in cards if c.is_done),
        "next_up": [] if read_only else readiness.next_up(user, profile),
        "activity": readiness.recent_activity(user),
        "mocks": MockRound.objects.filter(user=user)
        .prefetch_related(
            Prefetch("problems", queryset=MockProblem.objects.select_related("problem"))
        )
        .order_by("-started_at")[:5],
        "days_left": profile.days_left(),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def list_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lists = ProblemList.objects.active().select_related("company")
    problem_list = get_object_or_404(lists, slug=slug)
    sections = list(problem_list.sections.filter(is_archived=False))
    form = _filter_form(request, problem_list, sections)
    context = {"problem_list": problem_list, "form": form, "groups": []}
    context.update(_counters(request.user, problem_list))
    status = 400
    if form.is_valid():
        entries = problem_list.entries.for_page().with_progress_for(request.user)
        context["groups"] = _group_by_section(list(_filtered(entries, form)), sections)
        status = 200
    if request.htmx and request.htmx.target == "list-body":
        return render(request, "prep/list_detail.html#list-body", context, status=status)
    return render(request, "prep/list_detail.html", context, status=status)


def _filter_form(request, problem_list: ProblemList, sections) -> ListFilterForm:
    topics = (
        Topic.objects.filter(problems__entries__problem_list=problem_list)
        .distinct()
        .values_list("slug", "name")
    )
    others = ProblemList.objects.active().exclude(pk=problem_list.pk).values_list("slug", "name")
    return ListFilterForm(
        request.GET,
        difficulties=Problem.Difficulty.choices,
        sections=[(s.slug, s.name) for s in sections],
        topics=list(topics),
        other_lists=list(others),
    )


def _filtered(entries, form: ListFilterForm):
    data = form.cleaned_data
    if data["q"]:
        entries = entries.filter(problem__title__icontains=data["q"])
    if data["status"]:
        entries = entries.filter(status=data["status"])
    if data["difficulty"]:
        entries = entries.filter(problem__difficulty=data["difficulty"])
    if data.get("section"):
        entries = entries.filter(section__slug=data["section"])
    if data["topic"]:
        entries = entries.filter(problem__topics__slug=data["topic"])
    if data["not_in"]:
        # One Exists, so "in that list" and "not archived" are about the same entry.
        elsewhere = ListEntry.objects.filter(
            problem=OuterRef("problem"), problem_list__slug=data["not_in"], is_archived=False
        )
        entries = entries.exclude(Exists(elsewhere))
    return entries


def _group_by_section(entries: list[ListEntry], sections: list) -> list[tuple]:
    """Pair each section with its entries, in list order; entries with no section go first."""
    by_section: dict[int | None, list[ListEntry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section_id, []).append(entry)
    groups = [(None, by_section[None])] if None in by_section else []
    groups += [(s, by_section[s.pk]) for s in sections if s.pk in by_section]
    return groups


def _counters(user, problem_list: ProblemList) -> dict:
    tally = readiness.list_tallies(user, ProblemList.objects.filter(pk=problem_list.pk))
    return {
        "tally": tally.get(problem_list.pk, readiness.Tally()),
        "section_tallies": readiness.section_tallies(user, problem_list),
    }


@require_GET
@login_required
def problem_detail(request: HttpRequest, slug: str) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.active().prefetch_related("topics"), slug=slug)
    mine = ProblemProgress.objects.filter(user=request.user, problem=problem).first()
    return render(request, "prep/problem_detail.html", _problem_context(request, problem, mine))


def _problem_context(request, problem: Problem, mine: ProblemProgress | None, form=None) -> dict:
    memberships = (
        ListEntry.objects.active()
        .filter(problem=problem, problem_list__is_archived=False)
        .select_related("problem_list")
        .order_by("problem_list__position")
    )
    return {
        "problem": problem,
        "mine": mine,
        "status": mine.status if mine else Status.NOT_STARTED,
        "form": form or ProgressForm(instance=mine or ProblemProgress(problem=problem)),
        "memberships": memberships,
        "history": ProblemEvent.objects.filter(user=request.user, problem=problem)[:50],
        "mock_attempts": MockProblem.objects.filter(
            mock__user=request.user, problem=problem, mock__is_recorded=True
        ).select_related("mock")[:20],
    }


@require_POST
@login_required
def problem_progress(request: HttpRequest, slug: str) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.active(), slug=slug)
    mine = ProblemProgress.objects.filter(user=request.user, problem=problem).first()
    form = ProgressForm(request.POST, instance=mine or ProblemProgress(problem=problem))
    if not form.is_valid():
        context = _problem_context(request, problem, mine, form)
        return render(request, "prep/problem_detail.html", context, status=400)
    with transaction.atomic():
        locked = ProblemProgress.objects.lock(request.user, problem)
        for name in form.Meta.fields:
            setattr(locked, name, form.cleaned_data[name])
        locked.save()
    messages.success(request, "Saved your notes.")
    return redirect("prep:problem-detail", slug=problem.slug)


@require_POST
@login_required
def problem_status(request: HttpRequest) -> HttpResponse:
    form = ProblemStatusForm(request.POST)
    if not form.is_valid():
        return _status_error(request, form)
    problem, problem_list = form.cleaned_data["problem"], form.cleaned_data["list"]
    with transaction.atomic():
        ProblemProgress.objects.lock(request.user, problem).mark(form.cleaned_data["status"])
    if not request.htmx:
        return _back(request, f"#problem-{problem.slug}")
    if problem_list is not None:
        response = _row_response(request, problem_list, problem)
    else:
        response = _status_control_response(request, problem)
    return trigger_client_event(response, PROGRESS_CHANGED)


def _row_response(request, problem_list: ProblemList, problem: Problem, **extra) -> HttpResponse:
    """The changed row, plus the list's and its section's counters swapped out of band."""
    entry = get_object_or_404(
        problem_list.entries.for_page().with_progress_for(request.user), problem=problem
    )
    context = {"problem_list": problem_list, "entry": entry, **extra}
    context.update(_counters(request.user, problem_list))
    html = render_to_string("prep/list_detail.html#problem-row", context, request)
    html += render_to_string("prep/list_detail.html#list-counters", {**context, "oob": True})
    if entry.section_id:
        context.update(section=entry.section, oob=True)
        html += render_to_string("prep/list_detail.html#section-counter", context)
    return HttpResponse(html, status=400 if extra.get("error") else 200)


def _status_control_response(request, problem: Problem) -> HttpResponse:
    """The status control on its own, plus whatever else on the page depends on it."""
    status = (
        ProblemProgress.objects.filter(user=request.user, problem=problem)
        .values_list("status", flat=True)
        .first()
    )
    context = {"problem": problem, "status": status}
    html = render_to_string("prep/_status_form.html", context, request)
    return HttpResponse(html + _oob_after_tick(request, problem=problem))


def _status_error(request, form: ProblemStatusForm) -> HttpResponse:
    message = " ".join(e for errors in form.errors.values() for e in errors)
    problem, problem_list = form.cleaned_data.get("problem"), form.cleaned_data.get("list")
    in_list = problem_list is not None and not form.non_field_errors()
    if request.htmx and problem is not None and in_list:
        # The row exists on the page: say what went wrong inside it.
        return _row_response(request, problem_list, problem, error=message)
    return _bad_request(request, message)


def _bad_request(request, message: str) -> HttpResponse:
    if request.htmx:
        response = render(request, "prep/_error.html", {"message": message}, status=400)
        return reswap(retarget(response, "#htmx-errors"), "innerHTML")
    return render(request, "prep/bad_request.html", {"message": message}, status=400)


def _back(request, anchor: str = "") -> HttpResponse:
    """Redirect a plain form post back to the page it came from (only ever this site)."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target.split("#")[0] + anchor)


@require_POST
@login_required
def chapter_done(request: HttpRequest) -> HttpResponse:
    form = ChapterDoneForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, _messages(form))
    chapter, done = form.cleaned_data["chapter"], form.cleaned_data["done"]
    set_done(ChapterDone, user=request.user, done=done, chapter=chapter)
    if not request.htmx:
        return _back(request, f"#card-{chapter.card.slug}")
    context = {"chapter": chapter, "is_done": done}
    return _toggle_response(request, "prep/_chapter_toggle.html", context, card_id=chapter.card_id)


@require_POST
@login_required
def card_done(request: HttpRequest) -> HttpResponse:
    form = CardDoneForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, _messages(form))
    card, done = form.cleaned_data["card"], form.cleaned_data["done"]
    set_done(CardDone, user=request.user, done=done, card=card)
    if not request.htmx:
        return _back(request, f"#card-{card.slug}")
    context = {"card": card, "is_done": done}
    return _toggle_response(request, "prep/_card_toggle.html", context, card_id=card.pk)


def _toggle_response(request, template: str, context: dict, **oob) -> HttpResponse:
    """A ticked control re-rendered, plus the out-of-band updates of the page it sits on."""
    html = render_to_string(template, context, request) + _oob_after_tick(request, **oob)
    return trigger_client_event(HttpResponse(html), PROGRESS_CHANGED)


def _oob_after_tick(request, card_id: int | None = None, problem: Problem | None = None) -> str:
    """Out-of-band updates for the page the tick came from: counters that depend on it."""
    page = (request.htmx.current_url_abs_path or "").split("?")[0]
    if problem is not None and page == problem.get_absolute_url():
        history = ProblemEvent.objects.filter(user=request.user, problem=problem)[:50]
        context = {"history": history, "oob": True}
        return render_to_string("prep/problem_detail.html#history", context)
    if page == reverse("prep:home"):
        profile = _profile(request.user)
        if profile is not None:
            context = {**_readiness_context(request.user, profile), "oob": True}
            return render_to_string("prep/dashboard.html#readiness", context, request)
    elif card_id is not None and page == reverse("prep:learn-cards"):
        card = next(c for c in readiness.card_progress(request.user) if c.card.pk == card_id)
        return render_to_string("prep/learn_cards.html#card-count", {"item": card, "oob": True})
    return ""


@require_GET
@login_required
def learn_cards(request: HttpRequest) -> HttpResponse:
    cards = readiness.card_progress(request.user)
    chapters: dict[int, list] = {}
    active_chapters = LearnChapter.objects.filter(
        is_archived=False, card__is_archived=False
    ).select_related("card")
    for chapter in active_chapters.order_by("card__position", "position"):
        chapters.setdefault(chapter.card_id, []).append(chapter)
    done = set(ChapterDone.objects.filter(user=request.user).values_list("chapter_id", flat=True))
    items = [(card, chapters.get(card.card.pk, [])) for card in cards]
    return render(
        request,
        "prep/learn_cards.html",
        {"items": items, "done_chapters": done, "cards_done": sum(c.is_done for c in cards)},
    )


@require_GET
@login_required
def ml_design(request: HttpRequest) -> HttpResponse:
    studied = set(StageStudied.objects.filter(user=request.user).values_list("stage_id", flat=True))
    return render(
        request,
        "prep/ml_design.html",
        {
            "stages": DesignStage.objects.active(),
            "studied": studied,
            "prompts": PracticePrompt.objects.active().catalogue(),
            "own_prompts": PracticePrompt.objects.filter(owner=request.user),
        },
    )


@require_POST
@login_required
def stage_studied(request: HttpRequest) -> HttpResponse:
    form = StageStudiedForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, _messages(form))
    stage = form.cleaned_data["stage"]
    set_done(StageStudied, user=request.user, done=form.cleaned_data["done"], stage=stage)
    if not request.htmx:
        return _back(request, f"#stage-{stage.slug}")
    context = {"stage": stage, "is_done": form.cleaned_data["done"]}
    return _toggle_response(request, "prep/_stage_toggle.html", context)


def _messages(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)
