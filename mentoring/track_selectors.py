"""Reads of cohort tracks (mentoring.tracks writes them): a mentor's tracks,
one track's editor with its learners, a learner's offers. Each in a fixed
number of queries whatever the track's size (pinned in tests)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from mentoring.models import Mentorship, TrackOffer
from progress import summary
from progress.models import RoadmapFollow
from progress.summary import Figures, percent_done
from roadmap.models import Placement, Prerequisite, Project, Roadmap, Section, Topic, TrackChange

HISTORY_SHOWN = 10


def live_placements(track: Roadmap):
    return Placement.objects.filter(section__roadmap=track, topic__retired=False)


def missing_prerequisites(track: Roadmap) -> list[Topic]:
    """Live prerequisites of the track's topics that are neither on the track nor assumed known."""
    on_track = set(live_placements(track).values_list("topic_id", flat=True))
    assumed = set(track.assumed_topics.values_list("pk", flat=True))
    required = Prerequisite.objects.filter(topic_id__in=on_track, requires__retired=False).values_list(
        "requires_id", flat=True
    )
    missing = set(required) - on_track - assumed
    return list(Topic.objects.filter(pk__in=missing).order_by("title"))


def tracks_of(author) -> list[Roadmap]:
    """A mentor's live tracks, newest first, each with its followers and waiting offers counted."""
    return list(
        Roadmap.objects.filter(author=author, kind=Roadmap.Kind.COHORT, published=True)
        .annotate(
            followers=Count("follows", distinct=True),
            waiting=Count("offers", filter=Q(offers__status=TrackOffer.Status.PENDING), distinct=True),
        )
        .order_by("-pk")
    )


def track_for_editor(pk: int, user) -> Roadmap | None:
    """A live track its author (or staff) may edit, with its content version; None for anyone else."""
    if not user.is_authenticated:
        return None
    track = (
        Roadmap.objects.filter(pk=pk, kind=Roadmap.Kind.COHORT, published=True)
        .with_content_version()
        .select_related("author")
        .first()
    )
    if track is None or not (user.is_staff or track.author_id == user.pk):
        return None
    return track


@dataclass
class MenteeOnTrack:
    """One of the viewer's mentees, as the track's page lists them."""

    mentorship: Mentorship
    offer: TrackOffer | None
    following: bool
    figures: Figures | None  # while they follow the track

    @property
    def percent(self) -> int:
        f = self.figures
        return percent_done(done=f.done, countable=f.topics - f.skipped) if f else 0


def mentees_on_track(track: Roadmap, mentor) -> list[MenteeOnTrack]:
    """The mentor's active mentees with their offer and, if they follow the
    track, their progress on it: four queries. Only the mentor's own mentees:
    a learner who follows through the link shows to nobody here."""
    mentorships = list(
        Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE)
        .select_related("learner")
        .order_by("learner__username")
    )
    ids = [m.learner_id for m in mentorships]
    offers = {o.learner_id: o for o in TrackOffer.objects.filter(roadmap=track, learner_id__in=ids)}
    following = set(
        RoadmapFollow.objects.filter(roadmap=track, learner_id__in=ids).values_list("learner_id", flat=True)
    )
    figures = summary.read({(pk, track.pk) for pk in following}, {track.pk: track})
    return [
        MenteeOnTrack(
            mentorship=m,
            offer=offers.get(m.learner_id),
            following=m.learner_id in following,
            figures=figures.get((m.learner_id, track.pk)),
        )
        for m in mentorships
    ]


@dataclass
class Editor:
    track: Roadmap
    sections: list[Section]
    topics: list[Topic]  # on the track, in order
    assumed: list[Topic]
    missing: list[Topic]  # prerequisites neither on the track nor assumed
    shipped_topics: list[Topic]  # that can be added
    shipped_projects: list[Project]
    history: list[TrackChange]
    followers: int

    @property
    def hours(self) -> int:
        return sum(topic.estimated_hours for topic in self.topics)


def editor(track: Roadmap) -> Editor:
    sections = list(Section.objects.filter(roadmap=track).with_live_content())
    topics = [placement.topic for section in sections for placement in section.placements.all()]
    on_track = {topic.pk for topic in topics}
    projects = {p.project_id for section in sections for p in section.project_placements.all()}
    return Editor(
        track=track,
        sections=sections,
        topics=topics,
        assumed=list(track.assumed_topics.live().order_by("title")),
        missing=missing_prerequisites(track),
        shipped_topics=[t for t in Topic.objects.live().shipped().order_by("title") if t.pk not in on_track],
        shipped_projects=[p for p in Project.objects.live().shipped().order_by("title") if p.pk not in projects],
        history=list(TrackChange.objects.filter(roadmap=track)[:HISTORY_SHOWN]),
        followers=RoadmapFollow.objects.filter(roadmap=track).count(),
    )


def track_topics(track: Roadmap) -> list[Topic]:
    """The track's live topics (for the choices of an own topic's prerequisites and a project's topics)."""
    return list(Topic.objects.live().filter(placements__section__roadmap=track).distinct().order_by("title"))


def _open_offers(learner):
    """The learner's offers waiting for an answer, of live tracks, from a mentor who is still theirs."""
    active = Mentorship.objects.filter(
        mentor=OuterRef("mentor"), learner=OuterRef("learner"), status=Mentorship.Status.ACTIVE
    )
    return TrackOffer.objects.filter(
        Exists(active), learner=learner, status=TrackOffer.Status.PENDING, roadmap__published=True
    ).select_related("roadmap", "mentor")


def pending_offers(learner) -> list[TrackOffer]:
    return list(_open_offers(learner))


def offer_for(pk: int, learner) -> TrackOffer | None:
    """One of the learner's open offers, with its track; None once answered, or for anyone else's."""
    return _open_offers(learner).filter(pk=pk).first() if learner.is_authenticated else None


def shared_track(token: str) -> Roadmap | None:
    """The live track a link opens, with its content version and author; None for a closed link."""
    if not token or len(token) > 64:
        return None
    return (
        Roadmap.objects.filter(share_token=token, kind=Roadmap.Kind.COHORT, published=True)
        .with_content_version()
        .select_related("author")
        .first()
    )


def track_with_version(pk: int) -> Roadmap:
    return Roadmap.objects.with_content_version().get(pk=pk)
