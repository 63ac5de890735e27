from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from prep.models import (
    CodingStep,
    DesignStage,
    FocusArea,
    LearnCard,
    Level,
    PhoneScreenSegment,
    ProblemList,
    Resource,
)


@require_GET
@login_required
def study_path(request: HttpRequest) -> HttpResponse:
    lists = ProblemList.objects.active().with_size()
    return render(
        request,
        "prep/study_path.html",
        {
            "cards": LearnCard.objects.active(),
            "lists": lists,
            "stages": DesignStage.objects.active(),
            "areas": FocusArea.objects.active(),
            "resources": Resource.objects.active(),
        },
    )


@require_GET
@login_required
def behavioral(request: HttpRequest) -> HttpResponse:
    return render(request, "prep/behavioral.html", {"areas": FocusArea.objects.active()})


@require_GET
@login_required
def loops(request: HttpRequest) -> HttpResponse:
    segments = PhoneScreenSegment.objects.active()
    levels = Level.objects.active().prefetch_related(Prefetch("phone_screen", queryset=segments))
    return render(
        request,
        "prep/loops.html",
        {
            "levels": levels,
            "steps": CodingStep.objects.active(),
            "resources": Resource.objects.active(),
        },
    )
