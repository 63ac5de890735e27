"""Practising the rounds beyond coding drills: ML system design sessions, the behavioral story
bank, and timed mock phone screens.

Clocks live on the server (started, paused and ended times), so a reload or a second tab shows
the same time; static/js/timer.js only counts on from what the page says.
"""

import random

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from prep import mocks, readiness, reviews, timers
from prep.forms import (
    MockRecordForm,
    MockStartForm,
    PromptForm,
    RerollForm,
    StageWorkForm,
    StoryForm,
    TimerForm,
)
from prep.http import take_unsaved
from prep.models import (
    DesignAttempt,
    DesignStage,
    FocusArea,
    MockProblem,
    MockRound,
    PracticePrompt,
    Profile,
    StageWork,
    Story,
    record_activity,
)
from prep.models.owned import changes_of
from prep.views.responses import bad_request, confirm_page, confirmed, form_errors

# --- ML system design workspace ----------------------------------------------------------------


def _prompt(request: HttpRequest, slug: str) -> PracticePrompt:
    return get_object_or_404(PracticePrompt.objects.visible_to(request.user), slug=slug)


@require_safe
@login_required
def prompt_detail(request: HttpRequest, slug: str) -> HttpResponse:
    prompt = _prompt(request, slug)
    context = _workspace(request, prompt)
    # A stage's notes posted after the session had ended are put back into that stage's form.
    for i, (stage, work, _) in enumerate(context["stages"]):
        action = reverse("prep:stage-work", args=[prompt.slug, stage.slug])
        if unsaved := take_unsaved(request, action, prefix=stage.slug):
            form = StageWorkForm(instance=work, prefix=stage.slug, initial=unsaved)
            context["stages"][i] = (stage, work, form)
            context["unsaved_stage"] = stage.slug
            break
    return render(request, "prep/prompt_detail.html", context)


def _workspace(request: HttpRequest, prompt: PracticePrompt, **extra) -> dict:
    attempt = DesignAttempt.objects.filter(
        user=request.user, prompt=prompt, ended_at__isnull=True
    ).first()
    work = {w.stage_id: w for w in attempt.work.all()} if attempt else {}
    stages = list(DesignStage.objects.active())
    past = (
        DesignAttempt.objects.filter(user=request.user, prompt=prompt, ended_at__isnull=False)
        .prefetch_related(
            Prefetch(
                "work",
                queryset=StageWork.objects.select_related("stage").order_by("stage__position"),
            )
        )
        .order_by("-ended_at")[:20]
    )
    return {
        "prompt": prompt,
        "attempt": attempt,
        "timer": timers.design_timer(attempt, stages),
        "stages": [
            (
                stage,
                work.get(stage.pk),
                StageWorkForm(instance=work.get(stage.pk), prefix=stage.slug),
            )
            for stage in stages
        ],
        "past": past,
        **extra,
    }


@require_POST
@login_required
def stage_work(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    prompt = _prompt(request, slug)
    stage = get_object_or_404(DesignStage.objects.active(), slug=stage)
    form = StageWorkForm(request.POST, prefix=stage.slug)
    if not form.is_valid():
        if request.htmx:
            context = {"prompt": prompt, "stage": stage, "form": form, "work": None}
            return render(request, "prep/prompt_detail.html#stage-work", context, status=400)
        return bad_request(request, form_errors(form))
    with changes_of(request.user):
        attempt = DesignAttempt.objects.open_for(request.user, prompt)
        StageWork.objects.bulk_create(
            [StageWork(attempt=attempt, stage=stage)], ignore_conflicts=True
        )
        work = StageWork.objects.select_for_update().get(attempt=attempt, stage=stage)
        for name, value in form.cleaned_data.items():
            setattr(work, name, value)
        work.save()
        record_activity(request.user, prompt)
    if not request.htmx:
        messages.success(request, f"Saved your notes on {stage.name}.")
        return redirect(f"{prompt.get_absolute_url()}#stage-{stage.slug}")
    context = {
        "prompt": prompt,
        "stage": stage,
        "work": work,
        "form": StageWorkForm(instance=work, prefix=stage.slug),
        "saved": True,
    }
    return render(request, "prep/prompt_detail.html#stage-work", context)


@require_POST
@login_required
def prompt_timer(request: HttpRequest, slug: str) -> HttpResponse:
    prompt = _prompt(request, slug)
    form = TimerForm(request.POST)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    action = form.cleaned_data["action"]
    with changes_of(request.user):
        if action == "start":
            attempt = DesignAttempt.objects.open_for(request.user, prompt)
        else:
            # Pausing or ending a session that is not open (a double click on End) does nothing.
            attempt = DesignAttempt.objects.select_for_update().filter(
                user=request.user, prompt=prompt, ended_at__isnull=True
            )
            attempt = attempt.first()
        if attempt is not None:
            timers.apply_timer_action(attempt, action)
    if request.htmx and action != "end":
        stages = list(DesignStage.objects.active())
        context = {"prompt": prompt, "timer": timers.design_timer(attempt, stages)}
        return render(request, "prep/_timer.html", context)
    if action == "end" and attempt is not None:
        # Ending closes the attempt: the page then shows a fresh one, so reload it whole.
        messages.success(request, "Session saved. It is listed under past sessions below.")
    return redirect(f"{prompt.get_absolute_url()}#timer")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def prompt_create(request: HttpRequest) -> HttpResponse:
    form = PromptForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            prompt = form.save(commit=False)
            prompt.owner = request.user
            # Private prompts share the catalogue's slug space: a random tail keeps them apart.
            prompt.slug = f"{slugify(prompt.title)[:90] or 'prompt'}-{random.randbytes(4).hex()}"
            prompt.save()
            messages.success(request, "Your prompt is ready to practise. Only you can see it.")
            return redirect(prompt)
        return render(request, "prep/prompt_form.html", {"form": form}, status=400)
    return render(request, "prep/prompt_form.html", {"form": form})


def _own_prompt(request: HttpRequest, slug: str) -> PracticePrompt:
    """One of the user's own prompts; the catalogue's and other people's are 404."""
    return get_object_or_404(PracticePrompt, slug=slug, owner=request.user)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def prompt_edit(request: HttpRequest, slug: str) -> HttpResponse:
    prompt = _own_prompt(request, slug)
    form = PromptForm(request.POST or None, instance=prompt)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved your changes to “{prompt.title}”.")
        return redirect(prompt)
    # The heading names the prompt as saved, not as just (mis)typed.
    saved = PracticePrompt.objects.get(pk=prompt.pk) if form.is_bound else prompt
    context = {"form": form, "prompt": saved, "sessions": saved.attempts.count()}
    return render(request, "prep/prompt_form.html", context, status=400 if form.is_bound else 200)


@require_POST
@login_required
def prompt_delete(request: HttpRequest, slug: str) -> HttpResponse:
    prompt = _own_prompt(request, slug)
    sessions = prompt.attempts.count()
    if not sessions and not confirmed(request):
        return confirm_page(
            request,
            title=f"Delete “{prompt.title}”?",
            message="The prompt goes for good. You have no design sessions on it, so no notes "
            "or ratings go with it.",
            button="Delete the prompt",
            cancel_url=reverse("prep:prompt-edit", args=[prompt.slug]),
        )
    if not sessions:
        try:
            prompt.delete()
        except RestrictedError:
            # A session was started on it in another tab since the count above.
            sessions = prompt.attempts.count()
    if sessions:
        # Sessions hold the user's notes and ratings: the prompt stays rather than lose them.
        messages.error(
            request,
            f"“{prompt.title}” was not deleted: you have practised it ({sessions} design "
            f"session{'s' if sessions != 1 else ''}), and deleting it would lose those notes "
            "and ratings. You can still edit its title and brief.",
        )
        return redirect(prompt)
    messages.success(request, f"Deleted “{prompt.title}”.")
    return redirect("prep:ml-design")


@require_safe
@login_required
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_object_or_404(
        DesignAttempt.objects.select_related("prompt"), pk=pk, user=request.user
    )
    work = {w.stage_id: w for w in attempt.work.all()}
    stages = [(stage, work.get(stage.pk)) for stage in DesignStage.objects.active()]
    return render(request, "prep/attempt_detail.html", {"attempt": attempt, "stages": stages})


# --- Behavioral story bank ---------------------------------------------------------------------


@require_safe
@login_required
def story_list(request: HttpRequest) -> HttpResponse:
    stories = list(request.user.stories.prefetch_related("focus_areas"))
    areas = list(FocusArea.objects.active())
    profile = Profile.objects.for_user(request.user)
    level = profile.target_level if profile else None
    return render(
        request,
        "prep/stories.html",
        {
            "stories": stories,
            "complete": sum(story.is_complete for story in stories),
            # Counts per area from the stories already loaded: no query per story or area.
            "grid": readiness.coverage_grid(stories, areas),
            "level": level,
            "scopes": [(area, area.scope_for(level)) for area in areas],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def story_create(request: HttpRequest) -> HttpResponse:
    return _story_form(request, Story(user=request.user))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _story_form(request, get_object_or_404(Story, pk=pk, user=request.user))


def _story_form(request: HttpRequest, story: Story) -> HttpResponse:
    unsaved = None
    if request.method == "GET":
        unsaved = take_unsaved(request, request.path)
    form = StoryForm(request.POST or None, instance=story, initial=unsaved)
    draft = f"draft:story:{story.pk or 'new'}"
    if request.method == "POST":
        if form.is_valid():
            was_rehearsed = story.pk and form.initial.get("state") == Story.State.REHEARSED
            with changes_of(request.user):
                form.save()
                record_activity(request.user, story)
                if story.state == Story.State.REHEARSED and not was_rehearsed:
                    profile = Profile.objects.filter(user=request.user).first()
                    reviews.rehearsed(request.user, story, profile=profile or Profile())
            messages.success(request, f"Saved “{story.title}”.", extra_tags=draft)
            return redirect("prep:stories")
        context = _story_page(request, story, form)
        return render(request, "prep/story_form.html", context, status=400)
    context = {**_story_page(request, story, form), "unsaved": bool(unsaved)}
    return render(request, "prep/story_form.html", context)


def _story_page(request: HttpRequest, story: Story, form: StoryForm) -> dict:
    """The story form, and for a saved story its rehearsal timer."""
    if story.pk is None:
        return {"form": form, "story": story}
    clock = timers.rehearsal_clock(request.session, story)
    return {"form": form, "story": story, "timer": timers.rehearsal_timer(clock)}


@require_POST
@login_required
def story_timer(request: HttpRequest, pk: int) -> HttpResponse:
    """Start, pause, resume or stop rehearsing a story against its clock (kept in the session)."""
    story = get_object_or_404(Story, pk=pk, user=request.user)
    form = TimerForm(request.POST)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    action = form.cleaned_data["action"]
    clock = timers.rehearsal_clock(request.session, story)
    was_started = clock.started_at is not None
    timers.apply_timer_action(clock, action)
    page = f"{story.get_absolute_url()}#timer"
    if action != "end":
        if request.htmx:
            context = {"story": story, "timer": timers.rehearsal_timer(clock)}
            return render(request, "prep/_timer.html", context)
        return redirect(page)
    # Stopping hands back the time taken and resets the clock for the next run-through.
    if was_started:
        messages.success(request, _rehearsal_verdict(timers.rehearsal_timer(clock)))
    clock.forget()
    return HttpResponseClientRedirect(page) if request.htmx else redirect(page)


def _rehearsal_verdict(timer: timers.Timer) -> str:
    took, planned = timer.elapsed, timer.total_seconds
    if took > planned:
        return (
            f"You took {took // 60}:{took % 60:02d}, longer than the suggested "
            f"{planned // 60} minutes: see what you could leave for follow-up questions."
        )
    return f"You took {took // 60}:{took % 60:02d}, within the suggested {planned // 60} minutes."


@require_POST
@login_required
def story_delete(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=pk, user=request.user)
    if not confirmed(request):
        return confirm_page(
            request,
            title=f"Delete “{story.title}”?",
            message="The story, its notes and its rehearsal reviews go, and cannot be restored.",
            button="Delete the story",
            cancel_url=story.get_absolute_url(),
        )
    story.delete()
    messages.success(request, f"Deleted “{story.title}”.")
    return redirect("prep:stories")


# --- Timed mock phone screens ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def mock_start(request: HttpRequest) -> HttpResponse:
    """GET: every mock phone screen so far, and a form to start one; POST starts one, with the
    number of problems chosen where the level offers a choice."""
    profile = Profile.objects.for_user(request.user)
    if profile is None:
        return redirect("prep:onboarding")
    if request.method != "POST":  # GET or HEAD: reading never starts a mock.
        return _mock_history(request, profile)
    choices = mocks.problem_choices(profile.target_level)
    counts = [choice.count for choice in choices]
    default = next(choice.count for choice in choices if choice.is_default)
    form = MockStartForm(request.POST, counts=counts, default=default)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    mock = mocks.start_mock(request.user, profile, problems=form.cleaned_data["problems"])
    if not mock.problems.exists():
        messages.error(request, "There are no easy or medium problems to pick from yet.")
    return redirect(mock)


MOCK_HISTORY_LIMIT = 200


def _mock_history(request: HttpRequest, profile: Profile) -> HttpResponse:
    rounds = (
        MockRound.objects.filter(user=request.user)
        .select_related("level", "company")
        .prefetch_related(
            Prefetch("problems", queryset=MockProblem.objects.select_related("problem"))
        )
        .order_by("-started_at", "-pk")[:MOCK_HISTORY_LIMIT]
    )
    context = {"profile": profile, "level": profile.target_level, "mocks": list(rounds)}
    return render(request, "prep/mock_history.html", context)


def _mock(request: HttpRequest, pk: int) -> MockRound:
    rounds = MockRound.objects.select_related(
        "level", "company", "story", "focus_area"
    ).prefetch_related("level__phone_screen")
    return get_object_or_404(rounds, pk=pk, user=request.user)


@require_safe
@login_required
def mock_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mock = _mock(request, pk)
    return render(request, "prep/mock_detail.html", _mock_context(mock))


def _mock_context(mock: MockRound, form: MockRecordForm | None = None) -> dict:
    problems = list(mock.problems.select_related("problem"))
    coding_minutes = mock.level.phone_screen_coding_minutes
    # The same whole minutes per problem as the timer's plan below.
    minutes = timers.problem_minutes(coding_minutes, len(problems))
    return {
        "mock": mock,
        "problems": problems,
        "problem_rows": list(zip(problems, minutes, strict=True)),
        "coding": mocks.ProblemChoice(len(problems), minutes),
        "coding_minutes": coding_minutes,
        "timer": timers.mock_timer(mock, len(problems)),
        "form": form or MockRecordForm(problems=problems),
    }


@require_POST
@login_required
def mock_reroll(request: HttpRequest, pk: int) -> HttpResponse:
    mock = _mock(request, pk)
    form = RerollForm(request.POST, positions=mock.problems.count())
    if not form.is_valid() or mock.is_recorded:
        return bad_request(request, form_errors(form) or "This mock is already recorded.")
    if not mocks.reroll(mock, form.cleaned_data["position"]):
        messages.info(request, "No other unsolved easy or medium problem is left to swap in.")
    return redirect(mock)


@require_POST
@login_required
def mock_timer(request: HttpRequest, pk: int) -> HttpResponse:
    mock = _mock(request, pk)
    form = TimerForm(request.POST)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    with transaction.atomic():
        mock = MockRound.objects.select_for_update().get(pk=mock.pk)
        timers.apply_timer_action(mock, form.cleaned_data["action"])
    if request.htmx:
        timer = timers.mock_timer(mock, mock.problems.count())
        return render(request, "prep/_timer.html", {"mock": mock, "timer": timer})
    return redirect(reverse("prep:mock-detail", args=[mock.pk]) + "#timer")


@require_POST
@login_required
def mock_record(request: HttpRequest, pk: int) -> HttpResponse:
    mock = _mock(request, pk)
    problems = list(mock.problems.select_related("problem"))
    form = MockRecordForm(request.POST, problems=problems)
    if mock.is_recorded:
        return bad_request(request, "This mock is already recorded.")
    if not form.is_valid():
        return render(request, "prep/mock_detail.html", _mock_context(mock, form), status=400)
    mocks.record_mock(mock, form.cleaned_data)
    messages.success(
        request, "Mock recorded. Its problems' statuses, reviews and readiness are updated."
    )
    return redirect("prep:home")
