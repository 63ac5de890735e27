from collections import Counter

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods

from prep.company_files import CompanyFileError
from prep.fragments import catalogue_change
from prep.models import (
    BreadthAnswer,
    BreadthQuestion,
    BreadthTopic,
    CodingStep,
    Company,
    DesignAttempt,
    DesignStage,
    FocusArea,
    LearnCard,
    LearnChapter,
    Level,
    ListEntry,
    ListSection,
    ListSnapshot,
    Loop,
    PhoneScreenSegment,
    PracticePrompt,
    Problem,
    ProblemList,
    ProblemProgress,
    Resource,
    SnapshotEntry,
    StageWork,
    Story,
    SyncRecord,
    Topic,
)
from prep.models.catalogue import count_of
from prep.models.sync import (
    FAMILIES,
    changed_fields,
    child_change,
    describe_changes,
    field_labels,
    m2m_fields,
    synced_values,
    with_synced_values,
)
from prep.portability import OWNED_MODELS, erase_account
from prep.snapshots import SnapshotPlan, StalePlan, snapshot_import, snapshot_plan

admin.site.site_header = "MLE Prep catalogue"
admin.site.site_title = "MLE Prep admin"
admin.site.index_title = "Curate the study catalogue"


@admin.action(description="Archive selected items (hide them from users)")
def archive(modeladmin, request, queryset):
    with catalogue_change():
        queryset.update(is_archived=True)


@admin.action(description="Restore selected items")
def restore(modeladmin, request, queryset):
    with catalogue_change():
        queryset.update(is_archived=False)


# A user's own rows (notes, stories, private prompts, ...) are theirs: staff see counts only.
PRIVATE_MODELS = OWNED_MODELS | {Story.focus_areas.through}


def is_private(obj: models.Model) -> bool:
    if isinstance(obj, PracticePrompt):
        return obj.owner_id is not None  # the catalogue's prompts are the admin's to curate
    return type(obj) in PRIVATE_MODELS


def deleted_objects(objs, request, admin_site):
    """Django's `get_deleted_objects`, with users' own rows counted instead of named: the stock
    page lists every row a deletion takes by its str(), which carries stories' and private
    prompts' titles."""
    if not len(objs):
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(objs[0]._meta.model), origin=objs)
    collector.collect(objs)
    perms_needed, hidden = set(), Counter()

    def describe(obj) -> str | None:
        opts = obj._meta
        if is_private(obj):
            hidden[opts.verbose_name_plural] += 1
            return None
        if not admin_site.is_registered(type(obj)):
            return f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[quote(obj.pk)],
            )
        except NoReverseMatch:
            return f"{capfirst(opts.verbose_name)}: {obj}"
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    def shown(nested: list) -> list:
        found, skip = [], False
        for item in nested:
            if isinstance(item, list):
                if not skip:
                    found.append(shown(item))
            elif item is not None:
                found.append(item)
            skip = item is None  # a hidden row's children follow it as a list
        return found

    def counted() -> list[str]:
        lines = [f"{n} {name} of users (private: counted, not shown)" for name, n in hidden.items()]
        hidden.clear()
        return lines

    to_delete = shown(collector.nested(describe)) + counted()
    protected = [p for p in map(describe, collector.protected) if p is not None] + counted()
    model_count = {
        model._meta.verbose_name_plural: len(found) for model, found in collector.model_objs.items()
    }
    return to_delete, model_count, perms_needed, protected


class PrivateRowsCounted:
    """For a ModelAdmin whose deletions can reach users' own rows: they are counted, not named."""

    def get_deleted_objects(self, objs, request):
        return deleted_objects(objs, request, self.admin_site)


class UpstreamFilter(admin.SimpleListFilter):
    title = "upstream"
    parameter_name = "upstream"

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("edited", "edited here"), ("added", "added here"), ("shipped", "as shipped")]

    def queryset(self, request, queryset):
        if self.value() == "added":
            return queryset.filter(synced_values__isnull=True)
        if self.value() in ("edited", "shipped"):
            # Whether a row was edited is a comparison in Python, over one query for the model.
            synced = queryset.filter(synced_values__isnull=False)
            edited = [obj.pk for obj in synced if self.model_admin.upstream_changes(obj)]
            if self.value() == "edited":
                return queryset.filter(pk__in=edited)
            return synced.exclude(pk__in=edited)
        return queryset


class UpstreamAdmin(PrivateRowsCounted, admin.ModelAdmin):
    """Shows on each row whether it is still as load_catalog shipped it (see prep.models.sync)."""

    readonly_fields = ["upstream"]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "upstream"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), UpstreamFilter]

    def get_queryset(self, request):
        queryset = with_synced_values(super().get_queryset(request))
        prefetches = [f.name for f in m2m_fields(self.model)]
        for child in FAMILIES.get(self.model._meta.label_lower, ()):
            rows = with_synced_values(apps.get_model(child.label).objects.all())
            prefetches.append(
                Prefetch(child.related_name, rows, to_attr=f"synced_{child.related_name}")
            )
            queryset = queryset.annotate(
                **{f"deleted_{child.related_name}": _deleted_children(child)}
            )
        return queryset.prefetch_related(*prefetches)

    def upstream_changes(self, obj) -> str | None:
        """What was changed here since the last sync, "" if nothing, None if never synced."""
        recorded = getattr(obj, "synced_values", None)
        if obj.pk is None or recorded is None:
            return None
        fields = field_labels(self.model, changed_fields(synced_values(obj), recorded))
        children = {}
        for child in FAMILIES.get(self.model._meta.label_lower, ()):
            counts = Counter(
                child_change(synced_values(row), row.synced_values, is_archived=row.is_archived)
                for row in getattr(obj, f"synced_{child.related_name}", [])
            )
            counts["deleted"] = getattr(obj, f"deleted_{child.related_name}", 0)
            del counts[None]
            if +counts:
                children[child] = counts
        return describe_changes(fields, children)

    @admin.display(description="upstream")
    def upstream(self, obj) -> str:
        changes = self.upstream_changes(obj)
        if changes is None:
            return "added here"
        return f"edited here: {changes}" if changes else "as shipped"


def _deleted_children(child):
    """How many of a parent's children the last sync wrote and the admin has since deleted."""
    model = apps.get_model(child.label)
    parent = model._meta.get_field(child.parent).attname
    records = (
        SyncRecord.objects.filter(model=child.label)
        .exclude(values__is_archived=True)
        .annotate(parent=Cast(KT(f"values__{parent}"), models.BigIntegerField()))
        .filter(parent=OuterRef("pk"))
        .exclude(object_pk__in=model.objects.values("pk"))
        .values("model")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(records), 0)


class CatalogueAdmin(UpstreamAdmin):
    actions = [archive, restore]
    # Links in the catalogue are https; say so rather than rely on Django 5's http default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["is_archived"]
    search_fields = ["slug"]

    def get_readonly_fields(self, request, obj=None):
        # The slug links a synced row to its fixture entry; a row added here may change it.
        synced = obj is not None and getattr(obj, "synced_values", None) is not None
        return [*super().get_readonly_fields(request, obj), *(["slug"] if synced else [])]


@admin.register(Company)
class CompanyAdmin(CatalogueAdmin):
    list_display = ["name", "slug", "position", "is_archived"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    ordering = ["position"]


class PhoneScreenSegmentInline(admin.TabularInline):
    model = PhoneScreenSegment
    extra = 0
    ordering = ["position"]


@admin.register(Level)
class LevelAdmin(CatalogueAdmin):
    list_display = ["name", "title", "phone_screen_problems", "is_archived"]
    search_fields = ["name", "title", "slug"]
    ordering = ["position"]
    inlines = [PhoneScreenSegmentInline]


@admin.register(Loop)
class LoopAdmin(CatalogueAdmin):
    list_display = [
        "company",
        "level",
        "onsite_coding_rounds",
        "onsite_ml_design_rounds",
        "onsite_behavioral_rounds",
        "is_archived",
    ]
    list_filter = ["company", "level", "is_archived"]
    search_fields = ["company__name", "level__name", "slug"]
    ordering = ["company__position", "level__position"]
    list_select_related = ["company", "level"]


@admin.register(CodingStep)
class CodingStepAdmin(CatalogueAdmin):
    list_display = ["position", "name", "minutes", "is_archived"]
    list_display_links = ["name"]
    search_fields = ["name", "description"]
    ordering = ["position"]


@admin.register(Topic)
class TopicAdmin(CatalogueAdmin):
    list_display = ["name", "slug", "is_archived"]
    search_fields = ["name", "slug"]
    ordering = ["name"]


@admin.register(Problem)
class ProblemAdmin(CatalogueAdmin):
    list_display = ["leetcode_id", "title", "difficulty", "is_premium", "is_archived"]
    list_display_links = ["title"]
    list_filter = ["difficulty", "is_premium", "is_archived", "lists", "topics"]
    search_fields = ["title", "slug", "=leetcode_id"]
    ordering = ["leetcode_id"]
    filter_horizontal = ["topics"]


class ListSectionInline(admin.TabularInline):
    model = ListSection
    extra = 0
    ordering = ["position"]

    # A company list for a window follows its snapshots, which have no sections.
    def has_add_permission(self, request, obj=None):
        return not (obj and obj.follows_snapshots) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.follows_snapshots) and super().has_change_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("problem_list")


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, except that a value that is no key of the related model (a typo in
    the add page's ?problem=, a forged post) selects nothing, and the form says the choice is not
    valid: the stock widget's lookup raised ValueError on it, a 500."""

    def optgroups(self, name, value, attr=None):
        try:
            return super().optgroups(name, value, attr)
        except (ValueError, TypeError, OverflowError, ValidationError):
            return super().optgroups(name, [], attr)


class CheckedAutocompleteFields:
    """Autocomplete fields drawn with CheckedAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            using = kwargs.get("using")
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=using)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PreloadedAutocompleteSelect(CheckedAutocompleteSelect):
    """An autocomplete that labels its selected value from a dict filled once per page.

    The stock widget looks the selected problem up again for every row, one query per entry.
    """

    def __init__(self, *args, labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = labels

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if v not in ("", None)]
        if len(selected) != 1 or selected[0] not in self.labels:
            return super().optgroups(name, value, attr)
        label = self.labels[selected[0]]
        return [(None, [self.create_option(name, selected[0], label, set(selected), 0)], 0)]


class ListEntryInline(CheckedAutocompleteFields, admin.TabularInline):
    model = ListEntry
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["problem"]
    fields = ["position", "problem", "section", "rank", "frequency", "is_archived"]

    # A company list for a window follows its snapshots: shown here, changed by importing.
    def has_add_permission(self, request, obj=None):
        return not (obj and obj.follows_snapshots) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.follows_snapshots) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.follows_snapshots) and super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this list's sections belong in the section menu; list them once, not per row.
        if obj is not None:
            section = formset.form.base_fields["section"]
            section.queryset = obj.sections.all()
            section.choices = [("", "---------"), *((s.pk, s.name) for s in section.queryset)]
            wrapper = formset.form.base_fields["problem"].widget
            stock = wrapper.widget
            problems = Problem.objects.filter(entries__problem_list=obj)
            wrapper.widget = PreloadedAutocompleteSelect(
                stock.field,
                stock.admin_site,
                attrs=stock.attrs,
                choices=stock.choices,
                using=stock.db,
                labels={str(p.pk): str(p) for p in problems},
            )
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("problem_list", "problem", "section")


@admin.register(ProblemList)
class ProblemListAdmin(CatalogueAdmin):
    list_display = [
        "name",
        "kind",
        "company",
        "position",
        "time_window",
        "snapshot_date",
        "is_archived",
    ]
    list_filter = ["kind", "company", "is_archived"]
    search_fields = ["name", "short_name", "slug"]
    ordering = ["position"]
    inlines = [ListSectionInline, ListEntryInline]


@admin.register(ListEntry)
class ListEntryAdmin(CheckedAutocompleteFields, UpstreamAdmin):
    list_display = ["problem_list", "position", "problem", "section", "rank", "frequency"]
    list_filter = ["problem_list", "is_archived"]
    search_fields = ["problem__title", "problem__slug"]
    ordering = ["problem_list", "position"]
    autocomplete_fields = ["problem"]
    list_select_related = ["problem_list", "problem", "section__problem_list"]
    actions = ["archive_entries", "restore_entries"]

    def has_change_permission(self, request, obj=None):
        # A company list for a window follows its snapshots: its entries are changed by importing.
        if obj is not None and obj.problem_list.follows_snapshots:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.problem_list.follows_snapshots:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Archive selected items", permissions=["change"])
    def archive_entries(self, request, queryset):
        self._act(request, queryset, archive)

    @admin.action(description="Restore selected items", permissions=["change"])
    def restore_entries(self, request, queryset):
        self._act(request, queryset, restore)

    def _act(self, request, queryset, action) -> None:
        followed = Q(problem_list__in=ProblemList.objects.following_snapshots())
        skipped = queryset.filter(followed).count()
        action(self, request, queryset.exclude(followed))
        if skipped:
            self.message_user(
                request,
                f"Left {skipped} entr{'y' if skipped == 1 else 'ies'} of company lists alone: "
                "they follow their snapshots, so import a file to change them.",
                messages.WARNING,
            )


class LearnChapterInline(admin.TabularInline):
    model = LearnChapter
    extra = 0
    ordering = ["position"]


@admin.register(LearnCard)
class LearnCardAdmin(CatalogueAdmin):
    list_display = ["position", "name", "slug", "is_archived"]
    list_display_links = ["name"]
    search_fields = ["name", "slug"]
    ordering = ["position"]
    inlines = [LearnChapterInline]


@admin.register(DesignStage)
class DesignStageAdmin(CatalogueAdmin):
    list_display = ["position", "name", "minutes", "is_archived"]
    list_display_links = ["name"]
    search_fields = ["name", "guidance", "checklist"]
    ordering = ["position"]


@admin.register(PracticePrompt)
class PracticePromptAdmin(CatalogueAdmin):
    """The catalogue's prompts only: a user's private prompt is not the admin's to read."""

    list_display = ["position", "title", "source_name", "is_archived"]
    list_display_links = ["title"]
    search_fields = ["title", "brief", "covers"]
    ordering = ["position"]
    exclude = ["owner"]

    def get_queryset(self, request):
        return super().get_queryset(request).catalogue()


@admin.register(FocusArea)
class FocusAreaAdmin(CatalogueAdmin):
    list_display = ["position", "name", "is_archived"]
    list_display_links = ["name"]
    search_fields = ["name", "probes"]
    ordering = ["position"]


@admin.register(Resource)
class ResourceAdmin(CatalogueAdmin):
    list_display = ["position", "name", "kind", "is_paid", "is_archived"]
    list_display_links = ["name"]
    list_filter = ["kind", "is_paid", "is_archived"]
    search_fields = ["name", "description"]
    ordering = ["position"]


@admin.register(BreadthTopic)
class BreadthTopicAdmin(CatalogueAdmin):
    list_display = ["position", "name", "slug", "is_archived"]
    list_display_links = ["name"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "summary"]
    ordering = ["position"]


@admin.register(BreadthQuestion)
class BreadthQuestionAdmin(CatalogueAdmin):
    list_display = ["title", "topic", "position", "source_name", "is_archived"]
    list_display_links = ["title"]
    list_filter = ["topic", "is_archived"]
    search_fields = ["title", "slug", "question", "hints"]
    ordering = ["topic__position", "position"]
    list_select_related = ["topic"]


# Apply posts the file back in a form field, which Django caps at 2.5 MB by default; the largest
# published company file is about 200 KB.
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_PERMISSIONS = [
    "prep.add_listsnapshot",
    "prep.add_problem",
    "prep.add_problemlist",
    "prep.change_listentry",
]
# The preview carries the file to Apply signed and compressed, within the POST limit
# (DATA_UPLOAD_MAX_MEMORY_SIZE), and Apply reads back exactly the text that was previewed.
IMPORT_SALT = "prep.admin.import-company-list"


class CompanyListForm(forms.Form):
    """Which company list a file is, and the day it was taken: both steps of an import."""

    company = forms.ModelChoiceField(Company.objects.active())
    window = forms.ChoiceField(
        choices=[("", "---------"), *ProblemList.Window.choices],
        help_text="The period the file counts questions over.",
    )
    as_of = forms.DateField(
        label="As of",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day the source took this snapshot; an older day only adds history.",
    )
    source_name = forms.CharField(
        max_length=200, required=False, help_text="Where the file comes from, e.g. a repository."
    )
    source_url = forms.URLField(
        label="Source URL", max_length=200, required=False, assume_scheme="https"
    )

    plan: SnapshotPlan | None = None
    file_data: bytes | None = None  # set by the subclass's clean_<field>
    file_name = ""
    data_field: str | None = None  # where a file the importer refuses is reported

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise ValidationError(
                f"{as_of:%Y-%m-%d} is in the future; a snapshot records a day that has passed."
            )
        return as_of

    def clean(self):
        cleaned = super().clean()
        wanted = ("company", "window", "as_of")
        if self.file_data is None or any(name not in cleaned for name in wanted):
            return cleaned
        try:
            self.plan = snapshot_plan(
                self.file_data,
                self.file_name,
                company=cleaned["company"],
                window=cleaned["window"],
                as_of=cleaned["as_of"],
                source_name=cleaned.get("source_name", ""),
                source_url=cleaned.get("source_url", ""),
            )
        except CompanyFileError as exc:
            self.add_error(self.data_field, str(exc))
        return cleaned


class CompanyListImportForm(CompanyListForm):
    """Step 1: upload a file and say which list it is."""

    file = forms.FileField(
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=(
            f"A .csv file of at most {filesizeformat(IMPORT_MAX_BYTES)} in one of the public "
            "formats: snehasishroy, liquidslr, krishnadey30 or hxu296."
        ),
    )

    field_order = ["file"]
    data_field = "file"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(
                f"{upload.name} is not a .csv file; save the sheet as CSV UTF-8 and upload that."
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                f"{upload.name} is larger than the {filesizeformat(IMPORT_MAX_BYTES)} limit; "
                "a company list is far smaller, so this is probably not the right file."
            )
        self.file_data, self.file_name = upload.read(), upload.name
        return upload


class CompanyListApplyForm(CompanyListForm):
    """Step 2: the previewed file and list again, and the plan's digest as the preview showed it.

    Every field is hidden; the file comes back signed, so Apply imports what was previewed."""

    text = forms.CharField(widget=forms.HiddenInput)
    file_name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget = forms.HiddenInput(attrs=field.widget.attrs)

    @classmethod
    def for_plan(cls, plan: SnapshotPlan, data: bytes) -> "CompanyListApplyForm":
        text = signing.dumps(data.decode("utf-8-sig"), salt=IMPORT_SALT, compress=True)
        return cls(
            initial={
                "company": plan.company.pk,
                "window": plan.window,
                "as_of": plan.as_of.isoformat(),
                "source_name": plan.source_name,
                "source_url": plan.source_url,
                "text": text,
                "file_name": plan.file_name,
                "digest": plan.digest(),
            }
        )

    def clean_text(self):
        try:
            text = signing.loads(self.cleaned_data["text"], salt=IMPORT_SALT)
        except signing.BadSignature:
            raise ValidationError(
                "The preview's copy of the file came back altered; upload the file again."
            ) from None
        self.file_data = text.encode()
        return text

    def clean_file_name(self):
        self.file_name = self.cleaned_data["file_name"]
        return self.file_name


class SnapshotEntryInline(admin.TabularInline):
    model = SnapshotEntry
    fields = ["rank", "problem", "frequency"]
    readonly_fields = fields
    ordering = ["rank"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("problem")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("prep.view_listsnapshot")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ListSnapshot)
class ListSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are records of what a file said on a day: read-only, added by importing.

    Nobody deletes one. Each is kept for good (see prep.models.snapshots); deleting the newest would
    leave the list's entries following a snapshot that no longer exists, and load_catalog puts a
    shipped one back on the next deploy. A wrong import is corrected by importing the right file
    for the same date, which replaces it."""

    list_display = [
        "problem_list",
        "as_of",
        "file_name",
        "file_rows",
        "imported_by",
        "imported_at",
        "from_fixtures",
    ]
    list_filter = ["problem_list__company", "from_fixtures"]
    list_select_related = ["problem_list", "imported_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["problem_list__name", "file_name", "source_name"]
    ordering = ["problem_list__position", "-as_of"]
    inlines = [SnapshotEntryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request: HttpRequest) -> bool:
        # An import adds a snapshot, and may add problems and a list and rewrite its entries.
        return request.user.has_perms(IMPORT_PERMISSIONS)

    def get_urls(self):
        view = require_http_methods(["GET", "POST"])(self.admin_site.admin_view(self.import_view))
        return [path("import/", view, name="prep_listsnapshot_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a company list, preview what importing it changes, then apply it."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "GET":
            return self._import_form(request, CompanyListImportForm())
        if "digest" in request.POST:
            return self._import_apply(request)
        form = CompanyListImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._import_form(request, form, status=400)
        return self._import_preview(request, form.plan, form.file_data)

    def _import_apply(self, request: HttpRequest) -> HttpResponse:
        form = CompanyListApplyForm(request.POST)
        if not form.is_valid():
            errors = [error for errors in form.errors.values() for error in errors]
            upload = CompanyListImportForm(initial=form.cleaned_data)
            return self._import_form(request, upload, errors=errors, status=400)
        plan = form.plan
        changed = (
            "The list or the catalogue changed since that preview, so nothing was imported. "
            "This is what importing the file does now; apply it if it still looks right."
        )
        if form.cleaned_data["digest"] != plan.digest():
            messages.warning(request, changed)
            return self._import_preview(request, plan, form.file_data)
        try:
            snapshot = snapshot_import(plan, user=request.user)
        except StalePlan:
            # Another import of this list won the race after the digest was checked: plan again.
            messages.warning(request, changed)
            fresh = CompanyListApplyForm(request.POST)
            if not fresh.is_valid():
                return self._import_form(request, CompanyListImportForm(), status=400)
            return self._import_preview(request, fresh.plan, fresh.file_data)
        messages.success(request, plan.outcome())
        if self.has_view_permission(request, snapshot):
            return redirect("admin:prep_listsnapshot_change", snapshot.pk)
        return redirect("admin:prep_listsnapshot_import")

    def _import_form(self, request, form, *, errors=(), status=200) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a company list",
            "form": form,
            "errors": errors,
        }
        template = "admin/prep/listsnapshot/import_form.html"
        return TemplateResponse(request, template, context, status=status)

    def _import_preview(self, request, plan: SnapshotPlan, data: bytes) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Preview: {plan.list_name}",
            "plan": plan,
            "form": CompanyListApplyForm.for_plan(plan, data),
            "import_url": reverse("admin:prep_listsnapshot_import"),
        }
        return TemplateResponse(request, "admin/prep/listsnapshot/import_preview.html", context)


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(PrivateRowsCounted, UserAdmin):
    """Accounts, with how much each has written as counts: the writing is the candidate's own."""

    readonly_fields = [*UserAdmin.readonly_fields, "study_data"]
    fieldsets = [*UserAdmin.fieldsets, ("Study data", {"fields": ["study_data"]})]

    @admin.display(description="what they have written (counts only)")
    def study_data(self, obj) -> str:
        mine = OuterRef("pk")
        counts = {
            "Problem statuses": ProblemProgress.objects.filter(user=mine),
            "with notes": ProblemProgress.objects.filter(user=mine).exclude(notes=""),
            "Stories": Story.objects.filter(user=mine),
            "Private prompts": PracticePrompt.objects.filter(owner=mine),
            "Design sessions": DesignAttempt.objects.filter(user=mine),
            "with stage notes": StageWork.objects.filter(attempt__user=mine).exclude(notes=""),
            "ML breadth answers": BreadthAnswer.objects.filter(user=mine).exclude(notes=""),
        }
        annotations = {f"count_{n}": count_of(rows) for n, rows in enumerate(counts.values())}
        found = User.objects.filter(pk=obj.pk).values(**annotations).get()
        return ", ".join(f"{name}: {found[f'count_{n}']}" for n, name in enumerate(counts))

    def delete_model(self, request, obj):
        erase_account(obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            erase_account(user)
