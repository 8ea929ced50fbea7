"""The map's layout: boxes never overlap, and no line crosses a box, on the
desktop's four columns and a phone's one, for both shipped tracks."""

import pytest
from django.core.management import call_command

from roadmap.models import Roadmap
from roadmap.selectors import roadmap_outline
from roadmap.svgmap import DESKTOP, PHONE, layout


@pytest.fixture
def shipped(db):
    call_command("loadroadmap", stdout=None)
    return list(Roadmap.objects.published().with_content_version())


def boxes(result):
    return [(n.x, n.y, n.x + n.width, n.y + result.node_height) for n in result.nodes]


def crosses(segment, box) -> bool:
    """Whether an axis-parallel segment passes through the inside of a box
    (touching its edge, as a line ending on a box does, is not crossing)."""
    (ax, ay), (bx, by) = segment
    x0, y0, x1, y1 = box
    if ax == bx:
        low, high = sorted((ay, by))
        return x0 < ax < x1 and max(low, y0) < min(high, y1)
    assert ay == by, f"not axis-parallel: {segment}"
    low, high = sorted((ax, bx))
    return y0 < ay < y1 and max(low, x0) < min(high, x1)


@pytest.mark.parametrize("grid", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_line_crosses_a_box_and_no_boxes_overlap(shipped, grid):
    for roadmap in shipped:
        result = layout(roadmap_outline(roadmap), grid)
        assert result.nodes and result.edges
        placed = boxes(result)
        for i, a in enumerate(placed):
            assert a[0] >= 0 and a[2] <= result.width and a[3] <= result.height
            for b in placed[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        for edge in result.edges:
            for segment in zip(edge.points, edge.points[1:], strict=False):
                for box in placed:
                    assert not crosses(segment, box), (roadmap.slug, edge.title, segment, box)


def test_every_prerequisite_on_the_roadmap_has_its_line(shipped):
    for roadmap in shipped:
        outline = roadmap_outline(roadmap)
        on_map = {topic.pk for section in outline for topic in section.topics}
        expected = sum(1 for s in outline for t in s.topics for pk in t.prerequisite_ids if pk in on_map)
        assert len(layout(outline).edges) == expected


def test_the_check_itself_sees_a_line_through_a_box():
    box = (10, 10, 50, 50)
    assert crosses(((30, 0), (30, 60)), box)  # straight through
    assert crosses(((0, 30), (60, 30)), box)
    assert not crosses(((30, 50), (30, 60)), box)  # leaving from the bottom edge
    assert not crosses(((5, 0), (5, 60)), box)  # beside it
