"""The rows of the mentor's cohort table, built in Python.

A mentor can have hundreds of mentees: the template engine spent half a
millisecond on each row, and format_html a tenth of one, more than all of the
page's queries. Each value taken from a user (names, titles) goes through
html.escape, which escapes quotes too; the rest are integers and dates."""

from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from mlepath.pagecache import CSRF_PLACEHOLDER

FIGURE = (
    '<div class="cohort-figure"><progress max="100" value="{percent}" aria-label="{name}: completion of {title}">'
    '</progress><span class="completion-figure">{percent}%</span>'
    '<span class="muted cohort-roadmap">{title}</span></div>'
)
NO_ROADMAP = '<span class="muted">No roadmap yet</span>'
NEVER = '<span class="muted">Never</span>'
NUDGED = '<span class="muted">Nudged today</span>'
NUDGE = (
    '<form method="post" action="{action}"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    '<button type="submit" class="button button-small" aria-label="Nudge {name}">Nudge</button></form>'
)


def ago(then, now) -> str:
    """ "3 days ago": the table's coarse age, without timesince's translation machinery."""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (
        ("year", 31_536_000),
        ("month", 2_592_000),
        ("week", 604_800),
        ("day", 86_400),
        ("hour", 3_600),
        ("minute", 60),
    ):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def _row(row, now, urls, titles) -> str:
    name = escape(row.name)
    username = escape(quote(row.username))
    figures = (
        "".join(FIGURE.format(percent=f.percent, name=name, title=titles[f.roadmap.pk]) for f in row.roadmaps)
        or NO_ROADMAP
    )
    if row.last_activity:
        last = f'<time datetime="{row.last_activity.isoformat()}">{ago(row.last_activity, now)}</time>'
    else:
        last = NEVER
    action = ""
    if row.stalled:
        nudge_url = urls["nudge"].replace(PLACEHOLDER, username)
        action = NUDGED if row.nudged_today else NUDGE.format(action=nudge_url, token=CSRF_PLACEHOLDER, name=name)
    return (
        f'<tr{' class="stalled"' if row.stalled else ""}><th scope="row">'
        f'<a href="{urls["mentee"].replace(PLACEHOLDER, username)}">{name}</a>'
        f"{'<span class="flag">Stalled</span>' if row.stalled else ''}</th>"
        f"<td>{figures}</td><td>{int(row.done_last_week)}</td><td>{last}</td><td>{action}</td></tr>"
    )


PLACEHOLDER = "__username__"


def rows_html(rows, *, now) -> SafeString:
    """The rows, with the CSRF placeholder that pagecache.fill replaces per response."""
    # Reverse once, then fill in each (quoted) username; escape each roadmap title once.
    urls = {name: reverse(f"mentoring_{name}", args=[PLACEHOLDER]) for name in ("mentee", "nudge")}
    titles = {f.roadmap.pk: escape(f.roadmap.title) for row in rows for f in row.roadmaps}
    html = "".join(_row(row, now, urls, titles) for row in rows)
    # Safe: every user-provided value above went through html.escape.
    return mark_safe(html)  # noqa: S308
