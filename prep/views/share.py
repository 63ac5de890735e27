"""The mentor's read-only pages, opened with the link a candidate shared.

The mentor's pages take the token from the URL and nothing else: no account, no session, no
forms, no CSRF token. Every way a token can be wrong answers the same 404 page, so a stranger
learns nothing from trying tokens.
"""

from collections.abc import Callable
from functools import wraps

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.log import log_response

from prep import coach
from prep.fragments import cached_for_user
from prep.http import SHARE_HEADERS
from prep.limits import by_kwarg, over_limit, too_many
from prep.list_rows import RowRenderer, counters, list_rows, with_rows
from prep.models import (
    DesignAttempt,
    ProblemList,
    Profile,
    ShareLink,
    StageWork,
    Story,
)
from prep.views.progress_context import (
    dashboard_context,
    filtered_entries,
    frequency_list,
    group_by_section,
    list_filter_form,
)


def _with_share_headers(response: HttpResponse) -> HttpResponse:
    # PrivatePagesMiddleware sets these on every /share/ response too; set here as well so the
    # views stay right wherever they are mounted.
    for name, value in SHARE_HEADERS.items():
        response[name] = value
    return response


def shared(view: Callable) -> Callable:
    """Resolve the token to its link, or answer the one 404 page; count the visit.

    The method check lives here rather than in require_safe, so a 405 carries the headers too.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
            log_response(
                "Method Not Allowed (%s): %s",
                request.method,
                request.path,
                response=response,
                request=request,
            )
            return _with_share_headers(response)
        links = ShareLink.objects.select_related("user").filter(user__is_active=True)
        link = links.find(token)
        # Counted per link once the token is known to be one, so random tokens leave no rows.
        wait = over_limit(request, "share", by_kwarg("token"), "share-token") if link else None
        if wait:
            return _with_share_headers(too_many(request, wait))
        response = view(request, link, token, **kwargs) if link else None
        if response is None:
            response = render(request, "prep/share_not_found.html", {"owner": None}, status=404)
        elif response.status_code == 200 and request.method == "GET":
            link.record_visit()
        return _with_share_headers(response)

    return wrapper


@shared
def share_dashboard(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    owner = link.user
    profile = Profile.objects.for_user(owner)
    context = {"owner": owner, "link": link, "token": token, "profile": profile}
    if profile is not None:
        context.update(dashboard_context(owner, profile, list_url=_list_url(token), read_only=True))
        context["coach"] = coach.coach_for(owner, profile, readiness=context["readiness"])
        if link.shows_stories:
            stories = lambda: {"stories": _stories(owner)}  # noqa: E731
            context["stories_html"] = _kept_html(profile, "stories", stories)
        if link.shows_design_notes:
            attempts = lambda: {"design_attempts": _design_attempts(owner)}  # noqa: E731
            context["design_html"] = _kept_html(profile, "design", attempts)
    return render(request, "prep/share_dashboard.html", context)


def _kept_html(profile: Profile, part: str, context: Callable[[], dict]) -> str:
    """The candidate's stories or design write-ups as the mentor's page shows them. Read from
    none of their practice log, the HTML is kept until the rest of their data changes: a status
    tick leaves it kept."""
    template = f"prep/share_dashboard.html#shared-{part}"
    build = lambda: render_to_string(template, context())  # noqa: E731
    return cached_for_user(f"mentor-{part}", profile, build, practice=False)


def _stories(owner) -> list[Story]:
    """The candidate's stories, newest first, with their focus areas."""
    return list(owner.stories.prefetch_related("focus_areas"))


def _design_attempts(owner, limit: int = 10) -> list[DesignAttempt]:
    """The candidate's last practice sessions, with the notes of their stages in stage order."""
    written = StageWork.objects.exclude(notes="").select_related("stage")
    return list(
        DesignAttempt.objects.filter(user=owner)
        .select_related("prompt")
        .prefetch_related(Prefetch("work", queryset=written.order_by("stage__position")))
        .order_by("-created_at")[:limit]
    )


def _list_url(token: str) -> Callable[[ProblemList], str]:
    return lambda problem_list: reverse("prep:share-list", args=[token, problem_list.slug])


@shared
def share_list(request: HttpRequest, link: ShareLink, token: str, slug: str) -> HttpResponse | None:
    problem_list = ProblemList.objects.active().filter(slug=slug).first()
    if problem_list is None:
        return None  # The same 404 page as a bad token: nothing to tell a guesser apart.
    owner = link.user
    sections = list(problem_list.sections.active())
    profile = Profile.objects.filter(user=owner).select_related("target_company").first()
    target = profile.target_company if profile else None
    rows = list_rows(problem_list, read_only=True)
    form = list_filter_form(request, problem_list, sections, target)
    context = {
        "owner": owner,
        "link": link,
        "token": token,
        "problem_list": problem_list,
        "form": form,
        "read_only": True,
        "groups": [],
        **counters(owner, problem_list, rows),
    }
    if not form.is_valid():
        return render(request, "prep/share_list.html", context, status=400)
    entries = problem_list.entries.for_rows().with_progress_for(owner, notes=link.shows_notes)
    by_list = frequency_list(form, problem_list, target)
    entries = filtered_entries(entries, form, by_list=by_list)
    entries = with_rows(list(entries), problem_list, rows, read_only=True)
    context.update(groups=group_by_section(entries, sections), by_list=by_list, rows=rows)
    context["renderer"] = RowRenderer(request, problem_list, read_only=True)
    return render(request, "prep/share_list.html", context)
