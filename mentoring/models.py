import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

COMMENT_MAX_LENGTH = 2000


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Mentorship(models.Model):
    """One mentor following one learner, by the learner's consent. Ended
    mentorships keep their history but grant nothing."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_learner"
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.ACTIVE)
    # What this mentor sees besides statuses, each the learner's choice. Dates
    # and evidence were always shown before the choice existed, so they start
    # shared (for new mentorships too, as the invite page says); notes start private.
    share_dates = models.BooleanField(
        _("share my dates"),
        default=True,
        help_text=_("Let this mentor see when you started and finished topics and your activity."),
    )
    share_evidence = models.BooleanField(
        _("share my evidence"), default=True, help_text=_("Let this mentor see your evidence links.")
    )
    share_notes = models.BooleanField(
        _("share my notes"), default=False, help_text=_("Let this mentor read your private notes on topics.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    # When the mentor last marked this mentee's updates seen: what changed after
    # it is new to them (mentoring.selectors.updates_for).
    mentor_seen_at = models.DateTimeField(default=timezone.now)
    # The link it came through: ending the mentorship closes a learner's link.
    invite = models.ForeignKey(
        "Invite", on_delete=models.SET_NULL, null=True, blank=True, related_name="mentorships", editable=False
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            # Also the index of every access check: "is this user an active mentor of that learner?"
            models.UniqueConstraint(
                fields=["mentor", "learner"],
                condition=Q(status="active"),
                name="mentoring_mentorship_one_active_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentor=F("learner")), name="mentoring_mentorship_not_self"),
            models.CheckConstraint(
                condition=Q(status="active", ended_at__isnull=True) | Q(status="ended", ended_at__isnull=False),
                name="mentoring_mentorship_ended_at_matches_status",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} mentors {self.learner} ({self.status})"

    @property
    def shared(self) -> list[str]:
        """What the mentor sees, in the order the pages name it, in the reader's
        language: statuses always."""
        return [str(SHARED_NAMES["statuses"])] + [str(SHARED_NAMES[name]) for name, on in self._choices() if on]

    @property
    def private(self) -> list[str]:
        return [str(SHARED_NAMES[name]) for name, on in self._choices() if not on]

    def _choices(self):
        return (("dates", self.share_dates), ("evidence", self.share_evidence), ("notes", self.share_notes))


# What a learner shares with a mentor, as the pages list it ("sees your statuses · dates").
SHARED_NAMES = {
    "statuses": pgettext_lazy("shared with a mentor", "statuses"),
    "dates": pgettext_lazy("shared with a mentor", "dates"),
    "evidence": pgettext_lazy("shared with a mentor", "evidence"),
    "notes": pgettext_lazy("shared with a mentor", "notes"),
}


class InviteQuerySet(models.QuerySet):
    def open(self):
        """Links someone could still accept: not revoked, used up or expired."""
        return self.filter(revoked_at=None, used_at=None).filter(Q(expires_at=None) | Q(expires_at__gt=timezone.now()))


class Invite(models.Model):
    """A link that one person shares. A single-use link serves one person; a
    multi-use link serves everyone who accepts it (a mentor's cohort).

    A mentor's link invites learners; a learner's link invites mentors, and is
    single-use unless the learner chooses otherwise: each mentor is one consent.
    """

    class Kind(models.TextChoices):
        FROM_MENTOR = "mentor", _("A mentor invites learners")
        FROM_LEARNER = "learner", _("A learner invites mentors")

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invites")
    kind = models.CharField(max_length=8, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Closed by its maker (revoke) or by the end of a mentorship it brought.
    revoked_at = models.DateTimeField(null=True, blank=True)
    single_use = models.BooleanField(default=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(single_use=True) | Q(used_at__isnull=True), name="mentoring_invite_used_only_if_single_use"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_by})"

    def get_absolute_url(self):
        return reverse("mentoring_invite", args=[self.token])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired and not self.is_used


class Comment(models.Model):
    """A message in the thread of one learner and one topic, between the learner
    and their mentors. Plain text, newest last."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_threads")
    topic = models.ForeignKey("roadmap.Topic", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments_written")
    body = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    # When the learner first saw a mentor's comment; drives "new feedback".
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # A thread on a topic page: one learner's comments on one topic, in order.
            models.Index(fields=["learner", "topic", "created_at"], name="mentoring_comment_thread"),
            # "New feedback" on the dashboard: a learner's unseen comments.
            models.Index(fields=["learner"], condition=Q(seen_at__isnull=True), name="mentoring_comment_unseen"),
        ]

    def __str__(self):
        return f"{self.author} on {self.topic} ({self.learner})"


class Review(models.Model):
    """A mentor's mark that they reviewed a learner's finished topic; separate
    from the learner's own status."""

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_given")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received")
    topic = models.ForeignKey("roadmap.Topic", on_delete=models.CASCADE, related_name="reviews")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "topic", "mentor"], name="mentoring_review_once"),
        ]

    def __str__(self):
        return f"{self.mentor} reviewed {self.topic} of {self.learner}"


class Nudge(models.Model):
    """An encouragement email; the database allows one per mentor, learner and day,
    so the limit holds across app servers."""

    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_sent")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_received")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentor", "learner", "sent_on"], name="mentoring_nudge_one_per_day"),
        ]

    def __str__(self):
        return f"{self.mentor} nudged {self.learner} on {self.sent_on}"


class DigestKind(models.TextChoices):
    LEARNER = "learner", _("Weekly digest")
    MENTOR = "mentor", _("Mentor digest")


class DigestSent(models.Model):
    """One digest of one week to one person: the row is written with the task
    that mails it, so a second run of send_digests the same week sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent")
    kind = models.CharField(max_length=8, choices=DigestKind)
    week = models.DateField(help_text="The Monday of the week, in the recipient's time zone.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "week"], name="mentoring_digestsent_once_a_week"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user}, week of {self.week}"


class PaceSuggestion(models.Model):
    """A mentor's suggested target date for a learner's roadmap, which the
    learner accepts (it becomes their pace) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="pace_suggestions")
    roadmap = models.ForeignKey("roadmap.Roadmap", on_delete=models.CASCADE, related_name="pace_suggestions")
    target_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A new suggestion replaces the one still waiting. Also the index of that lookup.
            models.UniqueConstraint(
                fields=["mentorship", "roadmap"],
                condition=Q(status="pending"),
                name="mentoring_pacesuggestion_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.mentorship}: {self.roadmap} by {self.target_date} ({self.status})"


class ProjectComment(models.Model):
    """A message in the thread of one learner's project, between the learner and
    their mentors: a review's comments are posted here. Plain text, newest last."""

    work = models.ForeignKey("progress.ProjectWork", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    # When the learner first saw a mentor's comment (their own are seen): "new feedback".
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The thread on a project's page.
            models.Index(fields=["work", "created_at"], name="mentoring_projcomment_thread"),
        ]

    def __str__(self):
        return f"{self.author} on {self.work}"


class TrackOffer(models.Model):
    """A mentor offers their cohort track to a mentee, who accepts it (following
    it) or declines it on their dashboard: each mentee's consent, as with a
    mentorship. An offer is made once per (track, learner)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    roadmap = models.ForeignKey("roadmap.Roadmap", on_delete=models.CASCADE, related_name="offers")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="track_offers_made")
    # No index of its own: (learner, status) below serves the dashboard's read.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="track_offers", db_index=False
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A learner's dashboard and navigation: the offers waiting for their answer.
            models.Index(fields=["learner", "status"], name="mentoring_trackoffer_learner"),
        ]
        constraints = [
            # Also the index of the track page's list of offers.
            models.UniqueConstraint(fields=["roadmap", "learner"], name="mentoring_trackoffer_one_per_learner"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined"]), name="mentoring_trackoffer_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.roadmap} offered to {self.learner} ({self.status})"
