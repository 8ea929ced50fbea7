"""Lay out a roadmap as an SVG map: sections as horizontal lanes, topics as
nodes in a grid inside their lane, prerequisites as edges between nodes.

Pure geometry: the template draws it, so every title is escaped by Django.
"""

import textwrap
from dataclasses import dataclass

WIDTH = 960
MARGIN = 16
COLUMNS = 4
NODE_WIDTH = 212
NODE_HEIGHT = 58
GAP_X = (WIDTH - 2 * MARGIN - COLUMNS * NODE_WIDTH) // (COLUMNS - 1)
GAP_Y = 22
LANE_HEADER = 40
LANE_PADDING = 14
LINE_CHARS = 27


@dataclass
class Node:
    topic: object
    x: int
    y: int
    lines: list[str]
    number: int

    @property
    def cx(self):
        return self.x + NODE_WIDTH // 2

    @property
    def text_y(self):
        # Vertically centre one or two lines of text.
        return self.y + (NODE_HEIGHT // 2 + 5 if len(self.lines) == 1 else NODE_HEIGHT // 2 - 4)


@dataclass
class Lane:
    section: object
    y: int
    height: int


@dataclass
class Edge:
    path: str
    title: str


@dataclass
class RoadmapMap:
    width: int
    height: int
    node_width: int
    node_height: int
    lanes: list[Lane]
    nodes: list[Node]
    edges: list[Edge]


def _lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, LINE_CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LINE_CHARS, placeholder="…")]
    return lines


def layout(sections) -> RoadmapMap:
    lanes, nodes, by_topic = [], [], {}
    y = MARGIN
    number = 0
    for section in sections:
        placements = list(section.placements.all())
        rows = max(1, -(-len(placements) // COLUMNS))
        height = LANE_HEADER + rows * NODE_HEIGHT + (rows - 1) * GAP_Y + LANE_PADDING
        lanes.append(Lane(section=section, y=y, height=height))
        for index, placement in enumerate(placements):
            row, column = divmod(index, COLUMNS)
            number += 1
            node = Node(
                topic=placement.topic,
                x=MARGIN + column * (NODE_WIDTH + GAP_X),
                y=y + LANE_HEADER + row * (NODE_HEIGHT + GAP_Y),
                lines=_lines(placement.topic.title),
                number=number,
            )
            nodes.append(node)
            by_topic[placement.topic.pk] = node
        y += height + GAP_Y

    edges = []
    for node in nodes:
        for required in node.topic.prerequisites.all():
            source = by_topic.get(required.pk)
            if source is None:
                continue
            # From the bottom of the prerequisite to the top of the topic it unlocks.
            x1, y1 = source.cx, source.y + NODE_HEIGHT
            x2, y2 = node.cx, node.y
            if y2 <= y1:  # same row: connect the facing sides instead
                x1 = source.x + (NODE_WIDTH if source.x < node.x else 0)
                x2 = node.x + (0 if source.x < node.x else NODE_WIDTH)
                y1 = y2 = node.y + NODE_HEIGHT // 2
                path = f"M{x1},{y1} L{x2},{y2}"
            else:
                bend = max(20, (y2 - y1) // 2)
                path = f"M{x1},{y1} C{x1},{y1 + bend} {x2},{y2 - bend} {x2},{y2}"
            edges.append(Edge(path=path, title=f"{required.title} comes before {node.topic.title}"))
    return RoadmapMap(
        width=WIDTH,
        height=max(y, MARGIN * 2),
        node_width=NODE_WIDTH,
        node_height=NODE_HEIGHT,
        lanes=lanes,
        nodes=nodes,
        edges=edges,
    )
