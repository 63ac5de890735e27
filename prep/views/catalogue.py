from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from prep import companies, readiness
from prep.forms import LoopCompanyForm
from prep.models import (
    CodingStep,
    Company,
    DesignStage,
    FocusArea,
    Level,
    Loop,
    MockRound,
    PhoneScreenSegment,
    ProblemList,
    Profile,
    Resource,
    StageStudied,
    Story,
)


@require_safe
@login_required
def study_path(request: HttpRequest) -> HttpResponse:
    company = _default_company(request)
    # The roadmaps, then the target company's primary list and its class-design list.
    lists = ProblemList.objects.active().with_size().with_as_of()
    path = [pl for pl in lists if pl.company_id is None]
    if company is not None:
        primary = companies.primary_list(company)
        path += [pl for pl in lists if primary and pl.pk == primary.pk]
        path += [pl for pl in lists if pl.company_id == company.pk and pl.kind == "design"]
    tallies = readiness.list_tallies(
        request.user, ProblemList.objects.filter(pk__in=[pl.pk for pl in path])
    )
    stages = list(DesignStage.objects.active())
    areas = list(FocusArea.objects.active())
    return render(
        request,
        "prep/study_path.html",
        {
            "company": company,
            "lists": [(pl, tallies.get(pl.pk, readiness.Tally())) for pl in path],
            "stages": stages,
            "areas": areas,
            "resources": Resource.objects.active(),
            **_path_progress(request.user, stages, areas),
        },
    )


def _path_progress(user, stages: list[DesignStage], areas: list[FocusArea]) -> dict:
    """How far the candidate is along the steps that are not problem lists: Learn chapters done,
    design stages studied, focus areas with a finished story, mocks recorded. Seven queries."""
    cards = readiness.card_progress(user)
    stories = Story.objects.complete().filter(user=user)
    return {
        "cards": cards,
        "chapters_done": sum(c.done for c in cards),
        "chapters_total": sum(c.total for c in cards),
        "stages_studied": StageStudied.objects.filter(user=user, stage__in=stages).count(),
        "areas_with_story": FocusArea.objects.filter(pk__in=[a.pk for a in areas])
        .filter(stories__in=stories)
        .distinct()
        .count(),
        "mocks_recorded": MockRound.objects.filter(user=user, is_recorded=True).count(),
    }


@require_safe
@login_required
def behavioral(request: HttpRequest) -> HttpResponse:
    return render(request, "prep/behavioral.html", {"areas": FocusArea.objects.active()})


@require_safe
@login_required
def loops(request: HttpRequest) -> HttpResponse:
    # Bound only when a company is asked for, so a stray query parameter is not an error.
    data = request.GET if "company" in request.GET else None
    form = LoopCompanyForm(data, initial={"company": _default_company(request)})
    company = form.cleaned_data["company"] if form.is_valid() else form.initial["company"]
    segments = PhoneScreenSegment.objects.active()
    levels = Level.objects.active().prefetch_related(Prefetch("phone_screen", queryset=segments))
    loops = Loop.objects.for_company(company) if company else {}
    steps = list(CodingStep.objects.active())
    return render(
        request,
        "prep/loops.html",
        {
            "form": form,
            "company": company,
            "levels": [(level, loops.get(level.pk)) for level in levels],
            "steps": steps,
            "step_minutes": sum(step.minutes for step in steps),
            "resources": Resource.objects.active(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _default_company(request: HttpRequest) -> Company | None:
    """The candidate's target company, else the typical one."""
    profile = Profile.objects.filter(user=request.user).select_related("target_company").first()
    if profile is not None:
        return profile.target_company
    return Company.objects.active().filter(slug=Loop.TYPICAL_COMPANY).first()
