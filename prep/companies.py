"""Companies' lists: which one counts for a company, and where a candidate's work counts.

A company ships a list per time window. Readiness, next-up and mock phone screens use one of them,
the company's primary list: the six-month list when it holds enough problems to practise from,
else the all-time list. Every function here makes a fixed number of queries, however many
companies and lists there are.
"""

from dataclasses import dataclass, field

from prep.fragments import cached_fragment
from prep.models import Company, ProblemList

# A six-month list shorter than this is too thin to practise from; the all-time list counts.
PRIMARY_MIN_PROBLEMS = 50

WINDOWS = ProblemList.Window.values
WINDOW_ORDER = {window: i for i, window in enumerate(WINDOWS)}


@dataclass
class CompanyLists:
    """A company's active lists, shortest window first, and the one that counts."""

    company: Company
    lists: list[ProblemList] = field(default_factory=list)
    primary: ProblemList | None = None
    reason: str = ""

    def by_window(self, window: str) -> ProblemList | None:
        return next((pl for pl in self.lists if pl.window == window), None)


def possessive(name: str) -> str:
    """ "Google's", but "Databricks'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _choose(found: CompanyLists) -> None:
    name = found.company.name
    whose = possessive(name)
    six = found.by_window(ProblemList.Window.SIX_MONTHS)
    all_time = found.by_window(ProblemList.Window.ALL_TIME)
    if six is not None and six.size >= PRIMARY_MIN_PROBLEMS:
        found.primary = six
        found.reason = (
            f"{whose} six-month list counts for readiness, next up and mock phone screens: it "
            f"holds {six.size} problems, and a recent list is the better guide once it has at "
            f"least {PRIMARY_MIN_PROBLEMS}."
        )
    elif all_time is not None:
        found.primary = all_time
        if six is None:
            found.reason = (
                f"There is no six-month list for {name}, so its all-time list counts for "
                f"readiness, next up and mock phone screens."
            )
        else:
            found.reason = (
                f"{whose} six-month list holds only {six.size} problem{'s' * (six.size != 1)}, "
                f"fewer than {PRIMARY_MIN_PROBLEMS}, so its all-time list counts for readiness, "
                f"next up and mock phone screens."
            )
    elif found.lists:
        found.primary = six or found.lists[0]
        found.reason = (
            f"{name} has no six-month list of {PRIMARY_MIN_PROBLEMS} problems or more and no "
            f"all-time list, so "
            f"{found.primary.name} counts for readiness, next up and mock phone screens."
        )


def company_lists(companies=None) -> dict[int, CompanyLists]:
    """Each company's lists and primary list, by company id: two queries."""
    if companies is None:
        companies = Company.objects.active()
    found = {c.pk: CompanyLists(c) for c in companies}
    lists = ProblemList.objects.company_lists().with_size().filter(company__in=list(found))
    # Shortest window first; a list an admin made without a window comes last.
    for problem_list in sorted(lists, key=lambda pl: WINDOW_ORDER.get(pl.window, len(WINDOWS))):
        problem_list.company = found[problem_list.company_id].company  # known: no query
        found[problem_list.company_id].lists.append(problem_list)
    for company in found.values():
        _choose(company)
    return found


def lists_of(company: Company) -> CompanyLists:
    """One company's lists and its primary list: one query, once per catalogue version (the
    answer is shared: read it, never change it)."""

    # Built from a company of its own, not the caller's (which may be partly loaded): the
    # answer is shared between requests.
    def build() -> CompanyLists:
        return company_lists(Company.objects.filter(pk=company.pk))[company.pk]

    return cached_fragment("company-lists", build, company.pk)


def primary_list(company: Company) -> ProblemList | None:
    return lists_of(company).primary
