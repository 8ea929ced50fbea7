"""A topic's review and time log, on its page and in its side panel: each form
works without JavaScript (it answers with the topic page) and htmx redraws the
block in place."""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from mlepath.shortcuts import or_404
from progress import selectors, services
from progress.forms import TimeEntryForm
from progress.models import Review, TimeEntry
from progress.topic_page import _live_topic_or_404, _topic_context, topic_page


def _block(request, slug, partial: str, *, status: int = 200, **forms):
    """The redrawn block (htmx), or back to the topic page."""
    if request.htmx:
        content = or_404(selectors.readable_topic(slug, request.user), "No such topic")
        return render(
            request, f"progress/topic_detail.html#{partial}", _topic_context(request, content, **forms), status=status
        )
    if status != 200:
        return topic_page(request, slug, status=status, **forms)
    return redirect(f"{_live_topic_or_404(request, slug).get_absolute_url()}#{partial}")


@require_POST
@vary_on_headers("HX-Request")
def topic_review(request, slug):
    """Mark a done topic for review, record a review (easy, fine or hard), or leave review."""
    topic = _live_topic_or_404(request, slug)
    action = request.POST.get("action", "")
    try:
        if action == "mark":
            services.mark_for_review(learner=request.user, topic=topic)
        elif action == "leave":
            services.leave_review(learner=request.user, topic=topic)
        elif action in Review.Answer.values:
            try:
                was_due = dt.date.fromisoformat(request.POST.get("was_due", ""))
            except ValueError:
                return HttpResponseBadRequest(gettext("The review's due date is missing: reload the page."))
            services.review_done(learner=request.user, topic=topic, answer=action, was_due=was_due)
        else:
            return HttpResponseBadRequest(gettext("Choose one of: mark, easy, fine, hard, leave."))
    except services.ReviewError as error:
        if request.htmx:
            return _block(request, slug, "review", status=422, review_error=str(error))
        messages.error(request, str(error))
    return _block(request, slug, "review")


@require_POST
@vary_on_headers("HX-Request")
def topic_time(request, slug):
    """Log time spent on a topic."""
    topic = _live_topic_or_404(request, slug)
    form = TimeEntryForm(request.POST)
    if form.is_valid():
        try:
            services.log_time(
                learner=request.user, topic=topic, minutes=form.cleaned_data["minutes"], day=form.cleaned_data["day"]
            )
        except services.TimeLogError as error:
            form.add_error("minutes", str(error))
    if not form.is_valid():
        return _block(request, slug, "time-log", status=422 if request.htmx else 400, time_form=form)
    return _block(request, slug, "time-log")


@require_POST
@vary_on_headers("HX-Request")
def topic_time_entry(request, slug, entry_id):
    """Change or delete one of the learner's own entries on this topic."""
    topic = _live_topic_or_404(request, slug)
    entry = or_404(TimeEntry.objects.filter(pk=entry_id, learner=request.user, topic=topic).first(), "No such entry")
    if request.POST.get("action") == "delete":
        services.delete_time(learner=request.user, entry_id=entry.pk)
        return _block(request, slug, "time-log")
    form = TimeEntryForm(request.POST, prefix=f"entry-{entry.pk}")
    if form.is_valid():
        try:
            services.edit_time(
                learner=request.user,
                entry_id=entry.pk,
                minutes=form.cleaned_data["minutes"],
                day=form.cleaned_data["day"] or entry.logged_on,
            )
        except services.TimeLogError as error:
            form.add_error("minutes", str(error))
    if not form.is_valid():
        return _block(request, slug, "time-log", status=422 if request.htmx else 400, edit_form=form, edit_id=entry.pk)
    return _block(request, slug, "time-log")
