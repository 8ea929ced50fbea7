"""Lay out a roadmap as an SVG map, with Graphviz as the layout engine.

The rows are ours, so the map reads in study order: each section is a band
with its heading, its topics in rows of at most `columns` boxes (a topic that
builds on one in the current row starts the next row) and its projects in a
last row. Graphviz does what a layout engine is for: `dot` orders the boxes of
every row to cross as few lines as it can, and `neato -n2` draws each line as a
spline around every box and every section heading, all fixed where we put them.

Only the transitive reduction is drawn: a prerequisite already reached through
another one adds no line, so the lines left are the ones a learner follows.
A project is joined to the topics it practises, in the same way.

The same layout serves a desktop (three columns) and a phone (one column, no
sideways scroll). Computed once per content version and grid (mlepath.cache);
pure geometry: the template draws it, so every title is escaped by Django.
"""

import json
import re
import subprocess
import textwrap
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

MARGIN = 8
LANE_PADDING = 14
HEADING_LINE = 20
GAP_Y = 44  # between rows: room for the lines to turn
NODE_HEIGHT = 72  # two lines of title and one of status
CHAR_WIDTH = 7.6  # of the 14 px text, on average: where titles wrap
HEADING_CHAR_WIDTH = 8.6  # of the 15 px bold heading
# Seconds for one run of dot or neato (they take well under one for a track):
# four runs stay under an app server's 30 s timeout.
GRAPHVIZ_TIMEOUT = 5
# Graphviz works in points; we give it pixels as points, so its output is in pixels.
INCH = 72


class LayoutError(Exception):
    """Graphviz is missing or failed: the page shows the text version instead."""


@dataclass(frozen=True)
class Grid:
    """A map's proportions: the desktop's three columns, or a phone's one."""

    columns: int
    width: int
    gutter: int  # left of each column and right of the last: where lines run

    @property
    def node_width(self) -> int:
        return (self.width - 2 * MARGIN - (self.columns + 1) * self.gutter) // self.columns

    @property
    def line_chars(self) -> int:
        return int((self.node_width - 16) // CHAR_WIDTH)

    @property
    def heading_chars(self) -> int:
        return int((self.width - 2 * MARGIN - 24) // HEADING_CHAR_WIDTH)


DESKTOP = Grid(columns=3, width=800, gutter=44)
PHONE = Grid(columns=1, width=284, gutter=36)  # fits a 320 px phone beside the page's padding


@dataclass
class Node:
    """A topic's box, or a project's (`project` true: a different shape)."""

    entry: object  # roadmap.selectors.TopicEntry or ProjectEntry
    project: bool
    x: int
    y: int
    width: int
    height: int
    lines: list[str]
    number: int
    # What a signed-in learner's map shows on the box (set by the view).
    status: str = ""
    next: bool = False
    icon: str = ""
    label: str = ""

    @property
    def key(self) -> str:
        return f"{'p' if self.project else 't'}{self.entry.pk}"

    @property
    def cx(self) -> int:
        return self.x + self.width // 2

    @property
    def cy(self) -> int:
        return self.y + self.height // 2

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def text_y(self) -> int:
        return self.y + 24

    @property
    def status_y(self) -> int:
        return self.bottom - 12

    @property
    def hexagon(self) -> str:
        """A project's outline: a box with pointed ends."""
        x, y, w, h, tip = self.x, self.y, self.width, self.height, 14
        corners = [
            (x, y + h // 2),
            (x + tip, y),
            (x + w - tip, y),
            (x + w, y + h // 2),
            (x + w - tip, y + h),
            (x + tip, y + h),
        ]
        return " ".join(f"{px},{py}" for px, py in corners)


@dataclass
class Lane:
    section: object  # roadmap.selectors.SectionEntry
    number: int
    y: int
    height: int
    headings: list[str]  # the heading's lines
    heading_width: int
    nodes: list[Node] = field(default_factory=list)

    @property
    def heading_box(self) -> tuple[int, int, int, int]:
        """Where the heading is written: no line runs through it."""
        return (
            MARGIN + 8,
            self.y + 6,
            MARGIN + 16 + self.heading_width,
            self.y + 10 + HEADING_LINE * len(self.headings),
        )

    @property
    def heading_rows(self) -> list[tuple[int, str]]:
        return [(self.y + 24 + HEADING_LINE * i, line) for i, line in enumerate(self.headings)]


@dataclass
class Edge:
    source: str  # Node.key
    target: str
    title: str
    curve: list[tuple[float, float]]  # cubic Bézier: a start point, then three points per segment

    @property
    def path(self) -> str:
        (x, y), rest = self.curve[0], self.curve[1:]
        return f"M{x:.1f},{y:.1f} C" + " ".join(f"{px:.1f},{py:.1f}" for px, py in rest)

    def polyline(self, steps: int = 12) -> list[tuple[float, float]]:
        """The curve as short straight pieces: what the geometric checks test."""
        points = [self.curve[0]]
        for i in range(1, len(self.curve) - 2, 3):
            p0, p1, p2, p3 = self.curve[i - 1 : i + 3]
            for step in range(1, steps + 1):
                t = step / steps
                a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
                points.append(
                    (
                        a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                        a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                    )
                )
        return points


@dataclass
class RoadmapMap:
    width: int
    height: int
    lanes: list[Lane]
    nodes: list[Node]
    edges: list[Edge]

    @cached_property
    def crossings(self) -> int:
        """How many times two lines cross (where lines meet at a box they share is not counted)."""
        return count_crossings(self.edges)


def count_crossings(edges: list[Edge]) -> int:
    lines = []
    for edge in edges:
        line = edge.polyline(steps=8)
        pieces = [(a, b, _bounds((a, b))) for a, b in zip(line, line[1:], strict=False)]
        lines.append(({edge.source, edge.target}, _bounds(line), pieces))
    count = 0
    for i, (ends_a, box_a, pieces_a) in enumerate(lines):
        for ends_b, box_b, pieces_b in lines[i + 1 :]:
            if ends_a & ends_b or not _overlap(box_a, box_b):
                continue
            for a, b, piece_box in pieces_a:
                if _overlap(piece_box, box_b):
                    count += sum(1 for c, d, other in pieces_b if _overlap(piece_box, other) and _cross((a, b), (c, d)))
    return count


def _bounds(points) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _cross(p, q) -> bool:
    def side(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    (a, b), (c, d) = p, q
    return side(c, d, a) * side(c, d, b) < 0 and side(a, b, c) * side(a, b, d) < 0


def _wrap(title: str, chars: int, lines: int) -> list[str]:
    if any(_wide(ch) for ch in title):
        return _wrap_wide(title, chars, lines)
    wrapped = textwrap.wrap(title, chars) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], textwrap.shorten(" ".join(wrapped[lines - 1 :]), chars, placeholder="…")]
    return wrapped


def _wide(ch: str) -> bool:
    """A character drawn about twice as wide as a Latin letter (Japanese kana and kanji, full-width forms)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _units(text: str) -> int:
    return sum(2 if _wide(ch) else 1 for ch in text)


# Japanese breaks between any two characters, except before closing punctuation
# and after opening punctuation; Latin words (TensorFlow, A/B) stay whole.
_OPENING = "（「『［【"
_NO_LINE_START = "）」』］】、。・：，．！？ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
_PIECES = re.compile(rf"[{_OPENING}]*(?:[A-Za-z0-9][A-Za-z0-9_./+#'-]*|.)[{_NO_LINE_START}]*", re.S)


def _wrap_wide(title: str, chars: int, lines: int) -> list[str]:
    """Lines of at most `chars` units, a wide character counting two."""
    wrapped, line = [], ""
    for piece in _PIECES.findall(title):
        if line and _units(line + piece.rstrip()) > chars:
            wrapped.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    wrapped.append(line.rstrip())
    if len(wrapped) > lines:
        last = "".join(wrapped[lines - 1 :])
        while last and _units(last) + 1 > chars:
            last = last[:-1]
        wrapped = [*wrapped[: lines - 1], last.rstrip() + "…"]
    return wrapped


def reduced_prerequisites(outline) -> dict[int, list[int]]:
    """Each topic's prerequisites on this roadmap, less those reached through another."""
    on_map = {topic.pk for section in outline for topic in section.topics}
    direct = {
        topic.pk: [p for p in topic.prerequisite_ids if p in on_map and p != topic.pk]
        for section in outline
        for topic in section.topics
    }
    return {pk: _not_reached(direct, required) for pk, required in direct.items()}


def _not_reached(graph: dict[int, list[int]], topics) -> list[int]:
    """The topics none of the others is reached from, following `graph`'s prerequisites."""
    reached = set()
    for pk in topics:
        stack = list(graph.get(pk, ()))
        while stack:
            found = stack.pop()
            if found not in reached:  # a cycle (refused on load) cannot loop here
                reached.add(found)
                stack += graph.get(found, ())
    return [pk for pk in topics if pk not in reached]


def layout(outline, grid: Grid = DESKTOP) -> RoadmapMap:
    """Place the sections of a roadmap outline (roadmap.selectors.roadmap_outline).
    Raises LayoutError when Graphviz cannot be run."""
    if not any(section.topics or section.projects for section in outline):
        return RoadmapMap(width=grid.width, height=2 * MARGIN, lanes=[], nodes=[], edges=[])
    reduced = reduced_prerequisites(outline)
    links = [(f"t{p}", f"t{pk}") for pk, required in reduced.items() for p in required]
    for section in outline:
        for project in section.projects:
            practised = [pk for pk in project.topic_ids if pk in reduced]
            links += [(f"t{pk}", f"p{project.pk}") for pk in _not_reached(reduced, practised)]

    rows_by_lane = [_rows(section, grid) for section in outline]
    with _reading_graphviz():
        order = _dot_order([row for rows in rows_by_lane for row in rows], links)

    lanes, nodes, number, y = [], [], 0, MARGIN
    for lane_number, (section, rows) in enumerate(zip(outline, rows_by_lane, strict=True), start=1):
        headings = _wrap(f"{lane_number}. {section.title}", grid.heading_chars, 2)
        heading_width = int(max(len(line) for line in headings) * HEADING_CHAR_WIDTH)
        lane = Lane(section, lane_number, y, 0, headings, heading_width)
        row_y = y + 16 + HEADING_LINE * len(headings) + 24
        for row in rows:
            row.sort(key=lambda item: order.get(_key(item), 0))
            for column, item in enumerate(row):
                project = _is_project(item)
                number += 1
                node = Node(
                    entry=item,
                    project=project,
                    x=MARGIN + grid.gutter + column * (grid.node_width + grid.gutter),
                    y=row_y,
                    width=grid.node_width,
                    height=NODE_HEIGHT,
                    lines=_wrap(item.title, grid.line_chars - (4 if project else 0), 2),
                    number=number,
                )
                lane.nodes.append(node)
                nodes.append(node)
            row_y += NODE_HEIGHT + GAP_Y
        lane.height = row_y - GAP_Y + LANE_PADDING - y
        lanes.append(lane)
        y += lane.height + 12
    height = y - 12 + MARGIN
    by_key = {node.key: node for node in nodes}
    with _reading_graphviz():
        curves = _neato_routes(nodes, lanes, links, grid.width, height)
    edges = [
        Edge(
            source=source,
            target=target,
            # In the active language, which the map's cache key holds (mlepath.cache).
            title=(
                _("%(project)s practises %(topic)s")
                % {"project": by_key[target].entry.title, "topic": by_key[source].entry.title}
                if by_key[target].project
                else _("%(first)s comes before %(then)s")
                % {"first": by_key[source].entry.title, "then": by_key[target].entry.title}
            ),
            curve=curves[(source, target)],
        )
        for source, target in links
    ]
    return RoadmapMap(width=grid.width, height=height, lanes=lanes, nodes=nodes, edges=edges)


def _is_project(item) -> bool:
    return hasattr(item, "topic_ids")


def _key(item) -> str:
    return f"{'p' if _is_project(item) else 't'}{item.pk}"


def _rows(section, grid: Grid) -> list[list]:
    """A section's topics in study order, in rows, then its projects."""
    rows, row, in_row = [], [], set()
    for topic in section.topics:
        if len(row) == grid.columns or in_row.intersection(topic.prerequisite_ids):
            rows.append(row)
            row, in_row = [], set()
        row.append(topic)
        in_row.add(topic.pk)
    if row:
        rows.append(row)
    projects = list(section.projects)
    rows += [projects[i : i + grid.columns] for i in range(0, len(projects), grid.columns)]
    return rows


@contextmanager
def _reading_graphviz():
    """What Graphviz answered, read into the map: an answer missing a part is
    a failed layout like any other."""
    try:
        yield
    except (KeyError, ValueError, IndexError, StopIteration) as exc:
        raise LayoutError(f"Graphviz answered what the map cannot read: {exc!r}") from exc


def _graphviz(program: list[str], source: str) -> dict:
    try:
        done = subprocess.run(  # noqa: S603 (a fixed program; the graph is on stdin)
            [*program, "-Tjson0"], input=source, capture_output=True, text=True, timeout=GRAPHVIZ_TIMEOUT, check=True
        )
        return json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise LayoutError(f"Graphviz could not lay out the map: {exc}") from exc


def _dot_order(rows: list[list], links) -> dict[str, float]:
    """Each box's position across its row, as `dot` orders the rows to cross
    as few lines as it can. Only the order is used."""
    lines = [
        "digraph map {",
        "graph [newrank=true, ranksep=0.3, nodesep=0.2];",
        "node [shape=box, width=2, height=0.5];",
    ]
    for row in rows:
        lines.append("{rank=same; " + " ".join(f"{_key(item)};" for item in row) + "}")
    # Keep the rows in study order, one below the other.
    lines += [f"{_key(a[0])} -> {_key(b[0])} [style=invis, weight=0];" for a, b in zip(rows, rows[1:], strict=False)]
    lines += [f"{source} -> {target};" for source, target in links]
    lines.append("}")
    graph = _graphviz(["dot"], "\n".join(lines))
    return {obj["name"]: float(obj["pos"].split(",")[0]) for obj in graph.get("objects", []) if "pos" in obj}


def _neato_routes(nodes, lanes, links, width, height) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """Each line as a spline around every box and heading, all fixed (`neato -n2`).
    Graphviz's y axis points up; ours down."""
    lines = [
        "digraph map {",
        f'graph [splines=polyline, esep="+10", bb="0,0,{width},{height}"];',
        'node [shape=box, fixedsize=true, label=""];',
        "edge [arrowhead=none];",
    ]
    for node in nodes:
        size = f"width={node.width / INCH:.3f}, height={node.height / INCH:.3f}"
        lines.append(f'{node.key} [pos="{node.cx},{height - node.cy}!", {size}];')
    for lane in lanes:
        x0, y0, x1, y1 = lane.heading_box
        lines.append(
            f'heading{lane.number} [pos="{(x0 + x1) / 2},{height - (y0 + y1) / 2}!", '
            f"width={(x1 - x0) / INCH:.3f}, height={(y1 - y0) / INCH:.3f}];"
        )
    lines += [f"{source} -> {target};" for source, target in links]
    lines.append("}")
    graph = _graphviz(["neato", "-n2"], "\n".join(lines))
    objects = graph.get("objects", [])
    names = {obj["_gvid"]: obj["name"] for obj in objects}
    # Graphviz may move the whole drawing to its own origin: undo that by
    # where it put a box we fixed.
    first = nodes[0]
    placed_x, placed_y = map(float, next(o["pos"] for o in objects if o["name"] == first.key).split(","))
    dx, dy = placed_x - first.cx, placed_y - (height - first.cy)
    routes = {}
    for edge in graph.get("edges", []):
        points = [tuple(map(float, p.split(","))) for p in edge["pos"].split() if not p.startswith(("e,", "s,"))]
        routes[(names[edge["tail"]], names[edge["head"]])] = [(x - dx, height - (y - dy)) for x, y in points]
    if len(routes) != len(set(links)):
        raise LayoutError("Graphviz left lines out of the map")
    return routes
