"""The pages the benchmark measures, and the targets of issue 14, in plain data.

Both parts use these: part A through Django's test client, part B over HTTP to gunicorn. A page
is built from what the seeding reports (bench.seed.Seeded.as_dict()), so this module needs no
Django and no database.
"""

from dataclasses import dataclass, field
from itertools import count

TRIVIAL_PATH = "/__bench/trivial/"
# Targets, as multiples of the trivial view's median in part A (issue 14, point 2).
TARGETS = {
    "today": 15,
    "dashboard": 15,
    "list": 60,
    "tick-htmx": 15,
    "tick-plain": 15,
    "problem": 15,
    "prompt": 15,
    "mentor": 15,
}
# A tick alternates between these, so every request changes the status and writes.
TICK_STATUSES = ("attempted", "solved")


@dataclass
class Page:
    """One request the benchmark repeats: its path, method and form, and what it should answer."""

    key: str
    label: str
    path: str
    method: str = "GET"
    expect: int = 200
    htmx_from: str = ""  # the page an htmx request says it came from
    ticks: list[str] = field(default_factory=list)  # problems a tick alternates on
    list_slug: str = ""
    _counters: dict = field(default_factory=dict, repr=False)

    @property
    def target(self) -> float | None:
        return TARGETS.get(self.key)

    def form(self, client: int = 0) -> dict[str, str] | None:
        """The next form to post, for the `client`-th concurrent client: each client ticks its
        own problem, alternating its status, so every tick writes and none waits on another's."""
        if self.method != "POST":
            return None
        slug = self.ticks[client % len(self.ticks)]
        n = next(self._counters.setdefault(slug, count()))
        data = {"problem": slug, "status": TICK_STATUSES[n % 2]}
        if self.htmx_from:
            data["list"] = self.list_slug
        else:
            data["next"] = f"/lists/{self.list_slug}/"
        return data

    def headers(self, origin: str) -> dict[str, str]:
        """Request headers; `origin` is the scheme and host the client talks to."""
        if not self.htmx_from:
            return {}
        return {"HX-Request": "true", "HX-Current-URL": origin + self.htmx_from}


def trivial() -> Page:
    return Page("trivial", "trivial view (the floor)", TRIVIAL_PATH)


def build_pages(seeded: dict, *, part: str = "a") -> list[Page]:
    """The measured pages for a seeded candidate. Part A and part B tick different problems,
    so each starts from a known status."""
    list_path = f"/lists/{seeded['list_slug']}/"
    ticks = seeded["tick_slugs"]
    if part == "a":
        htmx_ticks, plain_ticks = ticks[:1], ticks[1:2]
    else:
        half = (len(ticks) - 2) // 2
        htmx_ticks, plain_ticks = ticks[2 : 2 + half], ticks[2 + half :]
    tick = {"method": "POST", "path": "/progress/problem-status/", "list_slug": seeded["list_slug"]}
    return [
        Page("today", "Today (/)", "/"),
        Page("dashboard", "dashboard", "/dashboard/"),
        Page("list", "NeetCode 150 list", list_path),
        Page("filtered", "list, Medium only", list_path + "?difficulty=medium"),
        Page("tick-htmx", "status tick, htmx", htmx_from=list_path, ticks=htmx_ticks, **tick),
        Page("tick-plain", "status tick, plain", expect=302, ticks=plain_ticks, **tick),
        Page("problem", "problem page", f"/problems/{seeded['problem_slug']}/"),
        Page("prompt", "ML design prompt", f"/ml-design/prompts/{seeded['prompt_slug']}/"),
        Page("mentor", "mentor's dashboard", f"/share/{seeded['token']}/"),
    ]
