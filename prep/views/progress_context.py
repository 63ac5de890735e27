"""What the pages showing a candidate's progress need, built once for the candidate's pages and
the mentor's read-only copies of them (prep/views/share.py)."""

from collections.abc import Callable

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Lower

from prep import companies, readiness
from prep.forms import ListFilterForm
from prep.fragments import cached_for_user, cached_fragment, cached_query
from prep.models import (
    SOLVED_STATUSES,
    Company,
    ListEntry,
    MockProblem,
    MockRound,
    Problem,
    ProblemList,
    Profile,
    Status,
    Topic,
)


def dashboard_context(
    user, profile: Profile, list_url: Callable = ProblemList.get_absolute_url, *, read_only=False
) -> dict:
    """Everything the dashboard shows; `list_url` says where a list's name links to, and a
    read-only copy (the mentor's) leaves out what only the candidate can act on. What is worked
    out from the candidate's rows is kept until they (or the catalogue) change."""
    # One set of figures for the candidate's page and the mentor's copy, whichever comes first.
    figures = cached_for_user("dashboard", profile, lambda: _dashboard_figures(user, profile))
    lists, roadmap = figures["lists"], figures["roadmap"]
    next_up = []
    if not read_only:  # A mentor is shown no "next up": it is the candidate's to act on.
        company = figures["readiness"].company
        build = lambda: readiness.next_up(user, profile, company=company)  # noqa: E731
        next_up = cached_for_user("next-up", profile, build)
    return {
        **figures,
        "next_up": next_up,
        "profile": profile,
        "level": profile.target_level,
        "lists": [(pl, tally, list_url(pl)) for pl, tally in lists],
        "roadmap_url": list_url(roadmap) if roadmap else "",
        "days_left": profile.days_left(),
        "read_only": read_only,
    }


def _dashboard_figures(user, profile: Profile) -> dict:
    # Kept apart from the rest, under the version a status tick leaves alone.
    rest = cached_for_user("figures-rest", profile, lambda: _rest_figures(user), practice=False)
    cards = rest["scores"].cards
    solved = readiness.solved_problem_ids(user)  # for every count below
    # The roadmaps and the target company's lists; every company is on the Companies page.
    lists = cached_query(
        lambda: ProblemList.objects.active().filter(
            Q(company__isnull=True) | Q(company=profile.target_company)
        ),
        key=("dashboard-lists", profile.target_company_id),
    )
    tallies = readiness.list_tallies(user, lists, solved=solved)
    roadmap = next((pl for pl in lists if pl.kind == ProblemList.Kind.ROADMAP), None)
    sections = []
    if roadmap is not None:
        by_section = readiness.section_tallies(user, roadmap, solved=solved)
        sections = [
            (section, by_section[section.pk])
            for section in cached_query(roadmap.sections.active, key=("sections", roadmap.pk))
            if section.pk in by_section
        ]
    ready = readiness.readiness_for(user, profile, rest["scores"], solved=solved)
    return {
        "readiness": ready,
        "weights": ready.weight_percents,
        "loop": ready.loop,
        "lists": [(pl, tallies[pl.pk]) for pl in lists if pl.pk in tallies],
        "roadmap": roadmap,
        "sections": sections,
        "cards": cards,
        "cards_done": sum(1 for c in cards if c.is_done),
        "activity": readiness.recent_activity(user),
        "mocks": rest["mocks"],
    }


def _rest_figures(user) -> dict:
    """The dashboard's figures that read none of the candidate's practice log: Learn cards,
    the design and behavioral scores, and the last mock rounds."""
    mocks = MockRound.objects.filter(user=user).prefetch_related(
        Prefetch("problems", queryset=MockProblem.objects.select_related("problem"))
    )
    return {
        "scores": readiness.rest_scores(user),
        # Evaluated now: what is kept must not query again when a later page shows it.
        "mocks": list(mocks.order_by("-started_at")[:5]),
    }


def list_filter_form(
    request, problem_list: ProblemList, sections, target: Company | None = None, *, recent=False
) -> ListFilterForm:
    """The list's filters; `recent` offers the last six months as a window of their own."""
    topics = cached_fragment("list-topics", lambda: _topics(problem_list), problem_list.pk)
    # "Not in list" offers the roadmaps and design lists, and the company lists of this list's
    # company and of the target company: not all sixteen companies' lists.
    # A list asked for by the URL is offered too, so a bookmarked filter keeps working after the
    # candidate changes target.
    companies_here = {problem_list.company_id, target.pk if target else None} - {None}
    asked_for = request.GET.get("not_in", "")
    others = [
        (slug, name)
        for pk, slug, name, kind, company_id in cached_fragment("active-lists", _active_lists)
        if pk != problem_list.pk
        and (kind != ProblemList.Kind.COMPANY or company_id in companies_here or slug == asked_for)
    ]
    companies = cached_fragment("asking-companies", _asking_companies)
    return ListFilterForm(
        request.GET,
        difficulties=Problem.Difficulty.choices,
        sections=[(s.slug, s.name) for s in sections],
        topics=topics,
        other_lists=others,
        companies=companies,
        recent=recent,
    )


def _topics(problem_list: ProblemList) -> list[tuple[str, str]]:
    entries = problem_list.entries.active()
    topics = Topic.objects.filter(problems__entries__in=entries).distinct()
    return list(topics.values_list("slug", "name"))


def _active_lists() -> list[tuple]:
    lists = ProblemList.objects.active()
    return list(lists.values_list("pk", "slug", "name", "kind", "company_id"))


def _asking_companies() -> list[tuple[str, str]]:
    asking = ProblemList.objects.company_lists().values("company")
    return list(Company.objects.active().filter(pk__in=asking).values_list("slug", "name"))


def frequency_list(
    form: ListFilterForm, problem_list: ProblemList, target: Company | None
) -> ProblemList | None:
    """Whose frequencies "Most frequent first" sorts by: the primary list of the company filtered
    on, else the page's own list when it is a company's, else the target company's primary.
    None when the page is not sorted by frequency."""
    if form.cleaned_data.get("sort") != "frequency":
        return None
    slug = form.cleaned_data.get("company")
    if slug:
        company = Company.objects.filter(slug=slug).first()
        return companies.primary_list(company) if company else None
    if problem_list.kind == ProblemList.Kind.COMPANY:
        return problem_list
    return companies.primary_list(target) if target is not None else None


EASY_FIRST = [Problem.Difficulty.EASY, Problem.Difficulty.MEDIUM, Problem.Difficulty.HARD]


def filtered_entries(entries, form: ListFilterForm, *, by_list: ProblemList | None = None):
    """The entries the form's filters keep, in the order it asks for; `by_list` is the list whose
    frequencies a sort by frequency uses."""
    data = form.cleaned_data
    if data["q"]:
        entries = entries.filter(problem__title__icontains=data["q"])
    if data["status"] == Status.SOLVED:
        # The same "solved" as the counters: Needs review was solved, just not for good.
        entries = entries.filter(status__in=SOLVED_STATUSES)
    elif data["status"]:
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
    if data["company"]:
        asked = ListEntry.objects.active().filter(
            problem=OuterRef("problem"),
            problem_list__in=ProblemList.objects.company_lists(),
            problem_list__company__slug=data["company"],
        )
        entries = entries.filter(Exists(asked))
    if data.get("premium"):
        entries = entries.filter(problem__is_premium=data["premium"] == "premium")
    if data.get("window") == "six-months":
        entries = entries.filter(frequency_six_months__isnull=False)
        if not data["sort"]:
            entries = entries.order_by(F("frequency_six_months").desc(), "position")
    if data["sort"] == "frequency":
        entries = _by_frequency(entries, by_list)
    elif data["sort"] == "title":
        entries = entries.order_by(Lower("problem__title"), "position")
    elif data["sort"] == "difficulty":
        easy_first = Case(
            *[When(problem__difficulty=value, then=Value(n)) for n, value in enumerate(EASY_FIRST)],
            default=Value(len(EASY_FIRST)),
        )
        entries = entries.order_by(easy_first, "position")
    return entries


def _by_frequency(entries, by_list: ProblemList | None):
    """Most frequent first by `by_list`'s frequencies, then in list order; problems it does not
    hold come last."""
    if by_list is None:
        return entries
    at_company = ListEntry.objects.active().filter(
        problem_list=by_list, problem=OuterRef("problem")
    )
    return entries.annotate(
        company_frequency=Subquery(at_company.values("frequency")[:1])
    ).order_by(F("company_frequency").desc(nulls_last=True), "position")


def list_groups(
    entries: list[ListEntry], sections: list, form: ListFilterForm, by_list: ProblemList | None
) -> list[tuple]:
    """The page's tables: one per section in list order, or a single table when the form sorts
    the problems another way, since sections would break up an order that runs across them."""
    sort = form.cleaned_data.get("sort")
    recent = form.cleaned_data.get("window") == "six-months" and not sort
    if recent or sort in ("title", "difficulty") or (sort == "frequency" and by_list is not None):
        return [(None, entries)] if entries else []
    return group_by_section(entries, sections)


def group_by_section(entries: list[ListEntry], sections: list) -> list[tuple]:
    """Pair each section with its entries, in list order; entries with no section go first."""
    by_section: dict[int | None, list[ListEntry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section_id, []).append(entry)
    groups = [(None, by_section[None])] if None in by_section else []
    groups += [(s, by_section[s.pk]) for s in sections if s.pk in by_section]
    return groups


def list_snapshots(problem_list: ProblemList) -> dict:
    """For a company list: its current and previous snapshots, the problems that dropped out
    since, every snapshot for the history, and which of the company's lists counts and why.
    Four queries; none for other lists."""
    if problem_list.kind != ProblemList.Kind.COMPANY or problem_list.company_id is None:
        return {}
    snapshots = list(problem_list.snapshots.newest_first())
    current = snapshots[0] if snapshots else None
    previous = snapshots[1] if len(snapshots) > 1 else None
    return {
        "snapshot": current,
        "previous": previous,
        "dropped": current.dropped_since(previous) if previous else [],
        "company_lists": companies.lists_of(problem_list.company),
        "snapshots": snapshots,
    }
