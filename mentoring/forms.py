from django import forms
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.models import COMMENT_MAX_LENGTH, Invite
from mlepath.text import validate_line, validate_text
from roadmap.models import Roadmap, Topic

EXPIRY_CHOICES = [("", _("Never")), ("1", _("In 1 day")), ("7", _("In 7 days")), ("30", _("In 30 days"))]


USES_CHOICES = [("one", _("One person")), ("many", _("Anyone with the link"))]


class InviteForm(forms.Form):
    kind = forms.ChoiceField(choices=Invite.Kind.choices, widget=forms.HiddenInput)
    expires_in = forms.TypedChoiceField(
        label=_("Link expires"), choices=EXPIRY_CHOICES, coerce=int, empty_value=None, required=False
    )
    # A learner's link serves one mentor unless the learner says otherwise; a
    # mentor's link serves a whole cohort unless the mentor says otherwise.
    uses = forms.ChoiceField(label=_("Who can use it"), choices=USES_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.initial.get("kind") or self.data.get(self.add_prefix("kind"))
        self.fields["uses"].initial = "many" if kind == Invite.Kind.FROM_MENTOR else "one"

    def clean_uses(self):
        uses = self.cleaned_data["uses"]
        if not uses:
            return "many" if self.cleaned_data.get("kind") == Invite.Kind.FROM_MENTOR else "one"
        return uses


class SharingForm(forms.Form):
    """What one mentor sees besides statuses: the wanted state of each choice,
    as checkboxes send it (an unchecked box is not sent: private)."""

    share_dates = forms.BooleanField(required=False)
    share_evidence = forms.BooleanField(required=False)
    share_notes = forms.BooleanField(required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(_("Plain text, up to {max_length} characters."), max_length=COMMENT_MAX_LENGTH),
    )


class SuggestionForm(forms.Form):
    target_date = forms.DateField(label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"}))


class ProjectReviewForm(forms.Form):
    # When the reviewed submission was made: a review of a page opened before the
    # learner withdrew and resubmitted is refused, not applied to unseen work.
    # (The page always sends it; without it, the review applies to the work as it is.)
    submitted = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("approve", _("Approve")), ("changes", _("Request changes"))],
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Comments"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Posted in the project's thread. Needed when you request changes: say what to change."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "changes" and not (data.get("body") or "").strip():
            self.add_error("body", _("Say what to change: the learner needs to know."))
        return data


# --- Cohort tracks (mentoring.tracks): plain text, bounded, as the track page states ---

TRACK_INTRODUCTION_MAX = 2000
OWN_SUMMARY_MAX = 2000
OWN_BRIEF_MAX = 4000
OWN_RESOURCES_MAX = 10
OWN_CRITERIA_MAX = 10
OWN_HOURS_MAX = 500


def _check_ids(field, values) -> None:
    """A choice by id that is not a small whole number is refused as an invalid
    choice before it reaches the database (an integer past 64 bits overflows SQLite's)."""
    for each in values:
        if not (isinstance(each, str) and each.isascii() and each.isdigit() and len(each) <= 18):
            raise forms.ValidationError(
                field.error_messages["invalid_choice"], code="invalid_choice", params={"value": str(each)[:20]}
            )


class TrackTopicsField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        _check_ids(self, value or ())
        return super().clean(value)


class RoadmapChoiceField(forms.ModelChoiceField):
    def clean(self, value):
        _check_ids(self, [value] if value not in self.empty_values else [])
        return super().clean(value)


class TrackForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, validators=[validate_line])
    introduction = forms.CharField(
        label=_("Introduction"),
        max_length=TRACK_INTRODUCTION_MAX,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=format_lazy(
            _("What your learners read first. Plain text, up to {max_length} characters."),
            max_length=TRACK_INTRODUCTION_MAX,
        ),
    )
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: when you would like your cohort to finish."),
    )


class NewTrackForm(TrackForm):
    copy_from = RoadmapChoiceField(
        label=_("Start from"),
        queryset=Roadmap.objects.none(),
        required=False,
        empty_label=_("An empty track"),
        help_text=_(
            "A copy of a shipped roadmap's sections, topics and projects: then leave out what your team knows."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = Roadmap.objects.published().shipped().order_by("order", "title")


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=120, validators=[validate_line])


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class OwnTopicForm(forms.Form):
    """A track's own topic. Resources are lines of "title | https://…"
    (or a bare URL); prerequisites are the track's topics."""

    title = forms.CharField(label=_("Title"), max_length=160, validators=[validate_line])
    summary = forms.CharField(
        label=_("Summary"),
        max_length=OWN_SUMMARY_MAX,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(_("Plain text, up to {max_length} characters."), max_length=OWN_SUMMARY_MAX),
    )
    hours = forms.IntegerField(
        label=_("Estimated hours"), min_value=1, max_value=OWN_HOURS_MAX, help_text=_("From 1 to 500.")
    )
    resources = forms.CharField(
        label=_("Resources"),
        required=False,
        max_length=OWN_RESOURCES_MAX * 720,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            _("One per line, as “Title | https://…” or a bare https link; up to {count}."), count=OWN_RESOURCES_MAX
        ),
    )
    prerequisites = TrackTopicsField(
        label=_("Prerequisites"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Topics of this track to finish first."),
    )

    def __init__(self, *args, track_topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prerequisites"].queryset = Topic.objects.filter(pk__in=[t.pk for t in track_topics]).order_by(
            "title"
        )

    def clean_resources(self):
        resources = []
        validate_url = URLValidator(schemes=["https"])
        for line in _lines(self.cleaned_data["resources"]):
            title, _bar, url = line.rpartition("|") if "|" in line else ("", "", line)
            title, url = title.strip(), url.strip()
            try:
                validate_url(url)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(line)s” needs a well-formed https link.") % {"line": line[:80]}, code="invalid_url"
                ) from None
            if len(url) > 500 or len(title) > 200:
                raise forms.ValidationError(
                    _("A resource's title or link is too long: “%(line)s”.") % {"line": line[:80]}
                )
            validate_line(title)
            resources.append((title or url[:200], url))  # a bare link names itself, within a title's length
        if len(resources) > OWN_RESOURCES_MAX:
            raise forms.ValidationError(_("Up to %(count)d resources.") % {"count": OWN_RESOURCES_MAX})
        if len({url for _title, url in resources}) < len(resources):
            raise forms.ValidationError(_("A link is listed twice."))
        return tuple(resources)


class OwnProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160, validators=[validate_line])
    brief = forms.CharField(
        label=_("Brief"),
        max_length=OWN_BRIEF_MAX,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=format_lazy(_("Plain text, up to {max_length} characters."), max_length=OWN_BRIEF_MAX),
    )
    hours = forms.IntegerField(
        label=_("Estimated hours"), min_value=1, max_value=OWN_HOURS_MAX, help_text=_("From 1 to 500.")
    )
    criteria = forms.CharField(
        label=_("Acceptance criteria"),
        max_length=OWN_CRITERIA_MAX * 302,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=format_lazy(_("One per line, up to {count}, each up to 300 characters."), count=OWN_CRITERIA_MAX),
    )
    topics = TrackTopicsField(
        label=_("Topics it practises"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, track_topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.filter(pk__in=[t.pk for t in track_topics]).order_by("title")

    def clean_criteria(self):
        criteria = _lines(self.cleaned_data["criteria"])
        if not criteria:
            raise forms.ValidationError(_("Write at least one criterion."))
        if len(criteria) > OWN_CRITERIA_MAX:
            raise forms.ValidationError(_("Up to %(count)d criteria.") % {"count": OWN_CRITERIA_MAX})
        if any(len(criterion) > 300 for criterion in criteria):
            raise forms.ValidationError(_("Each criterion is up to 300 characters."))
        return tuple(criteria)
