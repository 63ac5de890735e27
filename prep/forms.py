import functools
import zoneinfo
from datetime import timedelta

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator
from django.forms.utils import flatatt
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from prep.models import (
    BreadthAnswer,
    BreadthQuestion,
    Company,
    DesignStage,
    FocusArea,
    LearnCard,
    LearnChapter,
    Level,
    MockProblem,
    PracticePrompt,
    Problem,
    ProblemList,
    ProblemProgress,
    Profile,
    Rating,
    ShareLink,
    StageWork,
    Status,
    Story,
)
from prep.portability import MAX_BYTES, ImportRefused, read_document, too_big

NOTES_MAX = 20_000
# An interview further ahead than this is a typo (2062 for 2026), not a plan.
MAX_DAYS_AHEAD = 2 * 365


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Only used to reset your password if you forget it.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone this machine knows, UTC first."""
    zones = sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith("Etc/")
    )
    return [("UTC", "UTC"), *((z, z.replace("_", " ")) for z in zones)]


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, level: Level) -> str:
        return level.label


class ProfileForm(forms.ModelForm):
    target_company = forms.ModelChoiceField(
        Company.objects.active(),
        label="Target company",
        empty_label=None,
        help_text="Its most frequent problems count towards your readiness. You can change it "
        "at any time; your progress stays.",
    )
    target_level = LevelChoiceField(
        Level.objects.active(),
        label="Target level",
        empty_label=None,
        help_text="Levels go by Meta's names, as the guide does, and each says what it means: "
        "pick the seniority you are interviewing for, whatever your company calls it.",
    )
    interview_date = forms.DateField(
        label="Interview date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. Leave empty if it is not booked yet.",
    )
    hours_per_week = forms.IntegerField(
        label="Hours per week",
        required=False,
        min_value=1,
        max_value=80,
        help_text=f"Optional. How many hours a week you can study; the plan assumes "
        f"{Profile.DEFAULT_HOURS_PER_WEEK} until you say.",
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        initial="UTC",
        # Optional, so a form posted without it (an older page) keeps the saved zone.
        required=False,
        help_text="Your day starts at midnight here: Today, reviews and your activity follow it.",
        error_messages={"invalid_choice": "“%(value)s” is not a time zone we know. Pick one."},
    )

    class Meta:
        model = Profile
        fields = ["target_company", "target_level", "interview_date", "hours_per_week", "time_zone"]

    def clean_time_zone(self) -> str:
        return self.cleaned_data["time_zone"] or self.instance.time_zone or "UTC"

    def clean_interview_date(self):
        day = self.cleaned_data["interview_date"]
        if day is None or day == self.instance.interview_date:
            return day  # A date saved before stays, even once it has passed.
        # A day of slack either side of UTC's date: the candidate may be a time zone away.
        today = timezone.localdate()
        if day < today - timedelta(days=1):
            raise forms.ValidationError(
                "That date has passed. Pick the day of your interview, or leave it empty."
            )
        if day > today + timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(
                "That is more than two years away. Pick a date within two years, or leave it "
                "empty until it is booked."
            )
        return day


class LoopCompanyForm(forms.Form):
    company = forms.ModelChoiceField(
        Company.objects.active(),
        to_field_name="slug",
        label="Company",
        empty_label=None,
        error_messages={"invalid_choice": "There is no such company here. Pick one from the menu."},
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=Status.choices,
        error_messages={"invalid_choice": "“%(value)s” is not a status. Pick one from the menu."},
    )


class ProgressForm(forms.ModelForm):
    confidence = forms.TypedChoiceField(
        label="Confidence",
        choices=[("", "Not rated"), *((n, f"{n} of 5") for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Confidence goes from 1 to 5."},
    )
    minutes_spent = forms.IntegerField(
        label="Minutes spent",
        min_value=0,
        max_value=100_000,
        error_messages={"invalid": "Minutes must be a whole number, like 25."},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown: your approach, the trick you missed, complexity.",
    )

    class Meta:
        model = ProblemProgress
        fields = ["confidence", "minutes_spent", "notes"]


class ReviewRatingForm(forms.Form):
    """How an attempt at a problem, a rehearsal of a story or an answer to an ML breadth question
    went: one of FSRS's four grades."""

    RATINGS = {"again": Rating.AGAIN, "hard": Rating.HARD, "good": Rating.GOOD, "easy": Rating.EASY}

    rating = forms.ChoiceField(
        choices=[(name, name.title()) for name in RATINGS],
        error_messages={
            "required": "Say how it went: Again, Hard, Good or Easy.",
            "invalid_choice": "“%(value)s” is not a rating. Pick Again, Hard, Good or Easy.",
        },
    )
    problem = forms.ModelChoiceField(
        Problem.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "There is no such problem in the catalogue."},
    )
    story = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={"invalid": "A story is named by its number."},
    )
    question = forms.ModelChoiceField(
        BreadthQuestion.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "There is no such question in the ML breadth bank."},
    )

    def clean(self):
        data = super().clean()
        named = [data.get(name) for name in ("problem", "story", "question")]
        if sum(value is not None for value in named) != 1 and not self.errors:
            raise forms.ValidationError(
                "Rate one problem or one story (or one breadth question) at a time."
            )
        return data

    @property
    def grade(self) -> int:
        return self.RATINGS[self.cleaned_data["rating"]]


class BreadthAnswerForm(forms.ModelForm):
    notes = forms.CharField(
        label="Your answer",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Markdown. Write it as you would say it in the interview, then check it "
        "against the points below.",
    )

    class Meta:
        model = BreadthAnswer
        fields = ["notes"]


class BreadthFilterForm(forms.Form):
    SHOW = {"all": "All questions", "unanswered": "Not answered yet", "answered": "Answered"}

    show = forms.ChoiceField(
        label="Show",
        choices=list(SHOW.items()),
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a choice. Pick one from the menu."},
    )

    def clean_show(self) -> str:
        return self.cleaned_data["show"] or "all"


class DoneForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("1", "Done"), ("0", "Not done")],
        coerce=lambda value: value == "1",
        error_messages={"invalid_choice": "Say 1 for done or 0 for not done."},
    )


class FastSelect(forms.Select):
    """A <select> written in Python, the same markup as Django's template for it less the blank
    lines: a list page's filters have a hundred options, and a template per option is most of
    the time the page takes to render."""

    def render(self, name, value, attrs=None, renderer=None):
        if any(isinstance(label, list | tuple) for _, label in self.choices):
            return super().render(name, value, attrs, renderer)  # Option groups: Django's way.
        chosen = next(iter(self.format_value(value)), None)
        options = []
        for option, label in self.choices:
            selected = " selected" if chosen is not None and str(option) == chosen else ""
            if selected:
                chosen = None  # Only the first match, as Django's Select does.
            options.append(f'<option value="{escape(option)}"{selected}>{escape(label)}</option>')
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs}>{"".join(options)}</select>')


class ListFilterForm(forms.Form):
    """The filters of a list page, read from the query string."""

    q = forms.CharField(label="Search titles", required=False, max_length=100)
    # "Solved" keeps what the counters count as solved: Needs review too (SOLVED_STATUSES).
    status = forms.ChoiceField(
        widget=FastSelect,
        label="Status",
        required=False,
        choices=[
            ("", "Any status"),
            *[
                (value, "Solved or needs review" if value == Status.SOLVED else label)
                for value, label in Status.choices
            ],
        ],
    )
    difficulty = forms.ChoiceField(label="Difficulty", required=False, widget=FastSelect)
    section = forms.ChoiceField(label="Section", required=False, widget=FastSelect)
    topic = forms.ChoiceField(label="Topic", required=False, widget=FastSelect)
    not_in = forms.ChoiceField(label="Not in list", required=False, widget=FastSelect)
    company = forms.ChoiceField(label="Asked at", required=False, widget=FastSelect)
    premium = forms.ChoiceField(
        widget=FastSelect,
        label="Premium",
        required=False,
        choices=[("", "All problems"), ("free", "Free only"), ("premium", "Premium only")],
    )
    sort = forms.ChoiceField(
        widget=FastSelect,
        label="Order",
        required=False,
        choices=[
            ("", "List order"),
            ("frequency", "Most frequent first"),
            ("title", "Title, A to Z"),
            ("difficulty", "Difficulty, easy first"),
        ],
    )
    hide_topics = forms.BooleanField(label="Hide topic tags", required=False)
    # Only for lists over a longer window that also know the last six months (Meta's design list).
    window = forms.ChoiceField(
        widget=FastSelect,
        label="Asked",
        required=False,
        choices=[("", "At any time"), ("six-months", "In the last six months")],
    )

    def __init__(
        self, data, *, difficulties, sections, topics, other_lists, companies, recent=False
    ):
        super().__init__(data)
        if not recent:
            del self.fields["window"]
        self.fields["difficulty"].choices = [("", "Any difficulty"), *difficulties]
        self.fields["section"].choices = [("", "All sections"), *sections]
        self.fields["topic"].choices = [("", "Any topic"), *topics]
        self.fields["not_in"].choices = [("", "—"), *other_lists]
        self.fields["company"].choices = [("", "Any company"), *companies]
        if not sections:
            del self.fields["section"]


class ProblemStatusForm(StatusForm):
    problem = forms.ModelChoiceField(
        Problem.objects.active(),
        to_field_name="slug",
        error_messages={"invalid_choice": "There is no such problem in the catalogue."},
    )
    list = forms.ModelChoiceField(
        ProblemList.objects.active(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "There is no such list in the catalogue."},
    )

    def clean(self):
        data = super().clean()
        problem, problem_list = data.get("problem"), data.get("list")
        if problem and problem_list and not problem_list.entries.active().filter(problem=problem):
            raise forms.ValidationError(f"{problem.title} is not in {problem_list.name}.")
        return data


class ChapterDoneForm(DoneForm):
    chapter = forms.ModelChoiceField(
        LearnChapter.objects.active(),
        error_messages={"invalid_choice": "There is no such chapter."},
    )


class CardDoneForm(DoneForm):
    card = forms.ModelChoiceField(
        LearnCard.objects.active(),
        to_field_name="slug",
        error_messages={"invalid_choice": "There is no such Learn card."},
    )


class StageStudiedForm(DoneForm):
    stage = forms.ModelChoiceField(
        DesignStage.objects.active(),
        to_field_name="slug",
        error_messages={"invalid_choice": "There is no such design stage."},
    )


class ShareOptionsForm(forms.ModelForm):
    expiry_days = forms.TypedChoiceField(
        label="Link expires",
        choices=ShareLink.Expiry.choices,
        coerce=int,
        error_messages={"invalid_choice": "Pick 7, 30 or 90 days, or never."},
    )

    class Meta:
        model = ShareLink
        fields = ["expiry_days", "shows_notes", "shows_design_notes", "shows_stories"]
        labels = {
            "shows_notes": "Show my problem notes",
            "shows_design_notes": "Show my ML design write-ups",
            "shows_stories": "Show my behavioral stories",
        }

    def save(self, commit: bool = True) -> ShareLink:
        link = super().save(commit=False)
        if "expiry_days" in self.changed_data:
            # A new choice counts from now; saving other options keeps the current expiry.
            link.set_expiry(self.cleaned_data["expiry_days"])
        if commit:
            link.save()
        return link


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password


class StageWorkForm(forms.ModelForm):
    notes = forms.CharField(
        label="Your notes",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown. What you would say for this stage.",
    )
    rating = forms.TypedChoiceField(
        label="How well did it go?",
        choices=[("", "Not rated"), *((n, f"{n} of 5") for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "A rating goes from 1 to 5."},
    )

    class Meta:
        model = StageWork
        fields = ["notes", "is_done", "rating"]
        labels = {"is_done": "Done"}


class TimerForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("start", "Start"), ("pause", "Pause"), ("resume", "Resume"), ("end", "End")],
        error_messages={"invalid_choice": "The timer can start, pause, resume or end."},
    )


class PromptForm(forms.ModelForm):
    TITLE_LIMIT = 120
    BRIEF_LIMIT = 4_000

    # Tighter than the columns allow: a title fits on a card, a brief reads in a minute or two.
    title = forms.CharField(
        label="Prompt",
        max_length=TITLE_LIMIT,
        help_text=f"Up to {TITLE_LIMIT} characters. For example: Design a feed ranking system "
        "for a short-video app.",
        error_messages={
            "required": "Give the prompt a title, such as the question you were asked.",
            "max_length": "Keep the title to %(limit_value)d characters; it has %(show_value)d.",
        },
    )
    brief = forms.CharField(
        label="Brief",
        max_length=BRIEF_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Up to {BRIEF_LIMIT:,} characters: what to build, the scale, and anything "
        "the interviewer told you.",
        error_messages={
            "required": "Write a short brief: what to build and at what scale.",
            "max_length": "Keep the brief to %(limit_value)d characters; it has %(show_value)d.",
        },
    )

    class Meta:
        model = PracticePrompt
        fields = ["title", "brief"]


class StoryForm(forms.ModelForm):
    focus_areas = forms.ModelMultipleChoiceField(
        FocusArea.objects.active(),
        to_field_name="slug",
        label="Focus areas",
        help_text="Tick every area this story gives evidence for.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tag the story with at least one focus area."},
    )

    class Meta:
        model = Story
        fields = [
            "title",
            "situation",
            "task",
            "action",
            "result",
            "learned",
            "focus_areas",
            "state",
        ]
        labels = {"state": "Status", "learned": "What I learned"}
        help_texts = {
            "situation": "Where and when, and what was at stake, in a sentence or two.",
            "task": "What was yours to do: the goal or the problem you owned.",
            "action": "What you did yourself, step by step: most of the answer goes here.",
            "result": "What changed because of it, with a number if you have one.",
            "state": "Rehearsed once you can tell it aloud in about three minutes.",
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 4 if name == "action" else 3})
            for name in ["situation", "task", "action", "result", "learned"]
        }


class RerollForm(forms.Form):
    position = forms.IntegerField(min_value=1)

    def __init__(self, *args, positions: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].max_value = positions
        self.fields["position"].validators.append(MaxValueValidator(positions))


class MockStartForm(forms.Form):
    """How many problems a new mock holds, where its level lets the candidate choose; a post
    without a choice gets the level's own number."""

    problems = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, counts: list[int], default: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default
        field = self.fields["problems"]
        field.choices = [(count, str(count)) for count in counts]
        spelled = " or ".join(str(count) for count in counts)
        plural = "" if counts == [1] else "s"
        field.error_messages["invalid_choice"] = (
            f"A mock at your level holds {spelled} problem{plural}: choose one of those."
            if len(counts) > 1
            else f"A mock at your level holds {spelled} problem{plural}."
        )

    def clean_problems(self) -> int:
        value = self.cleaned_data["problems"]
        return self.default if value is None else value


class MockRecordForm(forms.Form):
    """One outcome and a minute count per problem of a mock round."""

    def __init__(self, *args, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems = list(problems)
        for item in self.problems:
            self.fields[f"outcome_{item.position}"] = forms.ChoiceField(
                label=f"How did {item.problem.title} go?",
                choices=MockProblem.Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say how {item.problem.title} went."},
            )
            self.fields[f"minutes_{item.position}"] = forms.IntegerField(
                label=f"Minutes on {item.problem.title}",
                min_value=0,
                max_value=240,
                error_messages={"invalid": "Minutes must be a whole number, like 18."},
            )

    def rows(self):
        return [
            (item, self[f"outcome_{item.position}"], self[f"minutes_{item.position}"])
            for item in self.problems
        ]


class ImportForm(forms.Form):
    """A data file to restore into the account, and the candidate's word that it replaces
    what the account holds; `document` is the file's JSON once the form is valid."""

    file = forms.FileField(
        label="Data file",
        help_text=f"The .json file “Download my data” gave you, at most "
        f"{filesizeformat(MAX_BYTES)}.",
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
        error_messages={
            "required": "Choose the data file to import.",
            "empty": "That file is empty. Nothing was imported.",
        },
    )
    replace = forms.BooleanField(
        label="Replace what this account holds with the file's contents",
        error_messages={
            "required": "Tick the box to confirm that the file replaces what this account "
            "holds. Nothing was imported."
        },
    )

    document: dict | None = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(too_big(upload.size))  # before reading it all in
        try:
            self.document = read_document(upload.read())
        except ImportRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload
