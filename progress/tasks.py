"""Work on learners' progress that no request waits for, run by the worker."""

from django.db import transaction
from django.db.models import Q
from django.tasks import task

from progress import summary
from progress.models import ProgressSummary, RoadmapFollow

BATCH = 200  # learners recounted per transaction


def learners_to_recount(roadmaps) -> list[int]:
    """Learners with a summary of an older content version, or a follow of a
    published roadmap without one, in id order."""
    stale = Q()
    for pk, roadmap in roadmaps.items():
        stale |= Q(roadmap_id=pk) & ~Q(content_version=roadmap.content_version)
    ids = set(ProgressSummary.objects.filter(stale).values_list("learner_id", flat=True)) if roadmaps else set()
    have = set(ProgressSummary.objects.filter(roadmap_id__in=roadmaps).values_list("learner_id", "roadmap_id"))
    ids |= {
        learner_id
        for learner_id, roadmap_id in RoadmapFollow.objects.filter(roadmap_id__in=roadmaps).values_list(
            "learner_id", "roadmap_id"
        )
        if (learner_id, roadmap_id) not in have
    }
    return sorted(ids)


@task()
def refresh_summaries() -> int:
    """After a content change: every learner's summaries counted again against
    the new content, a batch of learners per transaction (the ticks of those
    learners wait for it). Returns how many learners were recounted."""
    roadmaps = summary.published()
    ids = learners_to_recount(roadmaps)
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            summary.recount(learner_ids=set(ids[start : start + BATCH]), roadmaps=summary.published())
    return len(ids)
