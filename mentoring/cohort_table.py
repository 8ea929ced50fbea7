"""The rows of the mentor's cohort table, built in Python.

A mentor can have hundreds of mentees; the template engine spent half a
millisecond on each row, more than all the page's queries. format_html escapes
every value taken from a user (names, titles)."""

from urllib.parse import quote

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

ROW = '<tr{}><th scope="row"><a href="{}">{}</a>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'
FIGURE = (
    '<div class="cohort-figure"><progress max="100" value="{}" aria-label="{}: completion of {}"></progress>'
    '<span class="completion-figure">{}%</span><span class="muted cohort-roadmap">{}</span></div>'
)
# Fixed markup, no values in it.
NO_ROADMAP = mark_safe('<span class="muted">No roadmap yet</span>')  # noqa: S308
NEVER = mark_safe('<span class="muted">Never</span>')  # noqa: S308
NUDGED = mark_safe('<span class="muted">Nudged today</span>')  # noqa: S308
STALLED_CLASS = mark_safe(' class="stalled"')  # noqa: S308
STALLED_FLAG = mark_safe('<span class="flag">Stalled</span>')  # noqa: S308
NUDGE = (
    '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    '<button type="submit" class="button button-small" aria-label="Nudge {}">Nudge</button></form>'
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


def _row(row, csrf_token, now, urls) -> SafeString:
    name = row.learner.public_name
    username = quote(row.learner.username)
    figures = (
        format_html_join(
            "", FIGURE, ((f.percent, name, f.roadmap.title, f.percent, f.roadmap.title) for f in row.roadmaps)
        )
        or NO_ROADMAP
    )
    if row.last_activity:
        last = format_html('<time datetime="{}">{}</time>', row.last_activity.isoformat(), ago(row.last_activity, now))
    else:
        last = NEVER
    action = ""
    if row.stalled:
        action = (
            NUDGED
            if row.nudged_today
            else format_html(NUDGE, urls["nudge"].replace(PLACEHOLDER, username), csrf_token, name)
        )
    return format_html(
        ROW,
        STALLED_CLASS if row.stalled else "",
        urls["mentee"].replace(PLACEHOLDER, username),
        name,
        STALLED_FLAG if row.stalled else "",
        figures,
        row.done_last_week,
        last,
        action,
    )


PLACEHOLDER = "__username__"


def rows_html(rows, *, csrf_token: str, now) -> SafeString:
    # Reverse once, then fill in each (quoted) username.
    urls = {name: reverse(f"mentoring_{name}", args=[PLACEHOLDER]) for name in ("mentee", "nudge")}
    return format_html_join("", "{}", ((_row(row, csrf_token, now, urls),) for row in rows))
