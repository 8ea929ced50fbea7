"""The map's layout (Graphviz, roadmap.svgmap) on both shipped tracks, for the
desktop's three columns and a phone's one: boxes never overlap, no line runs
through a box or a section heading, every line stays inside the map, and the
lines cross fewer times than the map they replaced."""

import pytest
from django.core.management import call_command
from django.utils import translation

from roadmap.models import Roadmap
from roadmap.selectors import ProjectEntry, SectionEntry, TopicEntry, roadmap_outline
from roadmap.svgmap import DESKTOP, PHONE, Edge, count_crossings, layout, reduced_prerequisites

pytestmark = pytest.mark.usefixtures("needs_graphviz")

# Crossings of the map before Graphviz laid it out (four columns, lines in the
# gutters, every direct prerequisite drawn), counted the same way: the bound.
CROSSINGS_BEFORE = {
    ("ml-engineer-for-software-engineers", "desktop"): 565,
    ("ml-engineer-for-software-engineers", "phone"): 1127,
    ("ml-engineer-from-scratch", "desktop"): 712,
    ("ml-engineer-from-scratch", "phone"): 1357,
}
GRIDS = {"desktop": DESKTOP, "phone": PHONE}


_LAID_OUT = {}


@pytest.fixture
def maps(db):
    """Both tracks laid out on both grids, once for the module (Graphviz takes
    about a second each); outlines and layouts are plain data, kept past the
    test's transaction."""
    if not _LAID_OUT:
        call_command("loadroadmap", stdout=None)
        for roadmap in Roadmap.objects.published().with_content_version():
            outline = roadmap_outline(roadmap)
            for name, grid in GRIDS.items():
                _LAID_OUT[(roadmap.slug, name)] = (outline, layout(outline, grid))
    return _LAID_OUT


def enters(segment, box, inset=2) -> bool:
    """Whether a straight piece of line passes through the inside of a box
    (touching its edge, as a line ending on a box does, is not entering)."""
    (ax, ay), (bx, by) = segment
    x0, y0, x1, y1 = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    low, high = 0.0, 1.0  # Liang-Barsky: the part of the piece inside the box
    for p, q in ((ax - bx, ax - x0), (bx - ax, x1 - ax), (ay - by, ay - y0), (by - ay, y1 - ay)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return high - low > 1e-9


def test_the_check_itself_sees_a_line_through_a_box():
    box = (10, 10, 50, 50)
    assert enters(((30, 0), (30, 60)), box)  # straight through
    assert enters(((0, 0), (60, 60)), box)  # across
    assert enters(((30, 0), (30, 20)), box)  # into it
    assert not enters(((30, 50), (30, 60)), box)  # leaving from the bottom edge
    assert not enters(((5, 0), (5, 60)), box)  # beside it
    assert not enters(((0, 30), (9, 60)), box)


@pytest.mark.parametrize("grid", GRIDS)
@pytest.mark.parametrize("slug", ["ml-engineer-for-software-engineers", "ml-engineer-from-scratch"])
def test_no_line_through_a_box_or_a_heading_and_no_boxes_overlap(maps, slug, grid):
    _, result = maps[(slug, grid)]
    assert result.nodes and result.edges
    boxes = [(n.x, n.y, n.x + n.width, n.bottom) for n in result.nodes]
    headings = [lane.heading_box for lane in result.lanes]
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= result.width and a[3] <= result.height
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    for edge in result.edges:
        line = edge.polyline()
        assert all(-1 <= x <= result.width + 1 and 0 <= y <= result.height for x, y in line), edge.title
        for segment in zip(line, line[1:], strict=False):
            for box in boxes:
                assert not enters(segment, box), (edge.title, segment, box)
            for heading in headings:
                assert not enters(segment, heading, inset=0), (edge.title, segment, heading)


@pytest.mark.parametrize("grid", GRIDS)
@pytest.mark.parametrize("slug", ["ml-engineer-for-software-engineers", "ml-engineer-from-scratch"])
def test_the_lines_cross_fewer_times_than_before(maps, slug, grid):
    _, result = maps[(slug, grid)]
    topic_lines = [edge for edge in result.edges if edge.target.startswith("t")]
    crossings = count_crossings(topic_lines)
    assert 0 < crossings < CROSSINGS_BEFORE[(slug, grid)]
    assert result.crossings >= crossings  # the projects' lines only add


def test_every_line_drawn_is_a_prerequisite_not_reached_another_way(maps):
    outline, result = maps[("ml-engineer-for-software-engineers", "desktop")]
    reduced = reduced_prerequisites(outline)
    drawn = {(edge.source, edge.target) for edge in result.edges if edge.target.startswith("t")}
    assert drawn == {(f"t{p}", f"t{pk}") for pk, required in reduced.items() for p in required}
    direct = sum(1 for s in outline for t in s.topics for p in t.prerequisite_ids if p in reduced)
    assert len(drawn) < direct  # the shipped tracks do have shortcuts


def test_every_project_is_on_the_map_joined_to_what_it_practises(maps):
    for (_, _grid), (outline, result) in maps.items():
        projects = {p.pk for section in outline for p in section.projects}
        assert {node.entry.pk for node in result.nodes if node.project} == projects
        joined = {edge.target for edge in result.edges if edge.target.startswith("p")}
        practising = {p.pk for section in outline for p in section.projects if p.topic_ids}
        assert joined == {f"p{pk}" for pk in practising}


def entry(pk, *required):
    return TopicEntry(pk=pk, slug=f"t{pk}", title=f"Topic {pk}", estimated_hours=1, url="/", prerequisite_ids=required)


def test_a_shortcut_is_left_out_and_a_project_joins_its_last_topics(db):
    # 3 builds on 1 and on 2, which builds on 1: the line 1 → 3 says nothing more.
    project = ProjectEntry(pk=9, slug="p", title="Project", estimated_hours=4, url="/", topic_ids=(1, 2, 3))
    outline = (
        SectionEntry(
            slug="s", title="Start", summary="", topics=(entry(1), entry(2, 1), entry(3, 1, 2)), projects=(project,)
        ),
    )
    assert reduced_prerequisites(outline) == {1: [], 2: [1], 3: [2]}
    result = layout(outline, DESKTOP)
    assert {(e.source, e.target) for e in result.edges} == {("t1", "t2"), ("t2", "t3"), ("t3", "p9")}
    assert [n.key for n in result.nodes] == ["t1", "t2", "t3", "p9"]
    # 2 builds on 1 in the same row's place: it starts the next row, and 3 the one after.
    assert len({n.y for n in result.nodes}) == 4


def test_the_polyline_follows_the_curve():
    edge = Edge(source="t1", target="t2", title="", curve=[(0, 0), (0, 10), (10, 10), (10, 0)])
    line = edge.polyline(steps=4)
    assert line[0] == (0, 0) and line[-1] == (10, 0) and len(line) == 5
    assert edge.path == "M0.0,0.0 C0.0,10.0 10.0,10.0 10.0,0.0"


def test_a_roadmap_with_nothing_on_it_has_an_empty_map():
    outline = (SectionEntry(slug="s", title="Empty", summary="", topics=()),)
    result = layout(outline, PHONE)
    assert result.nodes == [] and result.edges == [] and result.crossings == 0


def test_a_content_change_has_the_worker_lay_out_the_maps(db, track, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from mlepath import cache
    from roadmap import services, tasks

    with django_capture_on_commit_callbacks(execute=True):
        services.content_changed()
    assert DBTaskResult.objects.filter(task_path="roadmap.tasks.lay_out_maps", status="READY").exists()
    roadmap = Roadmap.objects.published().with_content_version().get(slug="track")
    key = cache.map_key(roadmap_id=roadmap.pk, grid="desktop", content_version=roadmap.content_version)
    assert cache.get(key) is None
    assert tasks.lay_out_maps.call() == 2  # the one roadmap, in English and in Japanese
    laid_out = cache.get(key)
    assert [node.entry.slug for node in laid_out.nodes] == ["a", "b", "c", "d", "e"]
    with translation.override("ja"):
        key = cache.map_key(roadmap_id=roadmap.pk, grid="desktop", content_version=roadmap.content_version)
        assert cache.get(key) is not None


@pytest.mark.parametrize("grid", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_japanese_titles_wrap_within_the_box_by_their_width(grid):
    """A kana or kanji is drawn about twice as wide as a Latin letter: a line
    holds half as many, Latin words stay whole, no line starts with a closing
    mark or a small kana, and what does not fit ends in an ellipsis."""
    from roadmap.svgmap import _units, _wrap

    titles = [
        "ブラウザでモデルを動かすためのJavaScript/TypeScript",
        "XGBoost：決定木と勾配ブースティング",
        "MLシステムのアーキテクチャと設計（システム設計とスケーラビリティの基本）",
        "給与とMLの求人市場",
    ]
    for title in titles:
        lines = _wrap(title, grid.line_chars, 2)
        assert 1 <= len(lines) <= 2
        assert all(_units(line) <= grid.line_chars for line in lines), lines
        assert not any(line[:1] in "）」、。ャュョッ" for line in lines), lines
        assert "".join(lines).rstrip("…") in title.replace(" ", "")
    assert _wrap("XGBoost：決定木と勾配ブースティング", 24, 2)[0].startswith("XGBoost")
    assert _wrap("給与とMLの求人市場", 24, 2) == ["給与とMLの求人市場"]
    assert _wrap(titles[2], 24, 2)[-1].endswith("…")
