import datetime as dt

from django import forms
from django.core.validators import URLValidator

from mlepath.text import validate_line, validate_text
from progress.models import (
    FEED_DEFAULT_MINUTES,
    MAX_HOURS_PER_WEEK,
    NOTE_MAX_LENGTH,
    CalendarFeed,
    PlanBasis,
    duration_label,
)


class WebURLField(forms.URLField):
    """A web address: http or https only, checked once (a URLField with an extra
    URLValidator said "Enter a valid URL." twice)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        strip=False,
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Private: only you can see it. Saved automatically as you type.",
    )


class EvidenceForm(forms.Form):
    url = WebURLField(
        label="Link",
        max_length=500,
        assume_scheme="https",
        validators=[validate_line],
        help_text="A notebook, repository or write-up that shows your work.",
    )
    title = forms.CharField(label="Title", max_length=120, required=False, validators=[validate_line])


class ImportForm(forms.Form):
    file = forms.FileField(label="Progress file (JSON)", help_text="A file downloaded with “Export JSON”.")


class PaceForm(forms.Form):
    """A pace: hours a week or a target date, whichever the learner picks; the
    other is worked out from the hours left (progress.services.set_pace)."""

    basis = forms.ChoiceField(
        label="Plan by",
        choices=[(PlanBasis.HOURS, "By hours a week"), (PlanBasis.DATE, "By a target date")],
        initial=PlanBasis.HOURS,
        widget=forms.RadioSelect,
    )
    hours_per_week = forms.IntegerField(label="Hours a week", min_value=1, max_value=MAX_HOURS_PER_WEEK, required=False)
    target_date = forms.DateField(
        label="Target date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        basis = data.get("basis")
        if basis == PlanBasis.HOURS and data.get("hours_per_week") is None and "hours_per_week" not in self.errors:
            self.add_error("hours_per_week", "Enter the hours a week you plan to study.")
        if basis == PlanBasis.DATE and data.get("target_date") is None and "target_date" not in self.errors:
            self.add_error("target_date", "Enter the date you want to finish by.")
        return data


class CalendarFeedForm(forms.Form):
    """The weekly study block of a calendar feed (progress.services.create_or_renew_feed)."""

    weekday = forms.TypedChoiceField(
        label="Day", choices=CalendarFeed.Weekday.choices, coerce=int, initial=CalendarFeed.Weekday.SATURDAY
    )
    start = forms.TimeField(
        label="Start time",
        initial=dt.time(10, 0),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    minutes = forms.TypedChoiceField(
        label="Length",
        choices=[(minutes, duration_label(minutes)) for minutes in (30, 45, 60, 90, 120, 150, 180, 240, 300, 360, 480)],
        coerce=int,
        initial=FEED_DEFAULT_MINUTES,
    )
