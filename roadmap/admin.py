from django.contrib import admin

from roadmap.models import Placement, Prerequisite, Resource, Roadmap, Section, Topic
from roadmap.services import content_changed


class ContentAdmin(admin.ModelAdmin):
    """Every admin write to the content moves the content version, in the
    transaction the admin wraps the write in: cached outlines are then never
    read again (mlepath.cache)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        content_changed()

    def save_related(self, request, form, formsets, change):
        # Inline rows (sections, placements, resources, prerequisites) are saved here.
        super().save_related(request, form, formsets, change)
        content_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed()


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("order", "slug", "title", "summary")
    prepopulated_fields = {"slug": ("title",)}


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 0
    autocomplete_fields = ("topic",)
    fields = ("order", "topic")


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ("order", "title", "url", "kind")


class PrerequisiteInline(admin.TabularInline):
    model = Prerequisite
    fk_name = "topic"
    extra = 0
    autocomplete_fields = ("requires",)
    verbose_name = "prerequisite"


@admin.register(Roadmap)
class RoadmapAdmin(ContentAdmin):
    list_display = ("title", "slug", "order", "published")
    list_filter = ("published",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(ContentAdmin):
    list_display = ("title", "slug", "roadmap", "order")
    list_filter = ("roadmap",)
    list_select_related = ("roadmap",)
    search_fields = ("title", "slug")
    inlines = [PlacementInline]


@admin.register(Topic)
class TopicAdmin(ContentAdmin):
    list_display = ("title", "slug", "estimated_hours", "retired")
    list_filter = ("retired",)
    search_fields = ("title", "slug")
    inlines = [ResourceInline, PrerequisiteInline]

    def get_readonly_fields(self, request, obj=None):
        # Slugs are permanent once a topic exists: learners' progress is keyed on them.
        return ("slug",) if obj else ()


@admin.register(Resource)
class ResourceAdmin(ContentAdmin):
    list_display = ("title", "topic", "kind")
    list_filter = ("kind",)
    list_select_related = ("topic",)
    search_fields = ("title", "url", "topic__title", "topic__slug")
