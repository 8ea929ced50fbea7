"""Lay out a roadmap as an SVG map: sections as bands, topics as boxes in study
order on a grid inside their band, prerequisites as lines between boxes.

Every line runs in the gutters of the grid. Between neighbours it crosses the
gap between them; otherwise it goes down from the bottom of the topic that
comes first into the gap below its row, along that gap to the gap beside a
column, along that to the gap above the row of the topic it leads to, and down
into the top of that topic. Gutters hold no box, so no line crosses a box
(tests/roadmap/test_svgmap.py checks every segment of both tracks).

The same layout serves a desktop (several columns) and a phone (one column,
no sideways scroll). Pure geometry: the template draws it, so every title is
escaped by Django.
"""

import textwrap
from dataclasses import dataclass, field

MARGIN = 8
LANE_HEADER = 50  # the section's title; the gutter above a band's first row is its lower part
LANE_PADDING = 16
GAP_X = 28  # the gutter left of each column, and right of the last
GAP_Y = 24
NODE_HEIGHT = 74  # two lines of title and one of status


@dataclass(frozen=True)
class Grid:
    """A map's proportions: the desktop's four columns, or a phone's one."""

    columns: int
    width: int

    @property
    def node_width(self) -> int:
        return (self.width - 2 * MARGIN - (self.columns + 1) * GAP_X) // self.columns

    @property
    def line_chars(self) -> int:
        return max(12, self.node_width // 8)


DESKTOP = Grid(columns=4, width=960)
PHONE = Grid(columns=1, width=340)


@dataclass
class Node:
    topic: object  # roadmap.selectors.TopicEntry
    x: int
    y: int
    width: int
    lines: list[str]
    number: int
    row: int  # the row across the whole map, top to bottom
    column: int
    # What a signed-in learner's map shows on the box (set by the view).
    status: str = ""
    next: bool = False
    icon: str = ""
    label: str = ""

    @property
    def cx(self) -> int:
        return self.x + self.width // 2

    @property
    def bottom(self) -> int:
        return self.y + NODE_HEIGHT

    @property
    def text_y(self) -> int:
        return self.y + 24

    @property
    def status_y(self) -> int:
        return self.y + NODE_HEIGHT - 12


@dataclass
class Lane:
    section: object  # roadmap.selectors.SectionEntry
    number: int
    y: int
    height: int
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Edge:
    points: list[tuple[int, int]]
    title: str

    @property
    def path(self) -> str:
        return "M" + " L".join(f"{x},{y}" for x, y in self.points)


@dataclass
class RoadmapMap:
    width: int
    height: int
    node_width: int
    node_height: int
    lanes: list[Lane]
    nodes: list[Node]
    edges: list[Edge]


def _lines(title: str, chars: int) -> list[str]:
    lines = textwrap.wrap(title, chars) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), chars, placeholder="…")]
    return lines


def layout(outline, grid: Grid = DESKTOP) -> RoadmapMap:
    """Place the sections of a roadmap outline (roadmap.selectors.roadmap_outline)."""
    width = grid.node_width
    lanes, nodes, by_topic = [], [], {}
    y, number, map_row = MARGIN, 0, 0
    for lane_number, section in enumerate(outline, start=1):
        rows = max(1, -(-len(section.topics) // grid.columns))
        height = LANE_HEADER + rows * NODE_HEIGHT + (rows - 1) * GAP_Y + LANE_PADDING
        lane = Lane(section=section, number=lane_number, y=y, height=height)
        for index, topic in enumerate(section.topics):
            row, column = divmod(index, grid.columns)
            number += 1
            node = Node(
                topic=topic,
                x=MARGIN + GAP_X + column * (width + GAP_X),
                y=y + LANE_HEADER + row * (NODE_HEIGHT + GAP_Y),
                width=width,
                lines=_lines(topic.title, grid.line_chars),
                number=number,
                row=map_row + row,
                column=column,
            )
            lane.nodes.append(node)
            nodes.append(node)
            by_topic[topic.pk] = node
        lanes.append(lane)
        map_row += rows
        y += height + GAP_Y

    edges = []
    for node in nodes:
        for required_id in node.topic.prerequisite_ids:
            source = by_topic.get(required_id)
            if source is not None:
                edges.append(_route(source, node, lane_of=len(edges)))
    return RoadmapMap(
        width=grid.width,
        height=max(y, MARGIN * 2),
        node_width=width,
        node_height=NODE_HEIGHT,
        lanes=lanes,
        nodes=nodes,
        edges=edges,
    )


def _route(source: Node, target: Node, *, lane_of: int) -> Edge:
    """A line from source's bottom to target's top, in the gutters only. Lines
    that share a gutter are spread a few pixels apart so each stays visible."""
    title = f"{source.topic.title} comes before {target.topic.title}"
    offset = (lane_of % 5 - 2) * 3
    if target.column == source.column and target.row == source.row + 1:
        # The next box down in the same column: straight through the gap between them.
        return Edge(points=[(source.cx, source.bottom), (target.cx, target.y)], title=title)
    if target.row == source.row and target.column == source.column + 1:
        # The next box along the row: straight across the gutter between them.
        middle = source.y + NODE_HEIGHT // 2
        return Edge(points=[(source.x + source.width, middle), (target.x, middle)], title=title)
    below_source = source.bottom + GAP_Y // 2 + offset // 2
    above_target = target.y - GAP_Y // 2 + offset // 2
    # The gutter on the left of the target's column (between it and the next
    # column to the left, or the map's edge).
    beside = target.x - GAP_X // 2 + offset
    return Edge(
        points=[
            (source.cx, source.bottom),
            (source.cx, below_source),
            (beside, below_source),
            (beside, above_target),
            (target.cx, above_target),
            (target.cx, target.y),
        ],
        title=title,
    )
