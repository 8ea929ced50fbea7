"""The topic rows of a roadmap page, rendered once and then read from the cache.

A row holds no CSRF token and nothing of the learner but the status (see the
"topic-row" partial), so one rendering serves every learner with that status on
that topic. After a tick only the ticked row can be new to the cache; the rest
of the page is one read of the rows it shows (mlepath.cache.row_key)."""

from mlepath import cache
from progress.models import Status
from progress.selectors import TopicRow
from roadmap.selectors import topic_bodies


def fill_html(roadmap, rows: list[TopicRow], *, editable: bool, due: set[int] = frozenset()) -> None:
    """Set row.html on each row; `due`: the learner's topics due for review (marked on their rows)."""
    for row in rows:
        row.review_due = editable and row.topic.pk in due and row.status == Status.DONE

    def key(row):
        return cache.row_key(
            roadmap_id=roadmap.pk,
            topic_id=row.topic.pk,
            variant=(f"{row.status}-review" if row.review_due else row.status) if editable else "public",
            content_version=roadmap.content_version,
        )

    bodies = {}

    def context(row):
        if not bodies:  # only a row rendered anew needs the bodies
            bodies.update(topic_bodies(roadmap))
        row.body = bodies[row.topic.pk]
        return {
            "roadmap": roadmap,
            "row": row,
            "editable": editable,
            "tracking": editable,
            "statuses": Status,
        }

    html = cache.render_rows("progress/roadmap_detail.html#topic-row", rows, key=key, context=context)
    for row, fragment in zip(rows, html, strict=True):
        row.html = fragment
