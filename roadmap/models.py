from django.conf import settings
from django.db import models
from django.db.models import Count, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext_lazy

SLUG_HELP = "Permanent identifier used in URLs and content files; never reuse it for something else."


def shown_language() -> str | None:
    """The active language when it is not the content's own (English): None for English."""
    language = translation.get_language()
    return language if language and language != settings.LANGUAGE_CODE else None


def in_language(english: str, translations: dict | None, field: str) -> str:
    """A text read apart from its instance (values_list): the active language's, else the English."""
    language = shown_language()
    return (language and (translations or {}).get(language, {}).get(field)) or english


class Translated(models.Model):
    """Content whose text also exists in other languages: `translations` holds,
    by language code, each of TEXT_FIELDS ({"ja": {"title": "..."}}), written by
    the loader from roadmap/content/<code>/.

    An instance read from the database while another language is active shows
    that language's text in those fields, so every template, mail and message
    reads the learner's language without knowing of it. Such an instance holds
    another language's text in English fields: it refuses to be saved, so no
    translation is ever written over the English (the loader and the admin work
    in English)."""

    TEXT_FIELDS: tuple[str, ...] = ()

    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if getattr(self, "_english", None):
            raise ValueError(f"{self!r} was read in another language: read it in English to change it.")
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        language = shown_language()
        texts = language and "translations" in instance.__dict__ and (instance.translations or {}).get(language)
        if texts:
            shown = {name: texts[name] for name in cls.TEXT_FIELDS if texts.get(name) and name in instance.__dict__}
            instance._english = {name: instance.__dict__[name] for name in shown}
            instance.__dict__.update(shown)
        return instance


class ContentVersion(models.Model):
    """The version of all roadmap content: one row, moved by one UPDATE in the
    transaction of every content write (services.content_changed), whatever the
    number of learners. Cached outlines carry it in their key (mlepath.cache)."""

    SINGLETON = 1

    version = models.PositiveBigIntegerField(default=1)
    # Edits of cohort tracks (mentoring.tracks), moved by each: topic pages carry it in their key
    # beside the version, since a track's own topic is read on its page alone.
    track_edits = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="roadmap_contentversion_singleton"),
        ]

    def __str__(self):
        return f"content version {self.version}"


def content_version_subquery():
    """The content version as an expression, to read it in the query of what it versions."""
    version = ContentVersion.objects.filter(pk=ContentVersion.SINGLETON).values("version")
    return Coalesce(Subquery(version), 0)


class RoadmapKind(models.TextChoices):
    SHIPPED = "shipped", translation.gettext_lazy("Shipped roadmap")
    COHORT = "cohort", translation.gettext_lazy("Cohort track")


class RoadmapQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def shipped(self):
        """The roadmaps of the content files (the loader's), not mentors' tracks."""
        return self.filter(kind=RoadmapKind.SHIPPED)

    def with_content_version(self):
        """Each roadmap with its content version (mlepath.cache keys its outline
        by it), read in the same query: the content's version plus the roadmap's
        own revision (a cohort track's edits), both only ever growing."""
        return self.annotate(content_version=content_version_subquery() + models.F("revision"))

    def for_index(self):
        """The /roadmaps/ page: each published roadmap with its size and hours, in one query."""
        live = Q(sections__placements__topic__retired=False)
        return (
            self.published()
            .shipped()
            .annotate(
                topic_count=Count("sections__placements", filter=live),
                total_hours=Coalesce(Sum("sections__placements__topic__estimated_hours", filter=live), 0),
            )
            .order_by("order", "title")
        )


TRACK_TITLE_MAX, TRACK_INTRODUCTION_MAX = 120, 2000


class Roadmap(Translated):
    """A track: a shipped roadmap (the content files, the loader's) or a mentor's
    cohort track (mentoring.tracks), made of shipped topics and projects and the
    track's own. Both are read, ticked and counted alike; a cohort track is seen
    only by its author, site staff and the learners who follow it."""

    TEXT_FIELDS = ("title", "audience", "summary")
    Kind = RoadmapKind

    slug = models.SlugField(max_length=80, unique=True, help_text=SLUG_HELP)
    title = models.CharField(max_length=120)
    summary = models.TextField()
    audience = models.CharField(max_length=240, help_text="Who this track is for, in one sentence.")
    order = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)
    assumed_topics = models.ManyToManyField(
        "Topic",
        related_name="assumed_by",
        blank=True,
        help_text="Topics learners of this roadmap are expected to know already, taught by another roadmap.",
    )
    kind = models.CharField(max_length=8, choices=RoadmapKind, default=RoadmapKind.SHIPPED)
    # A cohort track's mentor; None for a shipped roadmap, or once the author's account is deleted
    # (the track stays with its learners, edited by staff alone).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="tracks"
    )
    # A cohort track's date to finish by, the mentor's (a learner's own pace has its target_date).
    finish_by = models.DateField(null=True, blank=True, help_text="A cohort track's date to finish by.")
    # A cohort track's edits, added to the content version (with_content_version): an edit moves its
    # own outline, map and summaries on, no other roadmap's.
    revision = models.PositiveIntegerField(default=0)
    # The link that lets anyone holding it follow a cohort track; None when not shared.
    share_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        indexes = [
            # A mentor's tracks page: their tracks.
            models.Index(fields=["author", "kind"], name="roadmap_track_author"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RoadmapKind.values), name="roadmap_roadmap_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=RoadmapKind.COHORT) | Q(author__isnull=True, share_token__isnull=True),
                name="roadmap_roadmap_only_tracks_have_authors",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roadmap_detail", args=[self.slug])

    @property
    def is_track(self) -> bool:
        return self.kind == RoadmapKind.COHORT


class SectionQuerySet(models.QuerySet):
    def with_live_content(self):
        """Sections with their live topics (resources, live prerequisites) and
        live projects (the live topics they practise), in order: the one reading
        of the content tree, for the roadmap page and for dumproadmap. A fixed
        number of queries whatever the content's size (pinned in tests)."""
        placements = (
            Placement.objects.filter(topic__retired=False)
            .select_related("topic")
            .prefetch_related(
                "topic__resources",
                Prefetch("topic__prerequisites", queryset=Topic.objects.live().order_by("title")),
            )
            .order_by("order", "pk")
        )
        projects = (
            ProjectPlacement.objects.filter(project__retired=False)
            .select_related("project")
            .prefetch_related(Prefetch("project__topics", queryset=Topic.objects.live()))
            .order_by("order", "pk")
        )
        return self.prefetch_related(
            Prefetch("placements", queryset=placements), Prefetch("project_placements", queryset=projects)
        ).order_by("order", "pk")

    def for_roadmap_page(self, roadmap):
        """Sections of one roadmap with their live content (with_live_content)."""
        return self.filter(roadmap=roadmap).with_live_content()


class Section(Translated):
    TEXT_FIELDS = ("title", "summary")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["roadmap", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "slug"], name="roadmap_section_unique_slug_per_roadmap"),
        ]

    def __str__(self):
        return f"{self.roadmap.title}: {self.title}"


class TopicQuerySet(models.QuerySet):
    def live(self):
        return self.filter(retired=False)

    def shipped(self):
        """The topics of the content files (the loader's), not a cohort track's own."""
        return self.filter(track__isnull=True)


class Topic(Translated):
    TEXT_FIELDS = ("title", "summary")

    slug = models.SlugField(max_length=80, unique=True, help_text=SLUG_HELP)
    title = models.CharField(max_length=160)
    summary = models.TextField()
    estimated_hours = models.PositiveSmallIntegerField(help_text="Hours a learner typically needs.")
    retired = models.BooleanField(
        default=False,
        help_text="Removed from the content files: hidden from roadmaps, but kept so learners' progress survives.",
    )
    prerequisites = models.ManyToManyField(
        "self", through="Prerequisite", symmetrical=False, related_name="unlocks", blank=True
    )
    # The cohort track whose own topic this is (None: a shipped topic). Never deleted with its track:
    # a deleted track retires its own topics, so learners' progress on them stays.
    track = models.ForeignKey(
        Roadmap, on_delete=models.PROTECT, null=True, blank=True, related_name="own_topics", editable=False
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_hours__gte=1), name="roadmap_topic_hours_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("topic_detail", args=[self.slug])


class Placement(models.Model):
    """A topic's place in a section. Topics are global, so one topic can sit in
    several roadmaps and a learner's progress on it is shared between them."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="placements")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="placements")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "topic"], name="roadmap_placement_unique_topic_per_section"),
        ]

    def __str__(self):
        return f"{self.section}: {self.topic}"


class ResourceKind(models.TextChoices):
    DOCS = "docs", translation.gettext_lazy("Documentation")
    COURSE = "course", translation.gettext_lazy("Course")
    ARTICLE = "article", translation.gettext_lazy("Article")
    VIDEO = "video", translation.gettext_lazy("Video")
    BOOK = "book", translation.gettext_lazy("Book")
    TOOL = "tool", translation.gettext_lazy("Tool")


class Resource(models.Model):
    Kind = ResourceKind

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    kind = models.CharField(max_length=10, choices=Kind)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["topic", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "url"], name="roadmap_resource_unique_url_per_topic"),
            models.CheckConstraint(condition=Q(kind__in=ResourceKind.values), name="roadmap_resource_kind_valid"),
        ]

    def __str__(self):
        return self.title


class Prerequisite(models.Model):
    """``topic`` builds on ``requires``. The loader refuses cycles."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="prerequisite_links")
    requires = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="unlock_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "requires"], name="roadmap_prerequisite_unique_pair"),
            models.CheckConstraint(condition=~Q(topic=models.F("requires")), name="roadmap_prerequisite_not_self"),
        ]

    def __str__(self):
        return f"{self.topic} requires {self.requires}"


class ProjectQuerySet(models.QuerySet):
    def live(self):
        return self.filter(retired=False)

    def shipped(self):
        return self.filter(track__isnull=True)


class Project(Translated):
    """A hands-on project: a brief, acceptance criteria, suggested data sets and
    tools, and the topics it exercises. Like a topic it is retired, never
    deleted, when it leaves the content files: learners' work on it survives."""

    TEXT_FIELDS = ("title", "brief")

    slug = models.SlugField(max_length=80, unique=True, help_text=SLUG_HELP)
    title = models.CharField(max_length=160)
    brief = models.TextField()
    estimated_hours = models.PositiveSmallIntegerField(help_text="Hours a learner typically needs.")
    tools = models.JSONField(default=list, blank=True, help_text="Names of the suggested tools, in order.")
    retired = models.BooleanField(
        default=False,
        help_text="Removed from the content files: hidden from roadmaps, but kept so learners' work survives.",
    )
    topics = models.ManyToManyField(Topic, related_name="projects", blank=True)
    # As Topic.track: a cohort track's own project.
    track = models.ForeignKey(
        Roadmap, on_delete=models.PROTECT, null=True, blank=True, related_name="own_projects", editable=False
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_hours__gte=1), name="roadmap_project_hours_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("project_detail", args=[self.slug])


class ProjectCriterion(Translated):
    """One acceptance criterion of a project, by its place in the list: the
    loader rewrites a criterion's text in place, so a learner's tick survives an
    edit of its wording."""

    TEXT_FIELDS = ("text",)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["project", "order"]
        verbose_name_plural = "project criteria"
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="roadmap_projectcriterion_unique_order"),
        ]

    def __str__(self):
        return self.text


class ProjectDataset(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="datasets")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "order", "pk"]

    def __str__(self):
        return self.title


class ProjectPlacement(models.Model):
    """A project's place in a section: one project can close a section of each track."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="project_placements")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="placements")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "project"], name="roadmap_projectplacement_unique_project_per_section"
            ),
        ]

    def __str__(self):
        return f"{self.section}: {self.project}"


class TrackChange(models.Model):
    """One edit of a cohort track, as its learners read it in the roadmap's
    history ("3 topics added by Aiko on 12 Jan"): counts, never the content."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="changes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The author's name as it was: the line stays when their account goes.
    author_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    topics_added = models.PositiveSmallIntegerField(default=0)
    topics_removed = models.PositiveSmallIntegerField(default=0)
    topics_edited = models.PositiveSmallIntegerField(default=0)
    projects_added = models.PositiveSmallIntegerField(default=0)
    projects_removed = models.PositiveSmallIntegerField(default=0)
    projects_edited = models.PositiveSmallIntegerField(default=0)
    reordered = models.BooleanField(default=False)
    details_edited = models.BooleanField(default=False)  # title, introduction or target date

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A roadmap's history page: the track's changes, newest first.
            models.Index(fields=["roadmap", "-created_at"], name="roadmap_trackchange_history"),
        ]

    def __str__(self):
        return f"{self.roadmap}: changed by {self.author_name}"

    def phrases(self) -> list[str]:
        """What changed, each in a few words of the active language ("3 topics added")."""
        counts = (
            (self.topics_added, ngettext_lazy("%(count)d topic added", "%(count)d topics added", "count")),
            (self.topics_removed, ngettext_lazy("%(count)d topic taken off", "%(count)d topics taken off", "count")),
            (self.topics_edited, ngettext_lazy("%(count)d topic edited", "%(count)d topics edited", "count")),
            (self.projects_added, ngettext_lazy("%(count)d project added", "%(count)d projects added", "count")),
            (
                self.projects_removed,
                ngettext_lazy("%(count)d project taken off", "%(count)d projects taken off", "count"),
            ),
            (self.projects_edited, ngettext_lazy("%(count)d project edited", "%(count)d projects edited", "count")),
        )
        phrases = [str(text % {"count": count}) for count, text in counts if count]
        if self.reordered:
            phrases.append(translation.gettext("sections or order changed"))
        if self.details_edited:
            phrases.append(translation.gettext("title, introduction or date changed"))
        return phrases
