"""The topic rows of a roadmap page, rendered once and then read from the cache.

A row holds no CSRF token and nothing of the learner but the status (see the
"topic-row" partial), so one rendering serves every learner with that status on
that topic. After a tick only the ticked row can be new to the cache; the rest
of the page is one read of the rows it shows (mlepath.cache.row_key)."""

from django.template.loader import get_template

from mlepath import cache
from progress.models import Status
from progress.selectors import TopicRow

ROW = "progress/roadmap_detail.html#topic-row"


def fill_html(roadmap, rows: list[TopicRow], *, editable: bool) -> None:
    """Set row.html on each row: cached where it is, rendered and stored where not."""
    variant = "editable" if editable else "public"

    def key(row):
        return cache.row_key(
            roadmap_id=roadmap.pk,
            topic_id=row.topic.pk,
            variant=row.status if editable else variant,
            content_version=roadmap.content_version,
        )

    keys = {key(row): row for row in rows}
    found = cache.get_many(list(keys))
    template = get_template(ROW)
    made = {}
    for row_key, row in keys.items():
        html = found.get(row_key)
        if html is None:
            context = {"roadmap": roadmap, "row": row, "editable": editable, "tracking": editable, "statuses": Status}
            html = made[row_key] = template.render(context)
        row.html = html
    if made:
        cache.set_many(made)
