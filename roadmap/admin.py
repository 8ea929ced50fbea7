import io
import tempfile
import zipfile
from pathlib import Path

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from roadmap.content import ContentError, read_content
from roadmap.models import Placement, Prerequisite, Resource, Roadmap, Section, Topic
from roadmap.services import content_changed, retire_roadmaps, retire_topics

CONTENT_FOLDER = "roadmap/content"


def dumped_content() -> tuple[dict[str, bytes], list[str]]:
    """The content files as `manage.py dumproadmap` writes them from the database
    (by path under roadmap/content/), and the problems `loadroadmap` would refuse
    them for. Nothing on the server is written but a temporary folder."""
    with tempfile.TemporaryDirectory() as directory:
        call_command("dumproadmap", directory=directory, stdout=io.StringIO())
        root = Path(directory)
        files = {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*.yaml"))}
        try:
            read_content(root)
        except ContentError as exc:
            return files, exc.errors
    return files, []


class ContentAdmin(admin.ModelAdmin):
    """Every admin write to the content moves the content version, in the
    transaction the admin wraps the write in: cached outlines are then never
    read again (mlepath.cache).

    Every content page says that `loadroadmap` replaces admin edits with the
    content files, and links to those files as the database has them."""

    change_form_template = "admin/roadmap/change_form.html"
    change_list_template = "admin/roadmap/change_list.html"

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


class RetiringAdmin(ContentAdmin):
    """Delete, from the change form or the "delete selected" action, retires
    instead, as loadroadmap does when something leaves the content files: the
    rows stay, and so does every learner's progress, note and follow on them.
    Subclasses say how (`retire`) and what it means (`retire_effect`, `retire_undo`)."""

    retire_effect = ""
    retire_undo = ""
    delete_confirmation_template = "admin/roadmap/retire_confirmation.html"
    delete_selected_confirmation_template = "admin/roadmap/retire_selected_confirmation.html"
    actions = ["delete_selected"]  # ours, in place of the site's delete_selected

    def retire(self, queryset) -> int:
        raise NotImplementedError

    def _retire_context(self) -> dict:
        return {"retire_effect": self.retire_effect, "retire_undo": self.retire_undo}

    def get_deleted_objects(self, objs, request):
        # Nothing is deleted, so no delete permission on learners' rows is needed
        # and the confirmation lists only what is retired.
        return [str(obj) for obj in objs], {}, set(), []

    def delete_view(self, request, object_id, extra_context=None):
        context = {"title": f"Retire this {self.opts.verbose_name}", **self._retire_context(), **(extra_context or {})}
        return super().delete_view(request, object_id, context)

    def log_deletions(self, request, queryset):
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=queryset,
            action_flag=CHANGE,
            change_message="Retired from the admin's delete (nothing was deleted).",
        )

    def delete_model(self, request, obj):
        self.retire(type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        self.retire(queryset)

    def response_delete(self, request, obj_display, obj_id):
        if IS_POPUP_VAR in request.POST:
            return super().response_delete(request, obj_display, obj_id)
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj_id])
        self.message_user(
            request,
            format_html(
                'The {} “<a href="{}">{}</a>” is retired, not deleted. {} {}',
                self.opts.verbose_name,
                change_url,
                obj_display,
                self.retire_effect,
                self.retire_undo,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    @admin.action(
        permissions=["delete"], description="Delete selected %(verbose_name_plural)s (retires them: progress is kept)"
    )
    def delete_selected(self, request, queryset):
        if request.POST.get("post"):
            selected = len(queryset)
            self.log_deletions(request, queryset)
            retired = self.retire(queryset)
            self.message_user(
                request,
                f"{retired} {model_ngettext(self.opts, retired)} retired, not deleted"
                f"{f' ({selected - retired} already were)' if retired != selected else ''}. "
                f"{self.retire_effect} {self.retire_undo}",
                messages.SUCCESS,
            )
            return None  # back to the change list
        context = {
            **self.admin_site.each_context(request),
            **self._retire_context(),
            "title": f"Retire {model_ngettext(queryset)}",
            "objects_name": str(model_ngettext(queryset)),
            "queryset": queryset,
            "opts": self.opts,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.delete_selected_confirmation_template, context)


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
class RoadmapAdmin(RetiringAdmin):
    list_display = ("title", "slug", "order", "published")
    list_filter = ("published",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("assumed_topics",)
    inlines = [SectionInline]
    retire_effect = (
        "Retired roadmaps are unpublished, as when their file leaves roadmap/content/roadmaps/: "
        "learners who follow them keep the follow and their progress."
    )
    retire_undo = "To bring one back, tick Published on it."

    def retire(self, queryset) -> int:
        return retire_roadmaps(roadmaps=queryset)

    def get_urls(self):
        return [
            path("content-files/", self.admin_site.admin_view(self.content_files_view), name="roadmap_content_files"),
            path(
                "content-files/download/",
                self.admin_site.admin_view(self.content_files_download),
                name="roadmap_content_files_download",
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def _may_read_content(request) -> bool:
        return any(request.user.has_perm(f"roadmap.view_{model._meta.model_name}") for model in (Roadmap, Topic))

    @method_decorator(require_safe)
    def content_files_view(self, request):
        """What `manage.py dumproadmap` would write now, what loadroadmap would
        refuse in it, and how to keep it."""
        if not self._may_read_content(request):
            raise PermissionDenied
        files, problems = dumped_content()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Keep admin edits: the content files",
            "files": [f"{CONTENT_FOLDER}/{name}" for name in files],
            "problems": problems,
            "content_folder": CONTENT_FOLDER,
        }
        return TemplateResponse(request, "admin/roadmap/content_files.html", context)

    @method_decorator(require_safe)
    def content_files_download(self, request):
        """The files dumproadmap writes, as a zip to unpack at the root of the repository."""
        if not self._may_read_content(request):
            raise PermissionDenied
        files, _ = dumped_content()
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for name, data in files.items():
                zipped.writestr(f"{CONTENT_FOLDER}/{name}", data)
        response = HttpResponse(archive.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="mlepath-content.zip"'
        response["Cache-Control"] = "no-store"
        return response


@admin.register(Section)
class SectionAdmin(ContentAdmin):
    list_display = ("title", "slug", "roadmap", "order")
    list_filter = ("roadmap",)
    list_select_related = ("roadmap",)
    search_fields = ("title", "slug")
    inlines = [PlacementInline]


@admin.register(Topic)
class TopicAdmin(RetiringAdmin):
    list_display = ("title", "slug", "estimated_hours", "retired")
    list_filter = ("retired",)
    search_fields = ("title", "slug")
    inlines = [ResourceInline, PrerequisiteInline]
    retire_effect = (
        "Retired topics leave every roadmap, as when they leave roadmap/content/topics.yaml: "
        "learners keep their progress, notes, evidence and mentors’ comments on them."
    )
    retire_undo = "To bring one back, untick Retired on it."

    def retire(self, queryset) -> int:
        return retire_topics(topics=queryset)

    def get_readonly_fields(self, request, obj=None):
        # Slugs are permanent once a topic exists: learners' progress is keyed on them.
        return ("slug",) if obj else ()


@admin.register(Resource)
class ResourceAdmin(ContentAdmin):
    list_display = ("title", "topic", "kind")
    list_filter = ("kind",)
    list_select_related = ("topic",)
    search_fields = ("title", "url", "topic__title", "topic__slug")
