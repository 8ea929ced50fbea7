import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext, pgettext

NOTE_MAX_LENGTH = 10_000
EVIDENCE_MAX_LINKS = 5
MAX_HOURS_PER_WEEK = 80  # a pace above this is not a plan
# A calendar feed's weekly study block, in minutes.
FEED_MIN_MINUTES, FEED_DEFAULT_MINUTES, FEED_MAX_MINUTES = 30, 120, 480


class Status(models.TextChoices):
    NOT_STARTED = "not_started", gettext_lazy("Not started")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    DONE = "done", gettext_lazy("Done")
    SKIPPED = "skipped", gettext_lazy("Skipped")


class Progress(models.Model):
    """One learner's state on one topic. Topics are never deleted, so this row
    survives every content update."""

    Status = Status

    # No index of its own: the unique (learner, topic) constraint serves "this learner's progress".
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress", db_index=False
    )
    topic = models.ForeignKey("roadmap.Topic", on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=12, choices=Status, default=Status.NOT_STARTED)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)

    class Meta:
        verbose_name_plural = "progress"
        constraints = [
            # Also the index for "this learner's progress" (dashboard, roadmap page).
            models.UniqueConstraint(fields=["learner", "topic"], name="progress_progress_unique_learner_topic"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="progress_progress_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=Status.DONE) | Q(completed_at__isnull=False),
                name="progress_progress_done_has_completed_at",
            ),
        ]

    def __str__(self):
        return f"{self.learner} · {self.topic}: {self.get_status_display()}"


class Evidence(models.Model):
    """A link showing the work behind a topic: a notebook, repository or write-up."""

    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=120, blank=True)
    url = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(fields=["progress", "url"], name="progress_evidence_unique_url"),
        ]

    def __str__(self):
        return self.title or self.url


class ProgressEvent(models.Model):
    """Append-only history of status changes: completion dates, the activity
    calendar, streaks and undo are all read from here."""

    class Reason(models.TextChoices):
        SET = "set", gettext_lazy("Set by the learner")
        RESET = "reset", gettext_lazy("Roadmap reset")
        UNDO = "undo", gettext_lazy("Reset undone")
        IMPORT = "import", gettext_lazy("Imported")

    # No index of its own: (learner, created_at) below serves every query by learner.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_events", db_index=False
    )
    topic = models.ForeignKey("roadmap.Topic", on_delete=models.CASCADE, related_name="progress_events")
    from_status = models.CharField(max_length=12, choices=Status)
    to_status = models.CharField(max_length=12, choices=Status)
    reason = models.CharField(max_length=8, choices=Reason, default=Reason.SET)
    # Groups the events of one reset, so "Undo" can restore exactly those.
    batch = models.UUIDField(null=True, blank=True)
    # A default, not auto_now_add: imports and demo data write past dates.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The order of the writes. created_at is when a change happened, as the
        # clock of the server that made it saw it, or as an imported file said:
        # it can run backwards between two writes, and the history must still
        # chain (each event's from_status is the previous event's to_status).
        ordering = ["pk"]
        indexes = [
            # Activity calendar, streaks and "last activity": a learner's events by time.
            models.Index(fields=["learner", "created_at"], name="progress_event_learner_time"),
            # Undo of a reset: the events of one batch.
            models.Index(fields=["batch"], name="progress_event_batch", condition=Q(batch__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=models.F("to_status")), name="progress_event_is_a_change"),
        ]

    def __str__(self):
        return f"{self.learner} · {self.topic}: {self.from_status} → {self.to_status}"


class ProgressSummary(models.Model):
    """A learner's progress on one published roadmap, counted (progress.summary):
    written in the transaction of every status change, reset, undo, import and
    follow, and brought up to the content version by a task after a content
    change. Pages that show completion without the topics read this row; a row
    missing or of an older content version is computed afresh on read."""

    # No index of its own: the unique (learner, roadmap) constraint serves "this learner's summaries".
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_summaries", db_index=False
    )
    roadmap = models.ForeignKey("roadmap.Roadmap", on_delete=models.CASCADE, related_name="summaries")
    # The content these counts were made against (roadmap.ContentVersion).
    content_version = models.PositiveBigIntegerField(default=0)
    topics = models.PositiveIntegerField(default=0)  # live topics on the roadmap
    hours = models.PositiveIntegerField(default=0)  # their estimated hours
    done = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    done_hours = models.PositiveIntegerField(default=0)
    in_progress_hours = models.PositiveIntegerField(default=0)
    skipped_hours = models.PositiveIntegerField(default=0)
    # The learner's latest status change on one of its topics (any reason).
    last_activity = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "progress summaries"
        constraints = [
            # Also the index of every read: a learner's (or a cohort's) summaries.
            models.UniqueConstraint(fields=["learner", "roadmap"], name="progress_summary_unique_learner_roadmap"),
        ]

    def __str__(self):
        return f"{self.learner} · {self.roadmap}: {self.done}/{self.topics} done"


class PlanBasis(models.TextChoices):
    HOURS = "hours", gettext_lazy("Hours a week")
    DATE = "date", gettext_lazy("Target date")


class RoadmapFollow(models.Model):
    """A roadmap on the learner's dashboard: starts with the first tick or the Follow button."""

    # No index of its own: the unique (learner, roadmap) constraint serves it.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", db_index=False
    )
    roadmap = models.ForeignKey("roadmap.Roadmap", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)
    # The learner opens this roadmap as its map rather than its list.
    prefers_map = models.BooleanField(default=False)
    # The learner's pace, opt-in (progress.pace): they set hours a week or a target
    # date (plan_basis), and the other is derived from the remaining hours then.
    plan_basis = models.CharField(max_length=5, choices=PlanBasis, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "roadmap"], name="progress_follow_unique_learner_roadmap"),
            models.CheckConstraint(
                condition=(
                    Q(plan_basis="", hours_per_week__isnull=True, target_date__isnull=True)
                    | Q(
                        plan_basis__in=PlanBasis.values,
                        hours_per_week__range=(1, MAX_HOURS_PER_WEEK),
                        target_date__isnull=False,
                    )
                ),
                name="progress_follow_plan_complete",
            ),
        ]

    def __str__(self):
        return f"{self.learner} follows {self.roadmap}"


class PlanChange(models.Model):
    """A change of a learner's pace on a roadmap, for its history: what they set,
    or an empty basis when they removed the plan."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_changes", db_index=False
    )
    roadmap = models.ForeignKey("roadmap.Roadmap", on_delete=models.CASCADE, related_name="plan_changes")
    basis = models.CharField(max_length=5, choices=PlanBasis, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [
            # A roadmap's history page: the learner's plan changes on it, newest first.
            models.Index(fields=["learner", "roadmap", "-id"], name="progress_planchange_history"),
        ]

    def __str__(self):
        return f"{self.learner} · {self.roadmap}: {self.basis or 'no plan'}"


def duration_label(minutes: int) -> str:
    """90 → "1 hour 30 minutes", in the active language."""
    hours, minutes = divmod(minutes, 60)
    hours_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if not hours:
        return minutes_text
    if not minutes:
        return hours_text
    # Translators: a length of time, as "1 hour 30 minutes".
    return pgettext("duration", "%(hours)s %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}


class Weekday(models.IntegerChoices):
    """Python's numbering (date.weekday()): Monday is 0."""

    MONDAY = 0, gettext_lazy("Monday")
    TUESDAY = 1, gettext_lazy("Tuesday")
    WEDNESDAY = 2, gettext_lazy("Wednesday")
    THURSDAY = 3, gettext_lazy("Thursday")
    FRIDAY = 4, gettext_lazy("Friday")
    SATURDAY = 5, gettext_lazy("Saturday")
    SUNDAY = 6, gettext_lazy("Sunday")


class CalendarFeed(models.Model):
    """A learner's private calendar subscription (progress.calendar): a weekly
    study block holding the week's planned topics. The token in its URL is
    random and kept only as its SHA-256 digest: the page shows the URL once;
    renewing replaces the digest and revoking deletes the row, so an old URL
    answers 404 at once."""

    Weekday = Weekday

    # Its unique index serves "this learner's feed" (the account page).
    learner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_digest = models.CharField(max_length=64)
    weekday = models.PositiveSmallIntegerField(choices=Weekday, default=Weekday.SATURDAY)
    start = models.TimeField(default=dt.time(10, 0))
    minutes = models.PositiveSmallIntegerField(default=FEED_DEFAULT_MINUTES)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the learner last set the block: the event's series starts with the
    # first block after it, so it stays put from one fetch to the next.
    block_set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Also the index of the feed's one lookup: by the digest of the token in its URL.
            models.UniqueConstraint(fields=["token_digest"], name="progress_calendarfeed_unique_token"),
            models.CheckConstraint(condition=Q(weekday__in=Weekday.values), name="progress_calendarfeed_weekday_valid"),
            models.CheckConstraint(
                condition=Q(minutes__range=(FEED_MIN_MINUTES, FEED_MAX_MINUTES)),
                name="progress_calendarfeed_minutes_range",
            ),
        ]

    def __str__(self):
        return f"{self.learner}'s calendar: {self.get_weekday_display()} {self.start:%H:%M}, {self.duration}"

    @property
    def duration(self) -> str:
        return duration_label(self.minutes)

    @staticmethod
    def digest(token: str) -> str:
        """What is stored of a token, and what a fetch is looked up by."""
        return hashlib.sha256(token.encode()).hexdigest()


# --- Projects and the portfolio ------------------------------------------------

PROJECT_NOTE_MAX_LENGTH = 2_000


class ProjectState(models.TextChoices):
    """A learner's work on a project; "not started" is no row at all."""

    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    SUBMITTED = "submitted", gettext_lazy("Submitted for review")
    CHANGES_REQUESTED = "changes_requested", gettext_lazy("Changes requested")
    APPROVED = "approved", gettext_lazy("Approved by a mentor")
    SELF_ASSESSED = "self_assessed", gettext_lazy("Complete (self-assessed)")


# A project counts as complete in either state: approved by a mentor, or marked
# complete by a learner who has no mentor (shown as self-assessed everywhere).
PROJECT_COMPLETE = (ProjectState.APPROVED, ProjectState.SELF_ASSESSED)
# The states in which the learner's mentors see its links and note: sent to them.
PROJECT_SENT = (ProjectState.SUBMITTED, ProjectState.CHANGES_REQUESTED, ProjectState.APPROVED)


class ProjectWork(models.Model):
    """One learner's work on one project: the criteria they ticked, the links
    they submit and its review state. Projects are retired, never deleted, so
    this row survives every content update."""

    State = ProjectState

    # No index of its own: the unique (learner, project) constraint serves "this learner's projects".
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_work", db_index=False
    )
    project = models.ForeignKey("roadmap.Project", on_delete=models.CASCADE, related_name="work")
    state = models.CharField(max_length=17, choices=ProjectState, default=ProjectState.IN_PROGRESS)
    checked = models.ManyToManyField("roadmap.ProjectCriterion", blank=True, related_name="+")
    repository_url = models.URLField(gettext_lazy("Repository"), max_length=500, blank=True)
    writeup_url = models.URLField(gettext_lazy("Write-up"), max_length=500, blank=True)
    demo_url = models.URLField(gettext_lazy("Demo"), max_length=500, blank=True)
    note = models.TextField(blank=True, max_length=PROJECT_NOTE_MAX_LENGTH)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The learner's choice, for approved work: shown on their public portfolio
    # once they pick it there (never by approval alone).
    on_portfolio = models.BooleanField(default=False)

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [
            # The mentors' review queue: submitted work, oldest first.
            models.Index(fields=["submitted_at"], name="progress_projectwork_queue", condition=Q(state="submitted")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["learner", "project"], name="progress_projectwork_unique_learner_project"),
            models.CheckConstraint(condition=Q(state__in=ProjectState.values), name="progress_projectwork_state_valid"),
            models.CheckConstraint(
                condition=Q(state__in=PROJECT_COMPLETE, completed_at__isnull=False)
                | (~Q(state__in=PROJECT_COMPLETE) & Q(completed_at__isnull=True)),
                name="progress_projectwork_complete_has_completed_at",
            ),
            models.CheckConstraint(
                condition=~Q(state=ProjectState.SUBMITTED) | Q(submitted_at__isnull=False),
                name="progress_projectwork_submitted_has_submitted_at",
            ),
        ]

    def __str__(self):
        return f"{self.learner} · {self.project}: {self.get_state_display()}"

    @property
    def sent(self) -> bool:
        """Its links and note are the mentors' to see (submitted, under or after review)."""
        return self.state in PROJECT_SENT

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, url) of each link given, labelled as its field (in the active language)."""
        return [
            (str(self._meta.get_field(name).verbose_name), url)
            for name in ("repository_url", "writeup_url", "demo_url")
            if (url := getattr(self, name))
        ]


class ProjectEvent(models.Model):
    """Append-only history of a project's states, for the roadmap history and
    the export: who moved it (the learner, or the mentor who reviewed it)."""

    work = models.ForeignKey(ProjectWork, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=17, choices=ProjectState, blank=True)  # blank: started
    to_state = models.CharField(max_length=17, choices=ProjectState)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.work}: {self.from_state or 'start'} → {self.to_state}"


class Portfolio(models.Model):
    """A learner's public page, /u/<username>/: off until they turn it on, and
    showing only what they choose of their approved work and completion."""

    learner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio")
    public = models.BooleanField(gettext_lazy("Show my portfolio"), default=False)
    show_completion = models.BooleanField(gettext_lazy("Show my roadmap completion"), default=False)
    bio = models.TextField(gettext_lazy("Short bio"), max_length=600, blank=True)
    link_1 = models.URLField(gettext_lazy("Link 1"), max_length=300, blank=True)
    link_2 = models.URLField(gettext_lazy("Link 2"), max_length=300, blank=True)
    link_3 = models.URLField(gettext_lazy("Link 3"), max_length=300, blank=True)
    noindex = models.BooleanField(gettext_lazy("Ask search engines not to index it"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.learner}'s portfolio ({'public' if self.public else 'off'})"

    @property
    def links(self) -> list[str]:
        return [url for url in (self.link_1, self.link_2, self.link_3) if url]


# --- Review and the time log ---------------------------------------------------

# The days between reviews (progress.review states the rule).
REVIEW_INTERVALS = (1, 3, 7, 21, 60)
# One sitting's time, in minutes: up to a long day's study.
TIME_ENTRY_MAX_MINUTES = 16 * 60
# A topic's time log holds this many entries at most.
TIME_ENTRIES_PER_TOPIC = 200


class ReviewAnswer(models.TextChoices):
    """How a review went, as the learner felt it: it sets the next interval."""

    EASY = "easy", gettext_lazy("Easy")
    FINE = "fine", gettext_lazy("Fine")
    HARD = "hard", gettext_lazy("Hard")


class Review(models.Model):
    """A done topic the learner keeps fresh: due on a day where they live,
    then on a spaced schedule (progress.review). A review counts only while its
    topic is done: un-ticking it takes it out of review, and an undone reset
    brings it back as it was."""

    Answer = ReviewAnswer

    # No index of its own: the unique (learner, topic) constraint serves it.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews", db_index=False
    )
    topic = models.ForeignKey("roadmap.Topic", on_delete=models.CASCADE, related_name="+")
    # The interval (an index into REVIEW_INTERVALS) that set due_on.
    step = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    # A mentor who suggested it (the learner can leave review all the same).
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviews_done = models.PositiveIntegerField(default=0)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_answer = models.CharField(max_length=4, choices=ReviewAnswer, blank=True)

    class Meta:
        constraints = [
            # Also the index of "this learner's reviews" (dashboard, topic page, roadmap page).
            models.UniqueConstraint(fields=["learner", "topic"], name="progress_review_unique_learner_topic"),
            models.CheckConstraint(
                condition=Q(step__lt=len(REVIEW_INTERVALS)), name="progress_review_step_in_schedule"
            ),
            models.CheckConstraint(
                condition=Q(last_answer="") | Q(last_answer__in=ReviewAnswer.values),
                name="progress_review_answer_valid",
            ),
        ]

    def __str__(self):
        return f"{self.learner} · {self.topic}: review due {self.due_on}"


class TimeEntry(models.Model):
    """Time a learner spent on a topic, on a day where they live: the topic
    shows it against its estimate, and the forecast learns their speed from it
    (progress.pace)."""

    # No index of its own: (learner, logged_on) below serves every read by learner.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_entries", db_index=False
    )
    topic = models.ForeignKey("roadmap.Topic", on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveSmallIntegerField()
    logged_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["logged_on", "pk"]
        verbose_name_plural = "time entries"
        indexes = [
            # The dashboard's and the export's time log: a learner's entries by day.
            models.Index(fields=["learner", "logged_on"], name="progress_time_learner_day"),
            # A topic page's log: the learner's entries on one topic.
            models.Index(fields=["learner", "topic"], name="progress_time_learner_topic"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__range=(1, TIME_ENTRY_MAX_MINUTES)), name="progress_timeentry_minutes_range"
            ),
        ]

    def __str__(self):
        return f"{self.learner} · {self.topic}: {self.minutes} min on {self.logged_on}"

    @property
    def duration(self) -> str:
        return duration_label(self.minutes)
