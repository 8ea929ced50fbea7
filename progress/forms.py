import datetime as dt

from django import forms
from django.core.validators import URLValidator

from mlepath.text import validate_line, validate_text
from progress.models import (
    FEED_DEFAULT_MINUTES,
    MAX_HOURS_PER_WEEK,
    NOTE_MAX_LENGTH,
    PROJECT_NOTE_MAX_LENGTH,
    CalendarFeed,
    PlanBasis,
    Portfolio,
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


def _link_field(label: str, help_text: str) -> forms.URLField:
    return WebURLField(
        label=label,
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[validate_line],
        help_text=help_text,
    )


class ProjectWorkForm(forms.Form):
    """The learner's work on a project: the criteria met, the links and a note."""

    checked = forms.TypedMultipleChoiceField(
        label="Acceptance criteria met", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    repository_url = _link_field("Repository", "Where the code is: GitHub, GitLab, Codeberg…")
    writeup_url = _link_field("Write-up", "A blog post, README or report explaining what you did and found.")
    demo_url = _link_field("Demo", "A running app, notebook or video.")
    note = forms.CharField(
        label="Note for your reviewer",
        max_length=PROJECT_NOTE_MAX_LENGTH,
        required=False,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"What to look at first, what you would do next. Plain text, up to {PROJECT_NOTE_MAX_LENGTH:,} characters."
        ),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked"].choices = [(criterion.pk, criterion.text) for criterion in criteria]


class PortfolioForm(forms.ModelForm):
    """What the learner's public page shows; which approved projects are picked apart (shown)."""

    shown = forms.TypedMultipleChoiceField(
        label="Approved projects to show", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Portfolio
        fields = ["public", "show_completion", "bio", "link_1", "link_2", "link_3", "noindex"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "public": "Off by default. Turned off, the page answers 404 for everyone at once.",
            "bio": "Plain text, up to 600 characters: who you are and what you are looking for.",
            "noindex": "Tells search engines not to list the page; anyone with the link can still open it.",
        }

    def __init__(self, *args, approved=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown"].choices = [(work.pk, work.project.title) for work in approved]
        for name in ("link_1", "link_2", "link_3"):
            self.fields[name].validators.append(validate_line)
            self.fields[name].assume_scheme = "https"
        self.fields["bio"].validators.append(validate_text)
