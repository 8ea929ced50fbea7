import datetime as dt

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from mlepath.text import validate_line, validate_text
from progress.models import (
    FEED_DEFAULT_MINUTES,
    MAX_HOURS_PER_WEEK,
    NOTE_MAX_LENGTH,
    TIME_ENTRY_MAX_MINUTES,
    CalendarFeed,
    PlanBasis,
    duration_label,
)

# The time log's quick choices, in minutes.
QUICK_MINUTES = (30, 60, 120)


class WebURLField(forms.URLField):
    """A web address: http or https only, checked once (a URLField with an extra
    URLValidator said "Enter a valid URL." twice)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        strip=False,
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Private: only you can see it. Saved automatically as you type."),
    )


class EvidenceForm(forms.Form):
    url = WebURLField(
        label=gettext_lazy("Link"),
        max_length=500,
        assume_scheme="https",
        validators=[validate_line],
        help_text=gettext_lazy("A notebook, repository or write-up that shows your work."),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120, required=False, validators=[validate_line])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Progress file (JSON)"), help_text=gettext_lazy("A file downloaded with “Export JSON”.")
    )


class PaceForm(forms.Form):
    """A pace: hours a week or a target date, whichever the learner picks; the
    other is worked out from the hours left (progress.services.set_pace)."""

    basis = forms.ChoiceField(
        label=gettext_lazy("Plan by"),
        choices=[
            (PlanBasis.HOURS, gettext_lazy("By hours a week")),
            (PlanBasis.DATE, gettext_lazy("By a target date")),
        ],
        initial=PlanBasis.HOURS,
        widget=forms.RadioSelect,
    )
    hours_per_week = forms.IntegerField(
        label=gettext_lazy("Hours a week"), min_value=1, max_value=MAX_HOURS_PER_WEEK, required=False
    )
    target_date = forms.DateField(
        label=gettext_lazy("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        basis = data.get("basis")
        if basis == PlanBasis.HOURS and data.get("hours_per_week") is None and "hours_per_week" not in self.errors:
            self.add_error("hours_per_week", gettext("Enter the hours a week you plan to study."))
        if basis == PlanBasis.DATE and data.get("target_date") is None and "target_date" not in self.errors:
            self.add_error("target_date", gettext("Enter the date you want to finish by."))
        return data


def _length_choices() -> list[tuple[int, str]]:
    """The study block's lengths, read when the form shows or checks them: in the active language."""
    return [(minutes, duration_label(minutes)) for minutes in (30, 45, 60, 90, 120, 150, 180, 240, 300, 360, 480)]


class CalendarFeedForm(forms.Form):
    """The weekly study block of a calendar feed (progress.services.create_or_renew_feed)."""

    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Day"),
        choices=CalendarFeed.Weekday.choices,
        coerce=int,
        initial=CalendarFeed.Weekday.SATURDAY,
    )
    start = forms.TimeField(
        label=gettext_lazy("Start time"),
        initial=dt.time(10, 0),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    minutes = forms.TypedChoiceField(
        label=gettext_lazy("Length"),
        choices=_length_choices,
        coerce=int,
        initial=FEED_DEFAULT_MINUTES,
    )


class TimeEntryForm(forms.Form):
    """Time spent on a topic: a quick choice (a button named "quick") or an
    amount in minutes, on a day (today when left empty; the service refuses a
    day still to come)."""

    quick = forms.TypedChoiceField(
        choices=[(minutes, minutes) for minutes in QUICK_MINUTES], coerce=int, required=False, empty_value=None
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=1, max_value=TIME_ENTRY_MAX_MINUTES, required=False
    )
    day = forms.DateField(
        label=pgettext_lazy("a day of the time log", "Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        if data.get("quick"):
            data["minutes"] = data["quick"]
        elif data.get("minutes") is None and "minutes" not in self.errors:
            self.add_error("minutes", gettext("Enter the minutes you spent, or pick 30 min, 1 h or 2 h."))
        if data.get("day") and data["day"] < dt.date(2000, 1, 1):
            self.add_error("day", gettext("Enter a day this century."))
        return data
