"""Work on the roadmap content that no request waits for, run by the worker."""

from django.conf import settings
from django.tasks import task
from django.utils import translation

from roadmap import selectors
from roadmap.models import Roadmap


@task()
def lay_out_maps(roadmap_id: int | None = None) -> int:
    """After a content change: every published roadmap's maps laid out by
    Graphviz and cached (selectors.roadmap_maps), so that no learner waits a
    second for the first map of a content version, in each language (a map
    shows the titles). With Redis every app server reads them; a per-process
    cache lays them out again on a first visit. After a cohort track's edit,
    that track's alone (`roadmap_id`). Returns how many maps (a roadmap in a
    language) were laid out."""
    laid_out = 0
    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            roadmaps = Roadmap.objects.published().with_content_version()
            for roadmap in roadmaps.filter(pk=roadmap_id) if roadmap_id else roadmaps:
                laid_out += selectors.roadmap_maps(roadmap, selectors.roadmap_outline(roadmap)) is not None
    return laid_out
