import pytest

from roadmap.content import read_content
from roadmap.models import Roadmap, Topic
from roadmap.services import load_content
from tests.roadmap.conftest import ContentFiles, roadmap, topic


@pytest.fixture
def track(db, tmp_path):
    """A small roadmap: basics (a, b needs a, c needs b) and advanced (d needs c, e)."""
    files = ContentFiles(tmp_path / "content")
    topics = [
        topic("a", title="Alpha", hours=2),
        topic("b", title="Beta", hours=3, prerequisites=["a"]),
        topic("c", title="Gamma", hours=5, prerequisites=["b"]),
        topic("d", title="Delta", hours=7, prerequisites=["c"]),
        topic("e", title="Epsilon", hours=11),
    ]
    roadmaps = [roadmap("track", [("basics", ["a", "b", "c"]), ("advanced", ["d", "e"])], title="Track")]
    load_content(content=read_content(files.write(topics, roadmaps)))
    return Roadmap.objects.get(slug="track")


@pytest.fixture
def topics(track):
    return {t.slug: t for t in Topic.objects.all()}
