"""Cache keys follow the code (issue #26, item 5): every key holds a digest
of the project's modules and templates, so a release that changes what is
cached, or how it is drawn, never reads another release's entries."""

import shutil
from pathlib import Path

from django.conf import settings

from mlepath import cache

ROOT = Path(settings.BASE_DIR)
CACHED_TEMPLATE = Path("templates/roadmap/includes/topic_body.html")


def test_changing_a_cached_template_changes_every_key(tmp_path):
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "roadmap", tmp_path / "roadmap", ignore=shutil.ignore_patterns("__pycache__", "content"))
    before = cache.code_version(tmp_path, folders=("templates", "roadmap"))
    assert cache.code_version(tmp_path, folders=("templates", "roadmap")) == before  # the same files, the same version

    template = tmp_path / CACHED_TEMPLATE
    template.write_text(template.read_text() + "<p>a new line</p>\n")
    edited = cache.code_version(tmp_path, folders=("templates", "roadmap"))
    assert edited != before

    # A dataclass of what is cached, reshaped: a new version again.
    selectors = tmp_path / "roadmap" / "selectors.py"
    selectors.write_text(selectors.read_text().replace("    url: str\n", "    url: str\n    extra: str = ''\n", 1))
    assert cache.code_version(tmp_path, folders=("templates", "roadmap")) not in (before, edited)


def test_every_key_holds_this_releases_code_version():
    assert cache.code_version(ROOT) == cache.CODE
    keys = [
        cache.outline_key(roadmap_id=1, content_version=2),
        cache.bodies_key(roadmap_id=1, content_version=2),
        cache.assumed_key(roadmap_id=1, content_version=2),
        cache.map_key(roadmap_id=1, grid="desktop", content_version=2),
        cache.map_failed_key(roadmap_id=1, content_version=2),
        cache.topic_key(slug="numpy", content_version=2),
        cache.row_key(roadmap_id=1, topic_id=3, variant="done", content_version=2),
        cache.activity_key(learner_id=7, time_zone="Asia/Tokyo", count=1, last=9),
        cache.cohort_row_key(learner_id=7, values=("Alice", 12)),
    ]
    assert all(f":{cache.CODE}:" in key for key in keys)
    assert keys[-1].startswith("cohort-row:7:") and keys[-2].startswith("activity:7:")  # forget_learner's patterns
