"""Writes of cohort tracks: a mentor composes a track from the shipped topics
and projects and their own, offers it to mentees or shares a link, and edits it
while learners follow it.

A track is a roadmap (roadmap.models.Roadmap, kind "cohort"), so that it is
read, ticked, counted and mapped as a shipped one is. Its own topics and
projects are Topic and Project rows that belong to it (their `track`). Nothing a
learner did is ever deleted: a topic or project taken off the track leaves it
(its own are retired, as the loader retires what leaves the files), and a
deleted track is unpublished, its own topics and projects retired.

Every edit moves the track's revision (its outline, map and summaries go on to
a new version, no other roadmap's) and the count of track edits (topic pages),
and is told to its learners in the roadmap's history (TrackChange)."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mentoring.models import Mentorship, TrackOffer
from mentoring.track_selectors import live_placements, missing_prerequisites
from progress import services as progress_services
from progress.models import RoadmapFollow
from progress.tasks import refresh_summaries
from roadmap.models import (
    ContentVersion,
    Placement,
    Prerequisite,
    Project,
    ProjectCriterion,
    ProjectPlacement,
    Resource,
    Roadmap,
    Section,
    Topic,
    TrackChange,
)
from roadmap.tasks import lay_out_maps

# Limits of one track, stated on its page (templates/mentoring/tracks/track_edit.html).
TRACKS_PER_MENTOR = 20
SECTIONS_MAX = 20
TOPICS_MAX = 150  # placed on the track, shipped and own
OWN_TOPICS_MAX = 60
PROJECTS_MAX = 20
# An edit by the same author within this time of a history line's first joins that line.
MERGE_WINDOW = dt.timedelta(hours=1)
COUNT_MAX = 32767  # a TrackChange count's column (PositiveSmallIntegerField) holds no more


class TrackError(Exception):
    """An edit that is refused, with a message fit to show the mentor."""


def may_edit(track: Roadmap, user) -> bool:
    """Its author and site staff edit a track (staff alone once the author is gone)."""
    return track.is_track and user.is_authenticated and (user.is_staff or track.author_id == user.pk)


def _check(track: Roadmap, by) -> None:
    """The editor's right; whether the track still lives is read under its lock (_locked)."""
    if not may_edit(track, by):
        raise TrackError(_("Only the track's author can change it."))


@dataclass
class Edit:
    """What one edit changed, as the history tells it."""

    topics_added: int = 0
    topics_removed: int = 0
    topics_edited: int = 0
    projects_added: int = 0
    projects_removed: int = 0
    projects_edited: int = 0
    reordered: bool = False
    details_edited: bool = False


def _edited(track: Roadmap, by, edit: Edit) -> None:
    """In the edit's transaction: the track's revision and the count of track
    edits move on; the history gains the edit (joined to its author's previous
    line within MERGE_WINDOW); the followers' summaries are recounted and the
    track's maps laid out by the worker."""
    Roadmap.objects.filter(pk=track.pk).update(revision=F("revision") + 1)
    track.revision += 1
    if not ContentVersion.objects.filter(pk=ContentVersion.SINGLETON).update(track_edits=F("track_edits") + 1):
        ContentVersion.objects.bulk_create([ContentVersion(pk=ContentVersion.SINGLETON, track_edits=1)])
    now = timezone.now()
    last = (
        TrackChange.objects.select_for_update()
        .filter(roadmap=track, author=by, created_at__gte=now - MERGE_WINDOW)
        .order_by("-created_at", "-pk")
        .first()
    )
    counts = {
        name: value for name, value in vars(edit).items() if isinstance(value, int) and not isinstance(value, bool)
    }
    if last is None:
        TrackChange.objects.create(roadmap=track, author=by, author_name=by.public_name, created_at=now, **vars(edit))
    else:
        for name, value in counts.items():
            setattr(last, name, min(getattr(last, name) + value, COUNT_MAX))
        last.reordered |= edit.reordered
        last.details_edited |= edit.details_edited
        last.save()
    if RoadmapFollow.objects.filter(roadmap=track).exists():
        transaction.on_commit(refresh_summaries.enqueue)
    transaction.on_commit(lambda: lay_out_maps.enqueue(track.pk))


def _locked(track: Roadmap, section: Section | None = None) -> Roadmap:
    """The track's row, locked for the edit (two edits at once count each
    other's places), still live, and the section given one of its own."""
    locked = Roadmap.objects.select_for_update().get(pk=track.pk)
    if not locked.published:
        raise TrackError(_("This track was deleted."))
    if section is not None and (
        section.roadmap_id != locked.pk or not Section.objects.filter(pk=section.pk, roadmap=locked).exists()
    ):
        raise TrackError(_("That section is no longer on this track."))
    return locked


# --- The track itself ---


def _new_slug(title: str) -> str:
    # "--" never appears in a shipped slug (roadmap.content.SLUG_RE): no shipped roadmap can take it.
    return f"{slugify(title)[:50].strip('-') or 'track'}--{secrets.token_hex(3)}"


@transaction.atomic
def create_track(
    *, author, title: str, introduction: str, target_date: dt.date | None = None, copy_from: Roadmap | None = None
) -> Roadmap:
    """A new track, empty or a copy of a shipped roadmap's sections, topics and
    projects (to leave out what the team knows)."""
    if not author.is_authenticated:
        raise TrackError(_("Sign in to make a track."))
    if Roadmap.objects.filter(author=author, kind=Roadmap.Kind.COHORT, published=True).count() >= TRACKS_PER_MENTOR:
        raise TrackError(
            _("You have %(count)d tracks. Delete one you no longer need to make another.")
            % {"count": TRACKS_PER_MENTOR}
        )
    if copy_from is not None and (copy_from.is_track or not copy_from.published):
        raise TrackError(_("Choose one of the shipped roadmaps to start from."))
    track = Roadmap.objects.create(
        kind=Roadmap.Kind.COHORT,
        author=author,
        slug=_new_slug(title),
        title=title,
        summary=introduction,
        audience="",
        order=1000,
        finish_by=target_date,
    )
    if copy_from is not None:
        _copy(copy_from, track)
    return track


def _copy(source: Roadmap, track: Roadmap) -> None:
    for section in source.sections.order_by("order", "pk"):
        copy = Section.objects.create(
            roadmap=track,
            slug=section.slug,
            title=section.title,
            summary=section.summary,
            order=section.order,
            translations=section.translations,
        )
        Placement.objects.bulk_create(
            Placement(section=copy, topic_id=p.topic_id, order=p.order)
            for p in section.placements.filter(topic__retired=False)
        )
        ProjectPlacement.objects.bulk_create(
            ProjectPlacement(section=copy, project_id=p.project_id, order=p.order)
            for p in section.project_placements.filter(project__retired=False)
        )
    track.assumed_topics.set(source.assumed_topics.live())


@transaction.atomic
def update_details(*, track: Roadmap, by, title: str, introduction: str, target_date: dt.date | None) -> None:
    _check(track, by)
    track = _locked(track)
    if (track.title, track.summary, track.finish_by) == (title, introduction, target_date):
        return
    Roadmap.objects.filter(pk=track.pk).update(title=title, summary=introduction, finish_by=target_date)
    _edited(track, by, Edit(details_edited=True))


@transaction.atomic
def delete_track(*, track: Roadmap, by) -> None:
    """Unpublish the track: it leaves its learners' dashboards and every page;
    their progress stays (on shipped topics, and on the track's own topics,
    retired, which their JSON export keeps). Waiting offers and the link close."""
    _check(track, by)
    _locked(track)
    Topic.objects.filter(track=track).update(retired=True)
    Project.objects.filter(track=track).update(retired=True)
    Roadmap.objects.filter(pk=track.pk).update(published=False, share_token=None, revision=F("revision") + 1)
    TrackOffer.objects.filter(roadmap=track, status=TrackOffer.Status.PENDING).delete()
    ContentVersion.objects.filter(pk=ContentVersion.SINGLETON).update(track_edits=F("track_edits") + 1)


# --- Sections ---


@transaction.atomic
def add_section(*, track: Roadmap, by, title: str) -> Section:
    _check(track, by)
    track = _locked(track)
    if track.sections.count() >= SECTIONS_MAX:
        raise TrackError(_("A track has at most %(count)d sections.") % {"count": SECTIONS_MAX})
    slug = slugify(title)[:60].strip("-") or "section"
    taken = set(track.sections.values_list("slug", flat=True))
    unique, n = slug, 1
    while unique in taken:
        n += 1
        unique = f"{slug}-{n}"
    order = (track.sections.aggregate(last=Max("order"))["last"] or 0) + 1
    section = Section.objects.create(roadmap=track, slug=unique, title=title, order=order)
    _edited(track, by, Edit(reordered=True))
    return section


@transaction.atomic
def remove_section(*, track: Roadmap, by, section: Section) -> None:
    """The section and what it places leave the track (its own topics and projects are retired)."""
    _check(track, by)
    track = _locked(track, section)
    topics = list(section.placements.filter(topic__retired=False).values_list("topic_id", flat=True))
    projects = list(section.project_placements.filter(project__retired=False).values_list("project_id", flat=True))
    Topic.objects.filter(pk__in=topics, track=track).update(retired=True)
    Project.objects.filter(pk__in=projects, track=track).update(retired=True)
    section.delete()
    _edited(track, by, Edit(topics_removed=len(topics), projects_removed=len(projects), reordered=True))


def _swap(items: list, item, direction: str) -> list | None:
    """The list with `item` moved one place up or down, or None when it cannot move."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return None
    items[index], items[other] = items[other], items[index]
    return items


@transaction.atomic
def move_section(*, track: Roadmap, by, section: Section, direction: str) -> None:
    _check(track, by)
    track = _locked(track, section)
    sections = list(track.sections.order_by("order", "pk"))
    if (moved := _swap(sections, section, direction)) is None:
        return
    for order, each in enumerate(moved, start=1):
        each.order = order
    Section.objects.bulk_update(moved, ["order"])
    _edited(track, by, Edit(reordered=True))


# --- Topics ---


def _next_order(queryset) -> int:
    return (queryset.aggregate(last=Max("order"))["last"] or 0) + 1


@transaction.atomic
def add_topics(*, track: Roadmap, by, section: Section, topics: list[Topic]) -> int:
    """Place shipped topics at the end of a section; those already on the track stay where they are."""
    _check(track, by)
    track = _locked(track, section)
    placed = set(live_placements(track).values_list("topic_id", flat=True))
    new = [topic for topic in topics if topic.pk not in placed and topic.track_id is None and not topic.retired]
    if len(placed) + len(new) > TOPICS_MAX:
        raise TrackError(_("A track holds at most %(count)d topics.") % {"count": TOPICS_MAX})
    order = _next_order(section.placements)
    Placement.objects.bulk_create(Placement(section=section, topic=t, order=order + i) for i, t in enumerate(new))
    track.assumed_topics.remove(*new)  # placed now, no longer assumed
    if new:
        _edited(track, by, Edit(topics_added=len(new)))
    return len(new)


@transaction.atomic
def remove_topic(*, track: Roadmap, by, topic: Topic) -> None:
    """Take a topic off the track: a shipped one leaves its sections, the
    track's own is retired. Learners' progress on it stays."""
    _check(track, by)
    track = _locked(track)
    removed = Placement.objects.filter(section__roadmap=track, topic=topic).delete()[0]
    if topic.track_id == track.pk:
        Topic.objects.filter(pk=topic.pk).update(retired=True)
    if removed:
        _edited(track, by, Edit(topics_removed=1))


@transaction.atomic
def move_topic(*, track: Roadmap, by, section: Section, topic: Topic, direction: str) -> None:
    """One place up or down; from a section's first or last place, into the end
    of the section before or the start of the section after."""
    _check(track, by)
    track = _locked(track, section)
    placements = list(section.placements.filter(topic__retired=False).order_by("order", "pk"))
    mine = next((p for p in placements if p.topic_id == topic.pk), None)
    if mine is None or direction not in ("up", "down"):
        return
    moved = _swap(placements, mine, direction)
    if moved is None:  # at the section's edge: into the next section that way
        sections = list(track.sections.order_by("order", "pk"))
        index = sections.index(section) + (-1 if direction == "up" else 1)
        if not 0 <= index < len(sections):
            return
        into = sections[index]
        others = list(into.placements.filter(topic__retired=False).order_by("order", "pk"))
        mine.section = into
        moved = [*others, mine] if direction == "up" else [mine, *others]
    for order, each in enumerate(moved, start=1):
        each.order = order
    Placement.objects.bulk_update(moved, ["order", "section"])
    _edited(track, by, Edit(reordered=True))


@transaction.atomic
def assume_missing(*, track: Roadmap, by) -> int:
    """Mark every missing prerequisite as known already (assumed): what builds on it is next without it."""
    _check(track, by)
    track = _locked(track)
    missing = missing_prerequisites(track)
    track.assumed_topics.add(*missing)
    if missing:
        _edited(track, by, Edit(reordered=True))
    return len(missing)


@transaction.atomic
def unassume(*, track: Roadmap, by, topic: Topic) -> None:
    _check(track, by)
    track = _locked(track)
    track.assumed_topics.remove(topic)
    _edited(track, by, Edit(reordered=True))


@dataclass(frozen=True)
class OwnTopic:
    """An own topic as the mentor writes it (mentoring.forms.OwnTopicForm)."""

    title: str
    summary: str
    hours: int
    resources: tuple[tuple[str, str], ...]  # (title, https URL)
    prerequisites: tuple[Topic, ...]


def _own_slug(track: Roadmap, title: str) -> str:
    base = f"t{track.pk}--{slugify(title)[:50].strip('-') or 'topic'}"
    taken = set(Topic.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= set(Project.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    unique, n = base, 1
    while unique in taken:
        n += 1
        unique = f"{base}-{n}"
    return unique


def _check_prerequisites(track: Roadmap, topic: Topic | None, prerequisites: tuple[Topic, ...]) -> None:
    """Prerequisites among the track's live topics, and no cycle (only own topics can close one)."""
    on_track = set(live_placements(track).values_list("topic_id", flat=True))
    for required in prerequisites:
        if required.pk not in on_track or (topic is not None and required.pk == topic.pk):
            raise TrackError(_("“%(title)s” is not a topic of this track.") % {"title": required.title})
    if topic is None:
        return
    # A cycle: one of the new prerequisites already builds on this topic.
    graph: dict[int, set[int]] = {}
    for pk, requires in Prerequisite.objects.filter(topic__track=track, topic__retired=False).values_list(
        "topic_id", "requires_id"
    ):
        graph.setdefault(pk, set()).add(requires)
    graph[topic.pk] = {t.pk for t in prerequisites}
    stack, seen = [t.pk for t in prerequisites], set()
    while stack:
        pk = stack.pop()
        if pk == topic.pk:
            raise TrackError(_("That would make a cycle: a prerequisite of this topic builds on it."))
        if pk not in seen:
            seen.add(pk)
            stack.extend(graph.get(pk, ()))


def _write_own_topic(topic: Topic, spec: OwnTopic) -> None:
    Resource.objects.filter(topic=topic).delete()
    Resource.objects.bulk_create(
        Resource(topic=topic, title=title, url=url, kind=Resource.Kind.ARTICLE, order=i)
        for i, (title, url) in enumerate(spec.resources)
    )
    Prerequisite.objects.filter(topic=topic).delete()
    Prerequisite.objects.bulk_create(Prerequisite(topic=topic, requires=t) for t in spec.prerequisites)


@transaction.atomic
def create_own_topic(*, track: Roadmap, by, section: Section, spec: OwnTopic) -> Topic:
    _check(track, by)
    track = _locked(track, section)
    if Topic.objects.filter(track=track, retired=False).count() >= OWN_TOPICS_MAX:
        raise TrackError(_("A track has at most %(count)d topics of its own.") % {"count": OWN_TOPICS_MAX})
    if live_placements(track).count() >= TOPICS_MAX:
        raise TrackError(_("A track holds at most %(count)d topics.") % {"count": TOPICS_MAX})
    _check_prerequisites(track, None, spec.prerequisites)
    topic = Topic.objects.create(
        slug=_own_slug(track, spec.title),
        title=spec.title,
        summary=spec.summary,
        estimated_hours=spec.hours,
        track=track,
    )
    _write_own_topic(topic, spec)
    Placement.objects.create(section=section, topic=topic, order=_next_order(section.placements))
    _edited(track, by, Edit(topics_added=1))
    return topic


@transaction.atomic
def edit_own_topic(*, track: Roadmap, by, topic: Topic, spec: OwnTopic) -> None:
    _check(track, by)
    track = _locked(track)
    if topic.track_id != track.pk or topic.retired:
        raise TrackError(_("Only the track's own topics can be edited here."))
    _check_prerequisites(track, topic, spec.prerequisites)
    Topic.objects.filter(pk=topic.pk).update(title=spec.title, summary=spec.summary, estimated_hours=spec.hours)
    _write_own_topic(topic, spec)
    _edited(track, by, Edit(topics_edited=1))


# --- Projects ---


@dataclass(frozen=True)
class OwnProject:
    title: str
    brief: str
    hours: int
    criteria: tuple[str, ...]
    topics: tuple[Topic, ...]  # the track's topics it practises


def _check_practised(track: Roadmap, topics: tuple[Topic, ...]) -> None:
    on_track = set(live_placements(track).values_list("topic_id", flat=True))
    if any(topic.pk not in on_track for topic in topics):
        raise TrackError(_("A project practises topics of its track."))


def _project_count(track: Roadmap) -> int:
    return ProjectPlacement.objects.filter(section__roadmap=track, project__retired=False).count()


@transaction.atomic
def add_project(*, track: Roadmap, by, section: Section, project: Project) -> None:
    _check(track, by)
    track = _locked(track, section)
    if project.track_id is not None or project.retired:
        raise TrackError(_("Choose one of the shipped projects."))
    if ProjectPlacement.objects.filter(section__roadmap=track, project=project).exists():
        return
    if _project_count(track) >= PROJECTS_MAX:
        raise TrackError(_("A track holds at most %(count)d projects.") % {"count": PROJECTS_MAX})
    ProjectPlacement.objects.create(section=section, project=project, order=_next_order(section.project_placements))
    _edited(track, by, Edit(projects_added=1))


@transaction.atomic
def remove_project(*, track: Roadmap, by, project: Project) -> None:
    _check(track, by)
    track = _locked(track)
    removed = ProjectPlacement.objects.filter(section__roadmap=track, project=project).delete()[0]
    if project.track_id == track.pk:
        Project.objects.filter(pk=project.pk).update(retired=True)
    if removed:
        _edited(track, by, Edit(projects_removed=1))


def _write_own_project(project: Project, spec: OwnProject) -> None:
    ProjectCriterion.objects.filter(project=project, order__gte=len(spec.criteria)).delete()
    for order, text in enumerate(spec.criteria):
        # In place, by order: a learner's tick survives an edit of the wording (as the loader does).
        ProjectCriterion.objects.update_or_create(project=project, order=order, defaults={"text": text})
    project.topics.set(spec.topics)


@transaction.atomic
def create_own_project(*, track: Roadmap, by, section: Section, spec: OwnProject) -> Project:
    _check(track, by)
    track = _locked(track, section)
    if _project_count(track) >= PROJECTS_MAX:
        raise TrackError(_("A track holds at most %(count)d projects.") % {"count": PROJECTS_MAX})
    _check_practised(track, spec.topics)
    project = Project.objects.create(
        slug=_own_slug(track, spec.title), title=spec.title, brief=spec.brief, estimated_hours=spec.hours, track=track
    )
    _write_own_project(project, spec)
    ProjectPlacement.objects.create(section=section, project=project, order=_next_order(section.project_placements))
    _edited(track, by, Edit(projects_added=1))
    return project


@transaction.atomic
def edit_own_project(*, track: Roadmap, by, project: Project, spec: OwnProject) -> None:
    _check(track, by)
    track = _locked(track)
    if project.track_id != track.pk or project.retired:
        raise TrackError(_("Only the track's own projects can be edited here."))
    _check_practised(track, spec.topics)
    Project.objects.filter(pk=project.pk).update(title=spec.title, brief=spec.brief, estimated_hours=spec.hours)
    _write_own_project(project, spec)
    _edited(track, by, Edit(projects_edited=1))


# --- Assigning ---


@transaction.atomic
def offer_track(*, track: Roadmap, by, learners: list) -> int:
    """Offer the track to mentees of its author: each answers on their dashboard.
    A declined offer, or one accepted by a mentee who no longer follows, is made
    again; an open one, or a follower's, is left as it is."""
    _check(track, by)
    _locked(track)
    mentees = set(
        Mentorship.objects.filter(mentor=by, status=Mentorship.Status.ACTIVE, learner__in=learners).values_list(
            "learner_id", flat=True
        )
    )
    if len(mentees) < len({learner.pk for learner in learners}):
        raise TrackError(_("You can offer a track only to the people you mentor."))
    existing = {o.learner_id: o for o in TrackOffer.objects.select_for_update().filter(roadmap=track)}
    following = set(
        RoadmapFollow.objects.filter(roadmap=track, learner_id__in=mentees).values_list("learner_id", flat=True)
    )
    made = 0
    for learner_id in sorted(mentees - following):
        offer = existing.get(learner_id)
        if offer is None:
            TrackOffer.objects.bulk_create(
                [TrackOffer(roadmap=track, mentor=by, learner_id=learner_id)], ignore_conflicts=True
            )
            made += 1
        elif offer.status == TrackOffer.Status.DECLINED or offer.status == TrackOffer.Status.ACCEPTED:
            # Declined, or accepted and since unfollowed (a follower was left out above): offered again.
            TrackOffer.objects.filter(pk=offer.pk).update(
                status=TrackOffer.Status.PENDING, mentor=by, created_at=timezone.now(), answered_at=None
            )
            made += 1
    return made


@transaction.atomic
def answer_offer(*, offer: TrackOffer, learner, accept: bool) -> None:
    """The learner's answer: accepting follows the track, and their summary of it is counted."""
    offer = TrackOffer.objects.select_for_update().select_related("roadmap").get(pk=offer.pk)
    if offer.learner_id != learner.pk:
        raise TrackError(_("This offer is someone else's."))
    if offer.status != TrackOffer.Status.PENDING:
        return  # answered already (another tab): the first answer stands
    status = TrackOffer.Status.ACCEPTED if accept else TrackOffer.Status.DECLINED
    TrackOffer.objects.filter(pk=offer.pk).update(status=status, answered_at=timezone.now())
    if accept and offer.roadmap.published:
        progress_services.follow_roadmap(learner=learner, roadmap=offer.roadmap)


@transaction.atomic
def share(*, track: Roadmap, by) -> str:
    """The track's link (made once; revoke makes the next one new)."""
    _check(track, by)
    track = _locked(track)
    if track.share_token is None:
        track.share_token = secrets.token_urlsafe(24)
        Roadmap.objects.filter(pk=track.pk).update(share_token=track.share_token)
    return track.share_token


@transaction.atomic
def unshare(*, track: Roadmap, by) -> None:
    """Close the link: those who followed through it keep following."""
    _check(track, by)
    _locked(track)
    Roadmap.objects.filter(pk=track.pk).update(share_token=None)


@transaction.atomic
def follow_by_link(*, token: str, learner) -> Roadmap | None:
    """Follow the track the link opens, or None for a link that is closed."""
    track = Roadmap.objects.filter(share_token=token, kind=Roadmap.Kind.COHORT, published=True).first()
    if track is None or not token:
        return None
    progress_services.follow_roadmap(learner=learner, roadmap=track)
    TrackOffer.objects.filter(roadmap=track, learner=learner, status=TrackOffer.Status.PENDING).update(
        status=TrackOffer.Status.ACCEPTED, answered_at=timezone.now()
    )
    return track
