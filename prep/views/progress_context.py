"""What the pages showing a candidate's progress need, built once for the candidate's pages and
the mentor's read-only copies of them (prep/views/share.py)."""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Prefetch

from prep import readiness
from prep.forms import ListFilterForm
from prep.models import ListEntry, MockProblem, MockRound, Problem, ProblemList, Profile, Topic


def dashboard_context(
    user, profile: Profile, list_url: Callable = ProblemList.get_absolute_url, *, read_only=False
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
            for section in roadmap.sections.active()
            if section.pk in by_section
        ]
    return {
        "profile": profile,
        "level": profile.target_level,
        "readiness": readiness.readiness_for(user, profile, cards),
        "weights": readiness.CODING_WEIGHTS,
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
        "read_only": read_only,
    }


def list_filter_form(request, problem_list: ProblemList, sections) -> ListFilterForm:
    topics = (
        Topic.objects.filter(problems__entries__in=problem_list.entries.active())
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


def filtered_entries(entries, form: ListFilterForm):
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
        # One Exists, so "in that list" and "active" are about the same entry.
        elsewhere = ListEntry.objects.active().filter(
            problem=OuterRef("problem"), problem_list__slug=data["not_in"]
        )
        entries = entries.exclude(Exists(elsewhere))
    return entries


def group_by_section(entries: list[ListEntry], sections: list) -> list[tuple]:
    """Pair each section with its entries, in list order; entries with no section go first."""
    by_section: dict[int | None, list[ListEntry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section_id, []).append(entry)
    groups = [(None, by_section[None])] if None in by_section else []
    groups += [(s, by_section[s.pk]) for s in sections if s.pk in by_section]
    return groups


def list_counters(user, problem_list: ProblemList) -> dict:
    tally = readiness.list_tallies(user, ProblemList.objects.filter(pk=problem_list.pk))
    return {
        "tally": tally.get(problem_list.pk, readiness.Tally()),
        "section_tallies": readiness.section_tallies(user, problem_list),
    }
