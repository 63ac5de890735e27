from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from prep.forms import SignupForm
from prep.models import (
    CodingStep,
    DesignStage,
    FocusArea,
    LearnCard,
    LearnChapter,
    Level,
    ListEntry,
    PhoneScreenSegment,
    PracticePrompt,
    ProblemList,
    Resource,
)

ACTIVE_ENTRIES = Q(entries__is_archived=False, entries__problem__is_archived=False)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "prep/landing.html")
    lists = ProblemList.objects.active().annotate(size=Count("entries", filter=ACTIVE_ENTRIES))
    return render(
        request,
        "prep/home.html",
        {
            "cards": LearnCard.objects.active(),
            "lists": lists,
            "stages": DesignStage.objects.active(),
            "areas": FocusArea.objects.active(),
            "resources": Resource.objects.active(),
        },
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("prep:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your account is ready.")
        return redirect("prep:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@require_GET
@login_required
def list_detail(request: HttpRequest, slug: str) -> HttpResponse:
    problem_list = get_object_or_404(
        ProblemList.objects.active().select_related("company"), slug=slug
    )
    entries = problem_list.entries.for_page()
    sections = problem_list.sections.filter(is_archived=False)
    grouped = _group_by_section(list(entries), list(sections))
    return render(
        request,
        "prep/list_detail.html",
        {"problem_list": problem_list, "groups": grouped, "total": len(entries)},
    )


def _group_by_section(entries: list[ListEntry], sections: list) -> list[tuple]:
    """Pair each section with its entries, in list order; entries with no section go first."""
    by_section: dict[int | None, list[ListEntry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section_id, []).append(entry)
    groups = [(None, by_section[None])] if None in by_section else []
    groups += [(s, by_section[s.pk]) for s in sections if s.pk in by_section]
    return groups


@require_GET
@login_required
def learn_cards(request: HttpRequest) -> HttpResponse:
    chapters = LearnChapter.objects.filter(is_archived=False)
    cards = LearnCard.objects.active().prefetch_related(Prefetch("chapters", queryset=chapters))
    return render(request, "prep/learn_cards.html", {"cards": cards})


@require_GET
@login_required
def ml_design(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "prep/ml_design.html",
        {
            "stages": DesignStage.objects.active(),
            "prompts": PracticePrompt.objects.active(),
        },
    )


@require_GET
@login_required
def behavioral(request: HttpRequest) -> HttpResponse:
    return render(request, "prep/behavioral.html", {"areas": FocusArea.objects.active()})


@require_GET
@login_required
def loops(request: HttpRequest) -> HttpResponse:
    segments = PhoneScreenSegment.objects.filter(is_archived=False)
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


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
