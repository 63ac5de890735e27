from collections import Counter

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from prep.models import (
    CodingStep,
    Company,
    DesignStage,
    FocusArea,
    LearnCard,
    LearnChapter,
    Level,
    ListEntry,
    ListSection,
    PhoneScreenSegment,
    PracticePrompt,
    Problem,
    ProblemList,
    Resource,
    SyncRecord,
    Topic,
)
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

admin.site.site_header = "MLE Prep catalogue"
admin.site.site_title = "MLE Prep admin"
admin.site.index_title = "Curate the study catalogue"


@admin.action(description="Archive selected items (hide them from users)")
def archive(modeladmin, request, queryset):
    queryset.update(is_archived=True)


@admin.action(description="Restore selected items")
def restore(modeladmin, request, queryset):
    queryset.update(is_archived=False)


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


class UpstreamAdmin(admin.ModelAdmin):
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
    list_display = [
        "name",
        "title",
        "onsite_coding_rounds",
        "onsite_ml_design_rounds",
        "onsite_behavioral_rounds",
        "is_archived",
    ]
    search_fields = ["name", "title", "slug"]
    ordering = ["position"]
    inlines = [PhoneScreenSegmentInline]


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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("problem_list")


class PreloadedAutocompleteSelect(AutocompleteSelect):
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


class ListEntryInline(admin.TabularInline):
    model = ListEntry
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["problem"]
    fields = ["position", "problem", "section", "rank", "frequency", "is_archived"]

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
class ListEntryAdmin(UpstreamAdmin):
    list_display = ["problem_list", "position", "problem", "section", "rank", "frequency"]
    list_filter = ["problem_list", "is_archived"]
    search_fields = ["problem__title", "problem__slug"]
    ordering = ["problem_list", "position"]
    autocomplete_fields = ["problem"]
    list_select_related = ["problem_list", "problem", "section__problem_list"]
    actions = [archive, restore]


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
    list_display = ["position", "title", "source_name", "is_archived"]
    list_display_links = ["title"]
    search_fields = ["title", "brief"]
    ordering = ["position"]


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
