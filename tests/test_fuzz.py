"""Hostile input to every URL pattern: no answer is a server error, and nothing typed comes back
unescaped.

Every URL pattern of the project (config.urls and all it includes: the app, the admin, Django's
account pages) gets Hypothesis-drawn requests: path parameters that are real (the catalogue's, the
candidate's own rows, a stranger's) or hostile; query parameters and form fields named after what
the view's form reads, plus random names, holding hostile or plausible values; with or without
htmx's headers; a GET and a POST each, as the candidate, as staff or anonymously. No answer may be
500 or above, and no HTML answer may hold the script marker raw (escaped, it is simply what was
typed).

Failures are collected rather than raised, so one run lists every failing request, without
shrinking; the seed is fixed (derandomize), so a failure comes back on every run. To see one
pattern: pytest tests/test_fuzz.py -k "problem-status".
"""

import copy
import csv
import io
import json
import logging
import re
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from prep import forms as prep_forms
from prep import mocks
from prep.admin import CompanyListApplyForm, CompanyListImportForm
from prep.models import (
    BreadthAnswer,
    BreadthQuestion,
    ChapterDone,
    Company,
    DesignAttempt,
    DesignStage,
    FocusArea,
    LearnChapter,
    Level,
    ListEntry,
    MockProblem,
    PracticePrompt,
    Problem,
    ProblemList,
    ProblemProgress,
    Status,
)
from prep.portability import export_data
from tests.conftest import PASSWORD
from tests.factories import (
    DesignAttemptFactory,
    ProfileFactory,
    ShareLinkFactory,
    StageWorkFactory,
    StoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("catalog")

# Shown raw, these would run in the reader's browser; escaped, they are only text.
MARKER = "<script>alert('fuzz')</script>"
IMG_MARKER = "<img src=x onerror=alert('fuzz')>"  # for file names, which hold no "/"
RAW_MARKERS = (MARKER.encode(), IMG_MARKER.encode())

# Examples per URL pattern (each a GET and a POST): more where a form is read. The admin's
# twenty models share one set of views, so each of their patterns gets few. Together about a
# minute on a 2-core machine, to keep CI within its 20 minutes; runs with five times these
# numbers (new seeds) found nothing more than the fixes already here.
FORM_EXAMPLES = 20
PAGE_EXAMPLES = 6
ADMIN_EXAMPLES = 8
ADMIN_PAGE_EXAMPLES = 3


# --- Every URL pattern ------------------------------------------------------------------------

# A piece of a route: literal text, or a parameter with how to draw it ("slug", "int", "str",
# "path", or "re:<regex>" for a regex pattern's group).
Piece = tuple[str, str, str]


@dataclass(frozen=True)
class Route:
    route: str  # the URLconfs' patterns joined, e.g. "lists/<slug:slug>/"
    name: str  # "prep:list-detail"; an unnamed pattern is known by its route
    pieces: tuple[Piece, ...]

    @property
    def params(self) -> list[tuple[str, str]]:
        return [(name, kind) for what, name, kind in self.pieces if what == "param"]

    @property
    def admin_model(self):
        """The model whose admin serves this route, if any."""
        found = re.match(r"admin/(\w+)/(\w+)/", self.route)
        if not found:
            return None
        try:
            model = apps.get_model(*found.groups())
        except LookupError:
            return None
        return model if admin.site.is_registered(model) else None

    def path(self, values: dict[str, str]) -> str:
        return "/" + "".join(
            quote(values[name], safe="") if what == "param" else name
            for what, name, _ in self.pieces
        )


def _pieces(pattern) -> tuple[Piece, ...]:
    if isinstance(pattern, RoutePattern):
        text = str(pattern)
        found = re.split(r"<(?:([^>:]+):)?([^>]+)>", text)
        pieces = []
        for i in range(0, len(found), 3):
            if found[i]:
                pieces.append(("text", found[i], ""))
            if i + 2 < len(found):
                pieces.append(("param", found[i + 2], found[i + 1] or "str"))
        return tuple(pieces)
    assert isinstance(pattern, RegexPattern), pattern
    text = pattern._regex.removeprefix("^").removesuffix("$")
    found = re.split(r"\(\?P<(\w+)>([^)]*)\)", text)
    pieces = []
    for i in range(0, len(found), 3):
        if found[i]:
            pieces.append(("text", found[i], ""))
        if i + 2 < len(found):
            pieces.append(("param", found[i + 1], f"re:{found[i + 2]}"))
    return tuple(pieces)


def _routes(patterns=None, pieces=(), namespace="", route="") -> list[Route]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        here = pieces + _pieces(pattern.pattern)
        text = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            found += _routes(pattern.url_patterns, here, inner, text)
        else:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.append(Route(text, name if pattern.name else text, here))
    return found


ROUTES = _routes()


def test_every_url_pattern_is_fuzzed():
    """The enumeration reaches the app, the admin and the account pages (a regression here
    would quietly fuzz fewer pages)."""
    names = {route.name for route in ROUTES}
    assert {"prep:home", "prep:mock-record", "admin:prep_problem_change", "login"} <= names
    assert len(ROUTES) > 150


# --- Hostile values ---------------------------------------------------------------------------

_characters = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
_text = st.text(_characters, max_size=12)


def _long(pieces: list[str]) -> st.SearchStrategy[str]:
    lengths = st.sampled_from([151, 256, 5_001, 20_001, 100_000])
    return st.builds(lambda piece, n: (piece * n)[:n], st.sampled_from(pieces), lengths)


# Kinds of trouble. Each example draws one kind for all the trouble it sends, so a bug that
# needs, say, a NUL in one particular field turns up in a few dozen examples, not thousands.
THEMES = {
    "nul": st.one_of(
        st.sampled_from(["\x00", "solved\x00", "\x00" * 3]),
        st.builds(lambda a, b: f"{a}\x00{b}", _text, _text),
    ),
    "control": st.one_of(
        st.sampled_from(["\r\nSet-Cookie: fuzz=1", "\x1b[31m", "\x7f\x08", "a\u0085b"]),
        st.text(st.characters(codec="ascii", categories=["Cc"], exclude_characters="\x00")),
    ),
    "unicode": st.one_of(
        st.sampled_from(
            [
                "\u202eevil\u202c",  # right-to-left override
                "\u200f\u200e\u200b\ufeff",  # direction marks, zero-width space, BOM
                "👩\u200d👩\u200d👧\u200d👦🏳️\u200d🌈",
                "e\u0301\u0301\u0301\u0301a\u0308\u0308",  # stacked combining marks
                "Ω≈ç√∫",
                "٣",  # an Arabic-Indic digit, which int() accepts
                "ﬁ",  # a ligature that NFKC turns into two letters
            ]
        ),
        st.text(_characters, min_size=1, max_size=30),
    ),
    "markup": st.one_of(
        st.sampled_from(
            [
                MARKER,
                f'">{IMG_MARKER}',
                "'; DROP TABLE auth_user; --",
                "1' OR '1'='1",
                "%' OR 1=1 --",
                "{{ 7|add:7 }}{% debug %}",
                "javascript:alert(1)",
                "//evil.example/",
                "https://evil.example/",
                "\\\\evil.example",
                "../../../../etc/passwd",
                "dashboard",
                "prep:home",
                "[",
                "http://[::1",
                '{"__proto__": 1}',
            ]
        ),
        _text.map(lambda text: text + MARKER),
    ),
    "long": _long(["x", "é", "😀", MARKER, "\u202e", "1"]),
    "number": st.one_of(
        st.sampled_from(
            [
                *["-1", "0", "-0.0", "1.5", "1e400", "NaN", "Infinity", "32768", "2147483648"],
                *["-2147483649", "9223372036854775808", "9" * 40, "1_000", "0x10", " 7 "],
            ]
        ),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats().map(str),
    ),
    "date": st.one_of(
        st.sampled_from(
            [
                *["0001-01-01", "9999-12-31", "10000-01-01", "2024-02-30", "2024-13-01"],
                *["31/12/2024", "+2024-01-01", "0000-00-00", "yesterday", "2024-1-1"],
            ]
        ),
        st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
        st.datetimes().map(lambda moment: moment.isoformat()),
    ),
    "blank": st.sampled_from(["", " ", " \t\n ", "\u00a0", "\u3000"]),
}
hostile_text = st.one_of(*THEMES.values())


def hostile_value(theme: str) -> st.SearchStrategy:
    """A value of the theme, and sometimes several where one is expected."""
    text = THEMES[theme]
    return st.one_of(text, text, st.lists(text, min_size=2, max_size=3))


# Multipart field names are quoted by the test client without escaping, unlike a browser's.
hostile_name = st.one_of(
    st.sampled_from(["next", "q", "o", "p", "_to_field", "_popup", "e", "all", "__proto__"]),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters='\x00"\r\n'), max_size=20),
)


def hostile_path_value(kind: str) -> st.SearchStrategy[str]:
    if kind == "int":
        return st.one_of(
            st.sampled_from(["0", "2147483648", "9223372036854775808", "9" * 40]),
            st.integers(min_value=0, max_value=10**30).map(str),
        )
    if kind == "slug":
        return st.one_of(
            st.sampled_from(["x" * 300, "-", "_", "0", "a" * 43, "DROP-TABLE"]),
            st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"),
        )
    if kind.startswith("re:"):
        return st.from_regex(rf"\A(?:{kind[3:]})\Z").filter(lambda v: "\n" not in v)
    # str and path: anything, "/" included or not (a quoted "/" is decoded back into one).
    return hostile_text.filter(bool)


# --- The world the requests land in ------------------------------------------------------------


@dataclass
class World:
    candidate: User
    staff: User
    stranger: User
    path_values: dict[str, list[str]]  # real values per route and parameter
    mock_positions: list[int]
    pages: list[str]  # pages htmx may say it is on
    _export: dict | None = None

    def export(self) -> dict:
        """The candidate's data as "Download my data" gives it."""
        if self._export is None:
            self._export = export_data(self.candidate)
        return self._export


@pytest.fixture
def world(db, settings) -> World:
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "100000/h")
    # Hashing is not what is tested here, and the real hasher takes a good part of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    candidate = UserFactory(username="fuzz-candidate")
    staff = UserFactory(username="fuzz-staff", is_staff=True, is_superuser=True)
    stranger = UserFactory(username="fuzz-stranger")
    meta, e5 = Company.objects.get(slug="meta"), Level.objects.get(slug="e5")
    profile = ProfileFactory(user=candidate, target_company=meta, target_level=e5)
    ProfileFactory(user=staff, target_company=meta, target_level=e5)

    problems = list(Problem.objects.active().order_by("pk")[:4])
    statuses = [Status.SOLVED, Status.NEEDS_REVIEW, Status.ATTEMPTED]
    for problem, status in zip(problems, statuses, strict=False):
        progress = ProblemProgress.objects.lock(candidate, problem)
        progress.mark(status, today=profile.today())
        progress.notes = f"Notes with {MARKER} in them"
        progress.save()
    ChapterDone.objects.create(user=candidate, chapter=LearnChapter.objects.active().first())
    areas = list(FocusArea.objects.active()[:2])
    story = StoryFactory(user=candidate, title=f"Story {MARKER}", focus_areas=areas)
    their_story = StoryFactory(user=stranger, focus_areas=areas)
    catalogue_prompt = PracticePrompt.objects.active().catalogue().first()
    own_prompt = PracticePrompt.objects.create(
        owner=candidate, slug="fuzz-own-prompt", title=f"Mine {MARKER}", brief="A brief."
    )
    their_prompt = PracticePrompt.objects.create(
        owner=stranger, slug="fuzz-their-prompt", title="Theirs", brief="A brief."
    )
    stage = DesignStage.objects.active().first()
    attempt = DesignAttemptFactory(user=candidate, prompt=catalogue_prompt)
    StageWorkFactory(attempt=attempt, stage=stage, notes=f"Stage notes {MARKER}")
    their_attempt = DesignAttemptFactory(user=stranger, prompt=catalogue_prompt)
    questions = list(BreadthQuestion.objects.active().order_by("pk")[:2])
    BreadthAnswer.objects.create(
        user=candidate, question=questions[0], notes=f"Breadth notes {MARKER}"
    )
    mock = mocks.start_mock(candidate, profile)
    link = ShareLinkFactory(
        user=candidate, shows_notes=True, shows_design_notes=True, shows_stories=True
    )

    company_list = ProblemList.objects.company_lists().filter(snapshots__isnull=False).first()
    lists = [
        company_list.slug,
        "neetcode-150",
        *ProblemList.objects.values_list("slug", flat=True)[:2],
    ]
    dates = [s.as_of.isoformat() for s in company_list.snapshots.all()[:3]]
    problem_slugs = [p.slug for p in problems]
    archived = Problem.objects.filter(is_archived=True).first()
    if archived:
        problem_slugs.append(archived.slug)
    uid = urlsafe_base64_encode(force_bytes(candidate.pk))
    values = {
        "token": [link.token],
        "lists/slug": lists,
        "share/slug": lists,
        "as_of": dates,
        "problems/slug": problem_slugs,
        "ml-design/slug": [catalogue_prompt.slug, own_prompt.slug, their_prompt.slug],
        "breadth/slug": [q.slug for q in questions],
        "stage": list(DesignStage.objects.values_list("slug", flat=True)[:3]),
        "ml-design/pk": [str(attempt.pk), str(their_attempt.pk)],
        "stories/pk": [str(story.pk), str(their_story.pk)],
        "mocks/pk": [str(mock.pk)],
        "uidb64": [uid],
        "reset/token": [default_token_generator.make_token(candidate), "set-password"],
        "id": [str(candidate.pk), str(staff.pk)],
        "content_type_id": [str(ContentType.objects.get_for_model(Problem).pk)],
        "object_id/r": [str(problems[0].pk)],
    }
    Group.objects.create(name=f"Group {MARKER}")
    _axes_rows(candidate)
    pages = [
        "/",
        "/dashboard/",
        "/learn/",
        "/ml-design/",
        problems[0].get_absolute_url(),
        "/lists/neetcode-150/",
        own_prompt.get_absolute_url(),
    ]
    return World(
        candidate=candidate,
        staff=staff,
        stranger=stranger,
        path_values=values,
        mock_positions=list(mock.problems.values_list("position", flat=True)),
        pages=pages,
    )


def _axes_rows(user: User) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    common = {"username": user.username, "ip_address": "127.0.0.1", "user_agent": "fuzz"}
    AccessAttempt.objects.create(
        **common, get_data="", post_data="", failures_since_start=1, http_accept="*/*"
    )
    AccessLog.objects.create(**common, http_accept="*/*", path_info="/accounts/login/")
    AccessFailureLog.objects.create(**common, http_accept="*/*", path_info="/accounts/login/")


def real_path_values(world: World, route: Route, name: str) -> list[str]:
    head = route.route.split("/")[0]
    if route.admin_model is not None and name == "object_id":
        model = route.admin_model
        if model is User:
            return [str(world.candidate.pk)]
        return [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:2]]
    if head == "admin" and name == "object_id":
        return world.path_values["object_id/r"]
    for key in (f"{head}/{name}", name):
        if key in world.path_values:
            return world.path_values[key]
    return []


def path_value(world: World, route: Route, name: str, kind: str) -> st.SearchStrategy[str]:
    real = real_path_values(world, route, name)
    hostile = hostile_path_value(kind)
    # Mostly real values, so the views get past their lookups to the forms.
    return st.one_of(st.sampled_from(real), st.sampled_from(real), hostile) if real else hostile


# --- What each view reads ---------------------------------------------------------------------

CONFIRM = {"confirmed": forms.ChoiceField(choices=[("yes", "yes")])}
NEXT = {"next": forms.ChoiceField(choices=[("/", "/"), ("/lists/neetcode-150/", "list")])}

# The forms each view of the app and of Django's account pages reads, by URL name.
VIEW_FORMS: dict[str, list] = {
    "prep:review-rate": [prep_forms.ReviewRatingForm, NEXT],
    "prep:onboarding": [prep_forms.ProfileForm],
    "prep:settings": [prep_forms.ProfileForm],
    "prep:share-link-create": [prep_forms.ShareOptionsForm, CONFIRM],
    "prep:share-link-rotate": [CONFIRM],
    "prep:share-link-revoke": [CONFIRM],
    "prep:share-link-options": [prep_forms.ShareOptionsForm],
    "prep:account-delete": [prep_forms.DeleteAccountForm],
    "prep:data-import": [prep_forms.ImportForm],
    "prep:share-list": [prep_forms.ListFilterForm],
    "prep:list-detail": [prep_forms.ListFilterForm],
    "prep:problem-progress": [prep_forms.ProgressForm],
    "prep:breadth": [prep_forms.BreadthFilterForm],
    "prep:breadth-notes": [prep_forms.BreadthAnswerForm],
    "prep:problem-status": [prep_forms.ProblemStatusForm, NEXT],
    "prep:chapter-done": [prep_forms.ChapterDoneForm, NEXT],
    "prep:card-done": [prep_forms.CardDoneForm, NEXT],
    "prep:stage-studied": [prep_forms.StageStudiedForm, NEXT],
    "prep:prompt-create": [prep_forms.PromptForm],
    "prep:prompt-edit": [prep_forms.PromptForm],
    "prep:prompt-delete": [CONFIRM],
    "prep:prompt-timer": [prep_forms.TimerForm],
    "prep:story-timer": [prep_forms.TimerForm],
    "prep:mock-timer": [prep_forms.TimerForm],
    "prep:stage-work": [prep_forms.StageWorkForm],  # prefixed with the stage's slug
    "prep:story-create": [prep_forms.StoryForm],
    "prep:story-edit": [prep_forms.StoryForm],
    "prep:story-delete": [CONFIRM],
    "prep:mock-start": [prep_forms.MockStartForm],
    "prep:mock-reroll": [prep_forms.RerollForm],
    "prep:mock-record": [prep_forms.MockRecordForm],  # fields named after the mock's problems
    "prep:loops": [prep_forms.LoopCompanyForm],
    "signup": [prep_forms.SignupForm],
    "login": [AuthenticationForm, NEXT],
    "logout": [NEXT],
    "password_change": [PasswordChangeForm],
    "password_reset": [PasswordResetForm],
    "password_reset_confirm": [SetPasswordForm],
    "admin:login": [AdminAuthenticationForm, NEXT],
    "admin:logout": [NEXT],
    "admin:password_change": [PasswordChangeForm],
    "admin:auth_user_password_change": [AdminPasswordChangeForm],
    "admin:prep_listsnapshot_import": [CompanyListImportForm, CompanyListApplyForm],
    "admin:autocomplete": [dict.fromkeys(["term", "app_label", "model_name", "field_name"])],
}


def test_every_app_view_that_reads_a_form_is_described():
    """A new view of the app must say which form it reads, or it is fuzzed with random names
    only; views that read nothing are listed here."""
    reads_nothing = {
        "prep:home",
        "prep:dashboard",
        "prep:plan",
        "prep:data-export",
        "prep:share-dashboard",
        "prep:study-path",
        "prep:list-snapshot",
        "prep:companies",
        "prep:problem-detail",
        "prep:learn-cards",
        "prep:ml-design",
        "prep:prompt-detail",
        "prep:attempt-detail",
        "prep:stories",
        "prep:mock-detail",
        "prep:behavioral",
        "prep:breadth-detail",
    }
    app_names = {route.name for route in ROUTES if route.name.startswith("prep:")}
    assert app_names - reads_nothing - set(VIEW_FORMS) == set()


def _fields(form) -> dict[str, forms.Field | None]:
    if isinstance(form, dict):
        return dict(form)
    return dict(form.base_fields)


def fields_for(world: World, route: Route, values: dict[str, str]) -> dict:
    """The names the view reads, each with its form field (for plausible values) or None."""
    found: dict = {}
    for form in VIEW_FORMS.get(route.name, []):
        found.update(_fields(form))
    if route.name == "prep:stage-work":
        found = {f"{values.get('stage', '')}-{name}": field for name, field in found.items()}
    if route.name == "prep:mock-record":
        for position in world.mock_positions:
            found[f"outcome_{position}"] = forms.ChoiceField(choices=MockProblem.Outcome.choices)
            found[f"minutes_{position}"] = forms.IntegerField(min_value=0, max_value=240)
    if route.name == "prep:mock-start":
        found["problems"] = forms.IntegerField(min_value=1, max_value=3)
    if route.name == "prep:mock-reroll":
        found["position"] = forms.IntegerField(min_value=1, max_value=3)
    if route.admin_model is not None:
        found.update(_admin_fields(world, route))
    return found


def _admin_fields(world: World, route: Route) -> dict:
    model_admin = admin.site._registry[route.admin_model]
    request = RequestFactory().get("/admin/")
    request.user = world.staff
    view = route.name.rsplit("_", 1)[-1]
    if view == "changelist":
        names = {"q", "o", "p", "all", "e", "_to_field", "_popup", "_facets"}
        try:
            changelist = model_admin.get_changelist_instance(request)
            for spec in changelist.get_filters(request)[0]:
                names.update(spec.expected_parameters())
        except Exception:  # The fuzz below will say what is wrong with the changelist.
            pass
        return dict.fromkeys(names)
    if view == "delete":
        return {"post": forms.ChoiceField(choices=[("yes", "yes")])}
    if view not in ("add", "change"):
        return {}
    obj = route.admin_model._default_manager.first() if view == "change" else None
    found = dict(model_admin.get_form(request, obj).base_fields)
    for formset, _ in model_admin.get_formsets_with_inlines(request, obj):
        prefix = formset.get_default_prefix()
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            found[f"{prefix}-{name}"] = forms.IntegerField(min_value=0, max_value=3)
        found.update({f"{prefix}-0-{n}": f for n, f in formset.form.base_fields.items()})
    for button in ("_save", "_continue", "_addanother", "_saveasnew"):
        found[button] = None
    return found


def plausible(field: forms.Field | None) -> st.SearchStrategy | None:
    """Values the field would accept (roughly), so some posts get past validation."""
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        key = field.to_field_name or "pk"
        keys = [str(getattr(obj, key)) for obj in field.queryset[:5]]
        if not keys:
            return None
        if isinstance(field, forms.ModelMultipleChoiceField):
            return st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)
        return st.sampled_from(keys)
    if isinstance(field, forms.ChoiceField):
        keys = [str(key) for key, _ in field.choices if key not in ("", None)]
        return st.sampled_from(keys) if keys else None
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "1", "true"])
    if isinstance(field, forms.IntegerField):
        low = field.min_value if field.min_value is not None else -5
        return st.integers(low, field.max_value or 100).map(str)
    if isinstance(field, forms.DateField):
        today = date.today()
        return st.dates(today - timedelta(days=3), today + timedelta(days=800)).map(date.isoformat)
    if isinstance(field, forms.FileField):
        return st.none()  # a file is drawn for it below
    if isinstance(field, forms.CharField):
        # The same password in both boxes of a sign-up or password form, sometimes.
        known = st.sampled_from([MARKER, PASSWORD, "fuzz-candidate"])
        return st.one_of(known, st.text(_characters, min_size=1, max_size=20))
    return None


# What a JSON document may hold where the importer expects something else.
JSON_TROUBLE = st.one_of(
    st.sampled_from([None, True, "", MARKER, -1, 0, 1.5, 2**70, [], {}, [None], {"": None}]),
    st.sampled_from(["9999-12-31", "2024-02-30", "0001-01-01T00:00:00", "\x00", "x" * 300]),
    hostile_text,
)


@st.composite
def mutated(draw, document):
    """The document with one to three of its values, anywhere in it, replaced by trouble."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        node = document
        while isinstance(node, dict | list) and node:
            key = draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
            child = node[key]
            if not isinstance(child, dict | list) or not child or draw(st.booleans()):
                node[key] = draw(JSON_TROUBLE)
                break
            node = child
    return document


@st.composite
def company_csv(draw) -> bytes:
    """A company list in one of the importer's formats, with trouble in some cells."""
    rows = [["problem_link", "problem_name", "num_occur"]]
    good = ["https://leetcode.com/problems/two-sum/", "Two Sum", "3"]
    for _ in range(draw(st.integers(1, 3))):
        rows.append([draw(st.one_of(st.just(cell), hostile_text)) for cell in good])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@st.composite
def file_value(draw, world: World) -> SimpleUploadedFile:
    """An upload: the candidate's own export, the export with trouble in it, a company list,
    or any bytes."""
    kind = draw(st.sampled_from(["export", "mutated", "csv", "bytes"]))
    if kind == "export":
        raw = json.dumps(world.export()).encode()
    elif kind == "mutated":
        raw = json.dumps(draw(mutated(world.export()))).encode()
    elif kind == "csv":
        raw = draw(company_csv())
    else:
        raw = draw(st.one_of(st.binary(max_size=200), hostile_text.map(str.encode)))
    name = draw(st.sampled_from(["data.json", "list.csv", f"{IMG_MARKER}.csv", "x" * 300]))
    return SimpleUploadedFile(name, raw, content_type="application/octet-stream")


MISSING = object()
NO_TROUBLE = "(none)"


@st.composite
def values_for(draw, world: World, fields: dict, theme: str, *, files: bool) -> dict:
    """Form data for the fields: one field in trouble and the others plausible (so the form
    gets as far as that field allows), trouble everywhere, or none (so forms get saved, with
    the script marker in their text); and up to two random names."""
    hostile = hostile_value(theme)
    names = [name for name, field in fields.items() if not isinstance(field, forms.FileField)]
    focus = draw(st.sampled_from([None, NO_TROUBLE, *names]), label="field in trouble")
    found = {}
    for name, field in fields.items():
        if isinstance(field, forms.FileField):
            value = draw(file_value(world)) if files else MISSING
        elif focus is None:
            value = draw(st.one_of(hostile, hostile, hostile, hostile, hostile, st.just(MISSING)))
        elif name == focus:
            value = draw(hostile)
        else:
            good = plausible(field)
            if good is not None and field is not None and not field.required:
                good = st.one_of(good, good, st.just(MISSING))
            value = draw(good) if good is not None else MISSING
        if value is not MISSING:
            found[name] = value
    return {**draw(st.dictionaries(hostile_name, hostile, max_size=2)), **found}


# --- Sending them ---------------------------------------------------------------------------


@dataclass
class Failure:
    role: str
    method: str
    url: str
    headers: dict
    data: dict
    problem: str

    def __str__(self) -> str:
        return (
            f"{self.method} {_short(self.url)} as {self.role}{_short(self.headers)}: "
            f"{self.problem}\n    data: {_short(self.data)}"
        )


def _short(value, limit: int = 300) -> str:
    if isinstance(value, dict):
        if not value:
            return ""
        value = {
            k: (f"<upload {v.name}>" if isinstance(v, SimpleUploadedFile) else v)
            for k, v in value.items()
        }
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        return f"{text[:limit]}… ({len(text)} characters)"
    return text


def _login(role: str, world: World) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.candidate if role == "candidate" else world.staff)
    return client


def examples_for(route: Route) -> int:
    if route.route.startswith("admin/"):
        reads_form = re.search(r"_(changelist|add|change|import)$", route.name)
        return ADMIN_EXAMPLES if reads_form else ADMIN_PAGE_EXAMPLES
    return FORM_EXAMPLES if route.name in VIEW_FORMS else PAGE_EXAMPLES


def role_for(route: Route, example: int) -> str:
    """Who sends an example's requests: in turn, so each of them does."""
    if route.route.startswith("admin/"):
        roles = ["staff", "anonymous", "candidate", "staff"]
    else:
        roles = ["candidate", "anonymous", "staff", "candidate"]
    return roles[example % len(roles)]


@st.composite
def htmx_headers(draw, world: World) -> dict:
    if not draw(st.booleans()):
        return {}
    headers = {"HTTP_HX_REQUEST": "true"}
    header_text = st.one_of(
        st.sampled_from(["[", "[::1]", "//evil.example/", "javascript:alert(1)", MARKER]),
        st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=40),
    )
    if draw(st.booleans()):
        page = draw(st.one_of(st.sampled_from(world.pages), header_text))
        headers["HTTP_HX_CURRENT_URL"] = f"http://testserver{page}"
    if draw(st.booleans()):
        target = st.sampled_from(["list-body", "problem-reviews", "today-panels"])
        headers["HTTP_HX_TARGET"] = draw(st.one_of(target, header_text))
    return headers


class Fuzzer:
    """Sends requests and keeps every failure, with what was sent."""

    def __init__(self):
        self.failures: list[Failure] = []
        self.examples = 0  # started
        self.completed = 0
        self.sent = 0

    def send(self, client: Client, role: str, method: str, url: str, headers: dict, data: dict):
        self.sent += 1
        failure = Failure(role, method, url, headers, data, "")
        try:
            # A savepoint per request: on PostgreSQL, a failed statement would otherwise spoil
            # the test's transaction for every request after it.
            with transaction.atomic():
                response = self._request(client, method, url, headers, data)
        except Exception as exc:  # The point is to catch anything.
            failure.problem = f"raised {type(exc).__name__}: {_short(str(exc), 200)}"
            self.failures.append(failure)
            return None
        if response.status_code >= 500:
            failure.problem = f"answered {response.status_code}"
            self.failures.append(failure)
        elif (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and any(marker in response.content for marker in RAW_MARKERS)
        ):
            failure.problem = "echoed the script marker unescaped"
            self.failures.append(failure)
        return response

    @staticmethod
    def _request(client: Client, method: str, url: str, headers: dict, data: dict):
        if method == "GET":
            query = {k: v for k, v in data.items() if not isinstance(v, SimpleUploadedFile)}
            separator = "&" if "?" in url else "?"
            full = f"{url}{separator}{urlencode(query, doseq=True)}" if query else url
            return client.get(full, **headers)
        if any(isinstance(v, SimpleUploadedFile) for v in data.values()):
            for upload in data.values():
                if isinstance(upload, SimpleUploadedFile):
                    upload.seek(0)
            return client.post(url, data, **headers)
        body = urlencode(data, doseq=True)
        return client.post(url, body, content_type="application/x-www-form-urlencoded", **headers)


def _fuzz(route: Route, world: World) -> Fuzzer:
    fuzzer = Fuzzer()
    known_fields: dict = {}  # by stage: only the stage's notes form names its fields after one
    examples = examples_for(route)

    # A seed of its own per pattern (the same on every run): with derandomize alone, every
    # pattern would draw the same sequence of choices.
    @seed(zlib.crc32(route.route.encode()))
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )
    @given(st.data())
    def run(data):
        role = role_for(route, fuzzer.examples)
        fuzzer.examples += 1
        values = {
            name: data.draw(path_value(world, route, name, kind), label=name)
            for name, kind in route.params
        }
        url = route.path(values)
        key = values.get("stage")
        if key not in known_fields:
            known_fields[key] = fields_for(world, route, values)
        fields = known_fields[key]
        theme = data.draw(st.sampled_from(sorted(THEMES)), label="theme")
        query = data.draw(values_for(world, fields, theme, files=False), label="query")
        post = data.draw(values_for(world, fields, theme, files=True), label="post")
        headers = data.draw(htmx_headers(world), label="headers")
        # Each example starts from the same rows: what one example saved or deleted is undone.
        with transaction.atomic():
            client = _login(role, world)
            fuzzer.send(client, role, "GET", url, headers, query)
            response = fuzzer.send(client, role, "POST", url, headers, post)
            location = response.get("Location", "") if response is not None else ""
            if location.startswith("/") and response.status_code in (301, 302, 303):
                # Where a saved form leads: what it stored is shown there, escaped.
                fuzzer.send(client, role, "GET", location, {}, {})
            transaction.set_rollback(True)
        fuzzer.completed += 1

    run()
    return fuzzer


@pytest.fixture
def quiet_request_log():
    """Every 4xx is logged as a warning; thousands of them would drown the report."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.usefixtures("quiet_request_log")
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.route or "/")
def test_hostile_input_never_gets_a_server_error_or_an_unescaped_echo(route, world):
    fuzzer = _fuzz(route, world)

    assert fuzzer.completed >= examples_for(route) // 2, "Hypothesis discarded most examples"
    report = "\n".join(str(failure) for failure in fuzzer.failures[:20])
    assert not fuzzer.failures, (
        f"{len(fuzzer.failures)} of {fuzzer.sent} requests to {route.route!r} failed:\n{report}"
    )


# --- What the fuzz found, one test each ---------------------------------------------------------


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/prep/problem/?q=two%00sum",  # the admin's search
        "/admin/prep/problem/?difficulty__exact=easy%00",  # an admin filter
        "/admin/prep/company/%00/change/",  # an admin path
        "/lists/neetcode-150/?not_in=%00",  # a list's filter
        "/lists/meta-top-100-six-months/snapshots/2026%00/",  # a path
    ],
)
def test_a_nul_character_anywhere_answers_400_with_a_readable_page(staff_client, url):
    response = staff_client.get(url)

    assert response.status_code == 400
    assert "null character" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("view", ["change", "delete"])
def test_an_admin_page_asked_for_a_blank_to_field_answers_400(staff_client, method, view):
    """The admin skipped its check of `_to_field` when blank, then looked up a field named ""."""
    company = Company.objects.first()
    url = f"/admin/prep/company/{company.pk}/{view}/?_to_field="

    response = getattr(staff_client, method)(url, {"post": "yes"} if method == "post" else None)

    assert response.status_code == 400
    assert "field with no name" in response.content.decode()
    assert Company.objects.filter(pk=company.pk).exists()


def test_a_form_with_a_nul_character_saves_nothing(alice_client, alice):
    area = FocusArea.objects.active().first()
    story = {"title": "Launch\x00", "focus_areas": [area.slug], "state": "drafted"}

    response = alice_client.post(reverse("prep:story-create"), story)
    htmx = alice_client.post(reverse("prep:story-create"), story, HTTP_HX_REQUEST="true")

    assert response.status_code == htmx.status_code == 400
    assert "null character" in response.content.decode()
    assert "<html" not in htmx.content.decode()  # htmx gets the message for its error region
    assert htmx["HX-Retarget"] == "#htmx-errors"
    assert not alice.stories.exists()


def test_htmx_naming_its_page_with_an_address_that_is_not_one_answers_400(alice_client, alice):
    """An unclosed "[" reads as a broken IPv6 host: django-htmx raised ValueError on it."""
    response = alice_client.post(
        reverse("prep:problem-status"),
        {"problem": "two-sum", "status": "solved"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver[/lists/",
    )

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not ProblemProgress.objects.filter(user=alice).exists()


def test_too_many_form_fields_answer_400_not_500(alice_client):
    """The NUL check reads every posted field before the view does; a body Django refuses to
    read is still a 400."""
    fields = {f"field{n}": "x" for n in range(1_100)}

    response = alice_client.post(reverse("prep:story-create"), fields)

    assert response.status_code == 400


def test_a_long_username_fits_axes_columns(client, db):
    """Django's login form does not stop an over-long username before authenticating; axes
    then wrote it to a 255-character column, which PostgreSQL refused with a 500."""
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "x" * 300, "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert AccessAttempt.objects.get().username == "x" * 255


def test_a_long_username_is_locked_out_like_any_other(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": "y" * 300, "password": "wrong"})

    response = client.post(reverse("login"), {"username": "y" * 300, "password": "wrong"})

    assert response.status_code == 429


@pytest.mark.parametrize("value", ["//evil.example/", "1.5", "99999999999999999999"])
def test_the_admin_add_page_with_a_problem_that_is_no_key_selects_nothing(staff_client, value):
    """Django's autocomplete looked a prefilled ?problem= up as a key and raised ValueError."""
    response = staff_client.get("/admin/prep/listentry/add/", {"problem": value})

    assert response.status_code == 200
    assert 'name="problem"' in response.content.decode()


def test_an_admin_post_with_a_problem_that_is_no_key_says_so_and_saves_nothing(staff_client):
    problem_list = ProblemList.objects.get(slug="neetcode-150")
    before = ListEntry.objects.count()

    response = staff_client.post(
        "/admin/prep/listentry/add/",
        {"problem_list": problem_list.pk, "problem": "abc", "position": 1, "rank": 1},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ListEntry.objects.count() == before


# --- Nothing typed comes back unescaped -------------------------------------------------------


def test_text_saved_through_the_forms_comes_back_escaped_on_every_page_that_shows_it(
    alice_client, alice, alice_e5
):
    """The script marker typed into every text field a candidate writes, through the forms,
    then every page that shows those fields: each shows the text, escaped, never the tag."""
    area = FocusArea.objects.active().first()
    stage = DesignStage.objects.active().first()
    story = {
        name: f"{name} {MARKER}" for name in ["title", "situation", "task", "action", "result"]
    }
    story.update(learned=f"learned {IMG_MARKER}", focus_areas=[area.slug], state="drafted")
    assert alice_client.post(reverse("prep:story-create"), story).status_code == 302
    prompt = {"title": f"Prompt {MARKER}", "brief": f"Brief {IMG_MARKER}"}
    assert alice_client.post(reverse("prep:prompt-create"), prompt).status_code == 302
    own = PracticePrompt.objects.get(owner=alice)
    notes = {f"{stage.slug}-notes": f"Stage {MARKER} {IMG_MARKER}", f"{stage.slug}-rating": "3"}
    url = reverse("prep:stage-work", args=[own.slug, stage.slug])
    assert alice_client.post(url, notes).status_code == 302
    progress = {"notes": f"Notes {MARKER} {IMG_MARKER}", "minutes_spent": "5", "confidence": ""}
    url = reverse("prep:problem-progress", args=["two-sum"])
    assert alice_client.post(url, progress).status_code == 302
    link = ShareLinkFactory(
        user=alice, shows_notes=True, shows_design_notes=True, shows_stories=True
    )
    attempt = DesignAttempt.objects.get(user=alice)
    story_pk = alice.stories.get().pk

    pages = [
        reverse("prep:stories"),
        reverse("prep:story-edit", args=[story_pk]),
        reverse("prep:ml-design"),
        own.get_absolute_url(),
        reverse("prep:prompt-edit", args=[own.slug]),
        reverse("prep:attempt-detail", args=[attempt.pk]),
        reverse("prep:problem-detail", args=["two-sum"]),
        reverse("prep:dashboard"),
        reverse("prep:home"),
        reverse("prep:share-dashboard", args=[link.token]),
        reverse("prep:share-list", args=[link.token, "neetcode-150"]),
    ]
    shown = ""
    for page in pages:
        response = alice_client.get(page)
        html = response.content.decode()
        assert response.status_code == 200, page
        assert MARKER not in html, page
        assert IMG_MARKER not in html, page
        shown += html
    for text in [f"title {MARKER}", f"situation {MARKER}", f"Prompt {MARKER}"]:
        assert escape(text) in shown
